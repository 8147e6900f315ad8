import { lineAtHead } from "../review-anchor.js";
import type { SimReviewThread } from "../review-threads.js";
import { reviewThreadsOf } from "../review-threads.js";
import type { SimChange } from "../sim-changes.js";
import type { SimApp, SimInstallation, SimPull, SimRepo, SimReviewComment, SimUrls, SimUser } from "../sim-model.js";
import type { SimWorld } from "../sim-world.js";
import { userView } from "../views/user-views.js";
import { nodeId, repoWebUrl } from "../views/view-urls.js";
import type { ConnectionArgs } from "./graphql-connection.js";
import { connection } from "./graphql-connection.js";
import { GraphqlErrorType, GraphqlRefusal } from "./graphql-error.js";

/** Who is asking and what they may change: an installation, by its token. */
export interface GraphqlContext {
  readonly world: SimWorld;
  readonly urls: SimUrls;
  readonly app: SimApp;
  readonly installation: SimInstallation;
  readonly emit: (change: SimChange) => void;
}

/*
 * Nodes are plain objects in GitHub's shapes. A field that takes arguments, costs a diff or leads
 * to another node is a function, which graphql-js's default resolver calls only when it is asked for.
 */

/** A user, bot or organization. GraphQL names a bot by its app's slug, without REST's "[bot]". */
export function actorNode(urls: SimUrls, user: SimUser) {
  const view = userView(urls, user);
  return {
    __typename: user.type,
    id: view.node_id,
    databaseId: user.id,
    login: user.type === "Bot" ? user.login.replace(/\[bot\]$/, "") : user.login,
    avatarUrl: view.avatar_url,
    url: view.html_url,
  };
}

export function repositoryNode(ctx: GraphqlContext, repo: SimRepo) {
  return {
    id: nodeId("Repository", repo.id),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner.login}/${repo.name}`,
    isPrivate: repo.private,
    url: repoWebUrl(ctx.urls, repo),
    pullRequest: ({ number }: { number: number }) => {
      const pull = repo.pulls.get(number);
      if (!pull) throw new GraphqlRefusal(GraphqlErrorType.notFound, `Could not resolve to a PullRequest with the number of ${number}.`);
      return pullRequestNode(ctx, repo, pull);
    },
  };
}

export function pullRequestNode(ctx: GraphqlContext, repo: SimRepo, pull: SimPull) {
  return {
    id: nodeId("PullRequest", pull.id),
    databaseId: pull.id,
    number: pull.number,
    title: pull.title,
    body: pull.body ?? "",
    isDraft: pull.draft,
    state: pull.mergedAt !== null ? "MERGED" : pull.state === "closed" ? "CLOSED" : "OPEN",
    closed: pull.state === "closed",
    merged: pull.mergedAt !== null,
    url: `${repoWebUrl(ctx.urls, repo)}/pull/${pull.number}`,
    author: actorNode(ctx.urls, pull.user),
    headRefName: pull.headRef,
    headRefOid: pull.headSha,
    baseRefName: pull.baseRef,
    baseRefOid: pull.baseSha,
    createdAt: pull.createdAt,
    updatedAt: pull.updatedAt,
    repository: () => repositoryNode(ctx, repo),
    reviewThreads: (args: ConnectionArgs) => connection(reviewThreadsOf(repo, pull.number), args, "reviewThreads", (thread) => reviewThreadNode(ctx, repo, pull, thread)),
  };
}

function reviewThreadNode(ctx: GraphqlContext, repo: SimRepo, pull: SimPull, thread: SimReviewThread) {
  const line = (): number | null => lineAtHead(repo, pull, thread.top);
  return {
    id: nodeId("PullRequestReviewThread", thread.top.id),
    isResolved: thread.resolved,
    isOutdated: () => line() === null,
    path: thread.top.path,
    line,
    originalLine: thread.top.line,
    diffSide: thread.top.side,
    pullRequest: () => pullRequestNode(ctx, repo, pull),
    comments: (args: ConnectionArgs) => connection(thread.comments, args, "comments", (comment) => reviewCommentNode(ctx, repo, pull, comment)),
  };
}

function reviewCommentNode(ctx: GraphqlContext, repo: SimRepo, pull: SimPull, comment: SimReviewComment): Record<string, unknown> {
  const line = (): number | null => lineAtHead(repo, pull, comment);
  return {
    id: nodeId("PullRequestReviewComment", comment.id),
    databaseId: comment.id,
    body: comment.body,
    author: actorNode(ctx.urls, comment.user),
    path: comment.path,
    line,
    originalLine: comment.line,
    diffHunk: comment.diffHunk,
    outdated: () => line() === null,
    createdAt: comment.createdAt,
    updatedAt: comment.updatedAt,
    url: `${repoWebUrl(ctx.urls, repo)}/pull/${pull.number}#discussion_r${comment.id}`,
    replyTo: () => {
      const top = comment.inReplyTo === null ? undefined : repo.reviewComments.get(comment.inReplyTo);
      return top === undefined ? null : reviewCommentNode(ctx, repo, pull, top);
    },
    pullRequest: () => pullRequestNode(ctx, repo, pull),
  };
}
