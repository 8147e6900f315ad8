import { buildSchema } from "graphql";
import type { GraphQLSchema } from "graphql";

/** Where a query that strays outside the schema below is pointed to. */
export const schemaLocation = "src/sim/github/graphql/graphql-schema.ts";

/**
 * The part of GitHub's GraphQL schema the simulator serves, with GitHub's type, field and argument
 * names and nullability, so a query valid here is valid on GitHub. What is not here is refused with
 * a GraphQL error rather than answered with something GitHub would not send.
 */
const SDL = /* GraphQL */ `
  scalar DateTime
  scalar URI
  scalar GitObjectID

  interface Node {
    id: ID!
  }

  interface Actor {
    login: String!
    avatarUrl(size: Int): URI!
    url: URI!
  }

  type User implements Node & Actor {
    id: ID!
    databaseId: Int
    login: String!
    avatarUrl(size: Int): URI!
    url: URI!
  }

  type Bot implements Node & Actor {
    id: ID!
    databaseId: Int
    login: String!
    avatarUrl(size: Int): URI!
    url: URI!
  }

  type Organization implements Node & Actor {
    id: ID!
    databaseId: Int
    login: String!
    avatarUrl(size: Int): URI!
    url: URI!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  enum PullRequestState {
    OPEN
    CLOSED
    MERGED
  }

  enum DiffSide {
    LEFT
    RIGHT
  }

  type Repository implements Node {
    id: ID!
    databaseId: Int
    name: String!
    nameWithOwner: String!
    isPrivate: Boolean!
    url: URI!
    pullRequest(number: Int!): PullRequest
  }

  type PullRequest implements Node {
    id: ID!
    databaseId: Int
    number: Int!
    title: String!
    body: String!
    isDraft: Boolean!
    state: PullRequestState!
    closed: Boolean!
    merged: Boolean!
    url: URI!
    author: Actor
    headRefName: String!
    headRefOid: GitObjectID!
    baseRefName: String!
    baseRefOid: GitObjectID!
    createdAt: DateTime!
    updatedAt: DateTime!
    repository: Repository!
    reviewThreads(first: Int, after: String, last: Int, before: String): PullRequestReviewThreadConnection!
  }

  type PullRequestReviewThreadConnection {
    nodes: [PullRequestReviewThread]
    edges: [PullRequestReviewThreadEdge]
    totalCount: Int!
    pageInfo: PageInfo!
  }

  type PullRequestReviewThreadEdge {
    cursor: String!
    node: PullRequestReviewThread
  }

  type PullRequestReviewThread implements Node {
    id: ID!
    isResolved: Boolean!
    isOutdated: Boolean!
    path: String!
    line: Int
    originalLine: Int
    diffSide: DiffSide!
    pullRequest: PullRequest!
    comments(first: Int, after: String, last: Int, before: String): PullRequestReviewCommentConnection!
  }

  type PullRequestReviewCommentConnection {
    nodes: [PullRequestReviewComment]
    edges: [PullRequestReviewCommentEdge]
    totalCount: Int!
    pageInfo: PageInfo!
  }

  type PullRequestReviewCommentEdge {
    cursor: String!
    node: PullRequestReviewComment
  }

  type PullRequestReviewComment implements Node {
    id: ID!
    databaseId: Int
    body: String!
    author: Actor
    path: String!
    line: Int
    originalLine: Int
    diffHunk: String!
    outdated: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    url: URI!
    replyTo: PullRequestReviewComment
    pullRequest: PullRequest!
  }

  input MarkPullRequestReadyForReviewInput {
    clientMutationId: String
    pullRequestId: ID!
  }

  type MarkPullRequestReadyForReviewPayload {
    clientMutationId: String
    pullRequest: PullRequest
  }

  type Query {
    repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
  }

  type Mutation {
    markPullRequestReadyForReview(input: MarkPullRequestReadyForReviewInput!): MarkPullRequestReadyForReviewPayload
  }
`;

export const githubSchema: GraphQLSchema = buildSchema(SDL);
