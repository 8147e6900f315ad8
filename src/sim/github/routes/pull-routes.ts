import { z } from "zod";
import type { SimPull, SimRepo, SimUser } from "../sim-model.js";
import { diffEntryViews, pullSimpleView, pullView } from "../views/index.js";
import type { RouteContext, RouteHandler } from "./route-context.js";
import { intParam, notFound, paginate, refused, requireRepo, unprocessable } from "./route-context.js";
import { mergePull } from "../merge-pull.js";

function findUser(ctx: RouteContext): (login: string) => SimUser | undefined {
  return (login) => ctx.world.users.get(login);
}

export function requirePull(ctx: RouteContext, repo: SimRepo): SimPull {
  const pull = repo.pulls.get(intParam(ctx, "pull_number"));
  if (!pull) throw notFound();
  return pull;
}

/** `head` may be `branch` or `owner:branch`; forks are out of the simulator's scope. */
function headBranch(repo: SimRepo, head: string): string {
  const colon = head.indexOf(":");
  return colon === -1 || head.slice(0, colon).toLowerCase() === repo.owner.login.toLowerCase() ? head.slice(colon + 1) : `\0fork:${head}`;
}

const createBody = z.object({
  title: z.string().optional(),
  head: z.string(),
  base: z.string(),
  body: z.string().optional(),
  draft: z.boolean().optional(),
  issue: z.number().optional(),
});
const updateBody = z.object({ title: z.string().optional(), body: z.string().optional(), state: z.enum(["open", "closed"]).optional() });
const mergeBody = z.object({ commit_title: z.string().optional(), commit_message: z.string().optional(), sha: z.string().optional(), merge_method: z.string().optional() }).nullable().optional();
const reviewersBody = z.object({ reviewers: z.array(z.string()).optional(), team_reviewers: z.array(z.string()).optional() });

export const pullRoutes: Record<string, RouteHandler> = {
  "pulls/create": (ctx) => {
    const repo = requireRepo(ctx);
    const body = createBody.parse(ctx.body);
    const head = headBranch(repo, body.head);
    const headSha = repo.git.refs.get(`refs/heads/${head}`);
    const baseSha = repo.git.refs.get(`refs/heads/${body.base}`);
    if (!headSha) throw unprocessable(ctx, "PullRequest", "head", "invalid");
    if (!baseSha) throw unprocessable(ctx, "PullRequest", "base", "invalid");
    if (body.title === undefined && body.issue === undefined) throw unprocessable(ctx, "PullRequest", "title", "missing_field");
    if ([...repo.pulls.values()].some((p) => p.state === "open" && p.headRef === head && p.baseRef === body.base)) {
      throw unprocessable(ctx, "PullRequest", "", "custom", `A pull request already exists for ${repo.owner.login}:${head}.`);
    }
    if (headSha === baseSha) throw unprocessable(ctx, "PullRequest", "", "custom", `No commits between ${body.base} and ${head}`);
    const now = ctx.world.now();
    const number = repo.nextNumber++;
    const title = body.title ?? repo.issues.get(body.issue ?? -1)?.title ?? "";
    repo.issues.set(number, { id: ctx.world.nextId(), number, title, body: body.body ?? null, user: ctx.app.bot, state: "open", labels: [], comments: 0, createdAt: now, updatedAt: now, closedAt: null, pullRequest: true });
    const pull: SimPull = {
      id: ctx.world.nextId(), number, title, body: body.body ?? null, user: ctx.app.bot, state: "open", draft: body.draft ?? false,
      headRef: head, headSha, baseRef: body.base, baseSha, createdAt: now, updatedAt: now, closedAt: null, mergedAt: null, mergedBy: null, mergeCommitSha: null, requestedReviewers: [],
    };
    repo.pulls.set(number, pull);
    ctx.emit({ kind: "pull_request", action: "opened", repo, pull, sender: ctx.app.bot });
    return { status: 201, body: pullView(ctx.urls, repo, pull, findUser(ctx)) };
  },
  "pulls/get": (ctx) => {
    const repo = requireRepo(ctx);
    return { status: 200, body: pullView(ctx.urls, repo, requirePull(ctx, repo), findUser(ctx)) };
  },
  "pulls/list": (ctx) => {
    const repo = requireRepo(ctx);
    const state = ctx.query.get("state") ?? "open";
    const head = ctx.query.get("head");
    const base = ctx.query.get("base");
    const pulls = [...repo.pulls.values()]
      .filter((p) => state === "all" || p.state === state)
      .filter((p) => head === null || headBranch(repo, head) === p.headRef)
      .filter((p) => base === null || p.baseRef === base)
      .sort((a, b) => b.number - a.number);
    return { status: 200, body: paginate(ctx, pulls).map((p) => pullSimpleView(ctx.urls, repo, p, findUser(ctx))) };
  },
  "pulls/update": (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(ctx, repo);
    const body = updateBody.parse(ctx.body ?? {});
    if (body.title !== undefined) pull.title = body.title;
    if (body.body !== undefined) pull.body = body.body;
    if (body.state && body.state !== pull.state) {
      pull.state = body.state;
      pull.closedAt = body.state === "closed" ? ctx.world.now() : null;
      if (body.state === "closed") ctx.emit({ kind: "pull_request", action: "closed", repo, pull, sender: ctx.app.bot });
    }
    pull.updatedAt = ctx.world.now();
    return { status: 200, body: pullView(ctx.urls, repo, pull, findUser(ctx)) };
  },
  "pulls/merge": (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(ctx, repo);
    const body = mergeBody.parse(ctx.body);
    if (pull.state !== "open" || pull.draft) throw refused(ctx, "Pull Request is not mergeable");
    if (body?.sha && body.sha !== pull.headSha) throw refused(ctx, "Head branch was modified. Review and try the merge again.");
    const sha = mergePull(ctx.world, repo, pull, ctx.app.bot, body?.commit_title, ctx.emit);
    return { status: 200, body: { sha, merged: true, message: "Pull Request successfully merged" } };
  },
  "pulls/list-files": (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(ctx, repo);
    return { status: 200, body: paginate(ctx, diffEntryViews(ctx.urls, repo, pull.baseSha, pull.headSha)) };
  },
  "pulls/request-reviewers": (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(ctx, repo);
    const body = reviewersBody.parse(ctx.body);
    for (const login of body.reviewers ?? []) {
      if (login === pull.user.login) throw refused(ctx, "Review cannot be requested from pull request author.");
      if (!repo.collaborators.has(login)) throw refused(ctx, "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the " + `${repo.owner.login}/${repo.name} repository.`);
      if (!pull.requestedReviewers.includes(login)) pull.requestedReviewers.push(login);
    }
    return { status: 201, body: pullSimpleView(ctx.urls, repo, pull, findUser(ctx)) };
  },
};
