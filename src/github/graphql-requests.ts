import { z } from "zod";
import type { OctokitLike } from "./octokit-gateway.js";
import type { RepoRef, ReviewThread } from "./github-gateway.js";
import { GitHubError } from "./github-errors.js";

/*
 * What the gateway asks of GitHub's GraphQL API, where REST has no answer: taking a pull request out
 * of draft, and review threads with whether each is resolved. GraphQL answers HTTP 200 with
 * `errors`; those become GitHubErrors here (a rate limit retryable, the rest not).
 */

const graphqlErrors = z.array(z.object({ message: z.string(), type: z.string().optional() })).optional();

/** GraphQL answers HTTP 200 with `errors`; a rate limit among them is worth retrying, the rest are not. */
function graphqlError(doing: string, errors: readonly { message: string; type?: string | undefined }[]): GitHubError {
  const limited = errors.some((e) => e.type === "RATE_LIMITED");
  return new GitHubError(`GitHub refused to ${doing}: ${errors.map((e) => e.message).join("; ")}`, limited ? 429 : 422, { retryable: limited });
}
const reviewThreadsSchema = z.object({
  data: z
    .object({
      repository: z
        .object({
          pullRequest: z
            .object({
              reviewThreads: z.object({
                nodes: z.array(
                  z.object({
                    id: z.string(),
                    isResolved: z.boolean(),
                    isOutdated: z.boolean(),
                    path: z.string(),
                    line: z.number().nullable(),
                    comments: z.object({ nodes: z.array(z.object({ databaseId: z.number(), body: z.string(), author: z.object({ login: z.string() }).nullable() })) }),
                  }),
                ),
              }),
            })
            .nullable(),
        })
        .nullable(),
    })
    .nullable()
    .optional(),
  errors: graphqlErrors,
});
const readyForReviewSchema = z.object({ data: z.unknown().optional(), errors: graphqlErrors });

/** Exported so the simulator's tests ask exactly what the app asks. */
export const reviewThreadsQuery = `query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100) {
        nodes { id isResolved isOutdated path line comments(first: 100) { nodes { databaseId body author { login } } } }
      }
    }
  }
}`;

export const readyForReviewMutation = `mutation($id: ID!) {
  markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { number isDraft } }
}`;

/** Takes a draft pull request out of draft. */
export async function markReadyForReview(octokit: OctokitLike, nodeId: string): Promise<void> {
  const { data } = (await octokit.request("POST /graphql", { query: readyForReviewMutation, variables: { id: nodeId } })) as { data: unknown };
  const errors = readyForReviewSchema.parse(data).errors ?? [];
  if (errors.length > 0) throw graphqlError("mark the pull request ready for review", errors);
}

/** Every review thread of a pull request (up to 100, with up to 100 comments each). */
export async function queryReviewThreads(octokit: OctokitLike, repo: RepoRef, prNumber: number): Promise<ReviewThread[]> {
  const { data } = (await octokit.request("POST /graphql", { query: reviewThreadsQuery, variables: { owner: repo.owner, name: repo.repo, number: prNumber } })) as { data: unknown };
  const parsed = reviewThreadsSchema.parse(data);
  if (parsed.errors && parsed.errors.length > 0) throw graphqlError("read the review threads", parsed.errors);
  const nodes = parsed.data?.repository?.pullRequest?.reviewThreads.nodes ?? [];
  return nodes.map((t) => ({
    id: t.id,
    resolved: t.isResolved,
    outdated: t.isOutdated,
    path: t.path,
    line: t.line,
    comments: t.comments.nodes.map((c) => ({ id: c.databaseId, author: c.author?.login ?? null, body: c.body })),
  }));
}
