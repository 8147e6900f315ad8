import { branchView, collaboratorPermissionView, contentFileView, fullRepositoryView } from "../views/index.js";
import type { RouteHandler } from "./route-context.js";
import { absent, notFound, param, requireRepo, SimHttpError } from "./route-context.js";

/** A ref as the contents and archive endpoints take it: branch, tag-less sha, or `refs/heads/…`. */
function resolveCommit(repo: Parameters<typeof fullRepositoryView>[1], ref: string): string | undefined {
  const direct = repo.git.refs.get(ref.startsWith("refs/") ? ref : `refs/heads/${ref}`);
  if (direct) return direct;
  return repo.git.get(ref)?.type === "commit" ? ref : undefined;
}

export const repoRoutes: Record<string, RouteHandler> = {
  "repos/get": (ctx) => ({ status: 200, body: fullRepositoryView(ctx.urls, requireRepo(ctx)) }),
  "repos/get-branch": (ctx) => {
    const repo = requireRepo(ctx);
    const branch = param(ctx, "branch");
    const sha = repo.git.refs.get(`refs/heads/${branch}`);
    if (!sha) throw new SimHttpError(404, { message: "Branch not found", documentation_url: ctx.documentationUrl, status: "404" });
    return { status: 200, body: branchView(ctx.urls, repo, branch, sha) };
  },
  "repos/get-collaborator-permission-level": (ctx) => {
    const repo = requireRepo(ctx);
    const user = ctx.world.users.get(param(ctx, "username"));
    if (!user) throw notFound();
    return { status: 200, body: collaboratorPermissionView(ctx.urls, user, ctx.world.permissionOf(repo, user.login)) };
  },
  "repos/get-content": (ctx) => {
    const repo = requireRepo(ctx);
    const commit = resolveCommit(repo, ctx.query.get("ref") ?? repo.defaultBranch);
    const object = commit === undefined ? undefined : repo.git.get(commit);
    if (object?.type !== "commit") throw notFound();
    const path = param(ctx, "path");
    const file = repo.git.flatten(object.tree).get(path);
    if (!file) throw absent();
    return { status: 200, body: contentFileView(ctx.urls, repo, path, file.sha, ctx.query.get("ref") ?? repo.defaultBranch) };
  },
  "repos/download-tarball-archive": (ctx) => {
    const repo = requireRepo(ctx);
    const commit = resolveCommit(repo, param(ctx, "ref"));
    if (!commit) throw notFound();
    // GitHub redirects to codeload; so does the simulator, to its own archive endpoint.
    return { status: 302, headers: { location: `${ctx.urls.api}/_codeload/${repo.owner.login}/${repo.name}/legacy.tar.gz/${commit}` } };
  },
};
