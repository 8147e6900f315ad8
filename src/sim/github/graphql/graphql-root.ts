import { z } from "zod";
import { markReadyForReview } from "../mark-ready-for-review.js";
import type { SimPull, SimRepo } from "../sim-model.js";
import { parseNodeId } from "../views/view-urls.js";
import { GraphqlErrorType, GraphqlRefusal } from "./graphql-error.js";
import type { GraphqlContext } from "./graphql-nodes.js";
import { pullRequestNode, repositoryNode } from "./graphql-nodes.js";

// graphql-js has checked the arguments against the schema; these give them their types.
const repositoryArgs = z.object({ owner: z.string(), name: z.string() });
const markReadyArgs = z.object({ input: z.object({ pullRequestId: z.string(), clientMutationId: z.string().nullish() }) });

/** An installation sees the repositories of the account it is installed on, as with REST. */
function visibleRepos(ctx: GraphqlContext): SimRepo[] {
  const account = ctx.installation.account.login.toLowerCase();
  return [...ctx.world.repos.values()].filter((repo) => repo.owner.login.toLowerCase() === account);
}

function pullByNodeId(ctx: GraphqlContext, id: string): { repo: SimRepo; pull: SimPull } {
  const node = parseNodeId(id);
  for (const repo of node?.type === "PullRequest" ? visibleRepos(ctx) : []) {
    const pull = [...repo.pulls.values()].find((p) => String(p.id) === node?.id);
    if (pull) return { repo, pull };
  }
  throw new GraphqlRefusal(GraphqlErrorType.notFound, `Could not resolve to a node with the global id of '${id}'.`);
}

/** The Query and Mutation fields the simulator serves, as graphql-js's root value. */
export function rootResolvers(ctx: GraphqlContext) {
  return {
    repository: (args: unknown) => {
      const { owner, name } = repositoryArgs.parse(args);
      const repo = visibleRepos(ctx).find((r) => r.name.toLowerCase() === name.toLowerCase() && r.owner.login.toLowerCase() === owner.toLowerCase());
      if (!repo) throw new GraphqlRefusal(GraphqlErrorType.notFound, `Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repositoryNode(ctx, repo);
    },
    markPullRequestReadyForReview: (args: unknown) => {
      const { input } = markReadyArgs.parse(args);
      const { repo, pull } = pullByNodeId(ctx, input.pullRequestId);
      if (pull.state !== "open") throw new GraphqlRefusal(GraphqlErrorType.unprocessable, `Pull request #${pull.number} is closed and cannot be marked ready for review.`);
      markReadyForReview(ctx.world, repo, pull, ctx.app.bot, ctx.emit);
      return { clientMutationId: input.clientMutationId ?? null, pullRequest: pullRequestNode(ctx, repo, pull) };
    },
  };
}
