import { z } from "zod";
import type { GitTreeEntry } from "../git-store.js";
import type { SimRepo } from "../sim-model.js";
import { blobView, gitCommitView, gitRefView, gitTreeView, shortBlobView } from "../views/index.js";
import type { RouteContext, RouteHandler } from "./route-context.js";
import { notFound, param, refused, requireRepo, SimHttpError } from "./route-context.js";

function normaliseRef(raw: string): string {
  return raw.startsWith("refs/") ? raw : `refs/${raw}`;
}

function isAncestor(repo: SimRepo, ancestor: string, descendant: string): boolean {
  const seen = new Set<string>();
  const queue = [descendant];
  while (queue.length > 0) {
    const sha = queue.pop() ?? "";
    if (sha === ancestor) return true;
    if (seen.has(sha)) continue;
    seen.add(sha);
    const object = repo.git.get(sha);
    if (object?.type === "commit") queue.push(...object.parents);
  }
  return false;
}

/** Moves a ref and announces the push, as a `git push` to GitHub would. */
export function moveRef(ctx: RouteContext, repo: SimRepo, ref: string, sha: string): void {
  const before = repo.git.refs.get(ref) ?? "0".repeat(40);
  repo.git.refs.set(ref, sha);
  repo.pushedAt = ctx.world.now();
  ctx.emit({ kind: "push", repo, ref, before, after: sha, sender: ctx.app.bot });
  // A push to a pull request's branch moves its head: GitHub sends `synchronize` (and CI starts).
  if (!ref.startsWith("refs/heads/") || before === sha) return;
  const branch = ref.slice("refs/heads/".length);
  for (const pull of repo.pulls.values()) {
    if (pull.state !== "open" || pull.headRef !== branch) continue;
    pull.headSha = sha;
    pull.updatedAt = ctx.world.now();
    ctx.emit({ kind: "pull_request", action: "synchronize", repo, pull, sender: ctx.app.bot, before, after: sha });
  }
}

const createRefBody = z.object({ ref: z.string(), sha: z.string() });
const updateRefBody = z.object({ sha: z.string(), force: z.boolean().optional() });
const treeEntryBody = z.object({
  path: z.string(),
  mode: z.enum(["100644", "100755", "040000", "160000", "120000"]),
  type: z.enum(["blob", "tree", "commit"]),
  sha: z.string().nullable().optional(),
  content: z.string().optional(),
});
const createTreeBody = z.object({ tree: z.array(treeEntryBody), base_tree: z.string().optional() });
const signature = z.object({ name: z.string(), email: z.string(), date: z.string().optional() });
const createCommitBody = z.object({
  message: z.string(),
  tree: z.string(),
  parents: z.array(z.string()).optional(),
  author: signature.optional(),
  committer: signature.optional(),
});
const createBlobBody = z.object({ content: z.string(), encoding: z.string().optional() });

export const gitRoutes: Record<string, RouteHandler> = {
  "git/get-ref": (ctx) => {
    const repo = requireRepo(ctx);
    const ref = normaliseRef(param(ctx, "ref"));
    const sha = repo.git.refs.get(ref);
    if (!sha) throw notFound();
    return { status: 200, body: gitRefView(ctx.urls, repo, ref, sha) };
  },
  "git/create-ref": (ctx) => {
    const repo = requireRepo(ctx);
    const body = createRefBody.parse(ctx.body);
    if (!/^refs\/.+\/.+/.test(body.ref)) throw refused(ctx, "Reference name must start with 'refs/' and have at least two slashes.");
    if (repo.git.refs.has(body.ref)) throw refused(ctx, "Reference already exists");
    if (repo.git.get(body.sha)?.type !== "commit") throw refused(ctx, "Object does not exist");
    moveRef(ctx, repo, body.ref, body.sha);
    return { status: 201, body: gitRefView(ctx.urls, repo, body.ref, body.sha) };
  },
  "git/update-ref": (ctx) => {
    const repo = requireRepo(ctx);
    const ref = normaliseRef(param(ctx, "ref"));
    const body = updateRefBody.parse(ctx.body);
    const current = repo.git.refs.get(ref);
    if (!current) throw refused(ctx, "Reference does not exist");
    if (repo.git.get(body.sha)?.type !== "commit") throw refused(ctx, "Object does not exist");
    if (!body.force && !isAncestor(repo, current, body.sha)) throw refused(ctx, "Update is not a fast forward");
    moveRef(ctx, repo, ref, body.sha);
    return { status: 200, body: gitRefView(ctx.urls, repo, ref, body.sha) };
  },
  "git/delete-ref": (ctx) => {
    const repo = requireRepo(ctx);
    const ref = normaliseRef(param(ctx, "ref"));
    if (!repo.git.refs.delete(ref)) throw refused(ctx, "Reference does not exist");
    return { status: 204 };
  },
  "git/get-commit": (ctx) => {
    const repo = requireRepo(ctx);
    const sha = param(ctx, "commit_sha");
    if (repo.git.get(sha)?.type !== "commit") throw notFound();
    return { status: 200, body: gitCommitView(ctx.urls, repo, sha) };
  },
  "git/create-commit": (ctx) => {
    const repo = requireRepo(ctx);
    const body = createCommitBody.parse(ctx.body);
    if (repo.git.get(body.tree)?.type !== "tree") throw refused(ctx, "Tree SHA does not exist");
    for (const parent of body.parents ?? []) if (repo.git.get(parent)?.type !== "commit") throw refused(ctx, "Parent SHA does not exist or is not a commit object");
    const now = ctx.world.now();
    const author = { name: body.author?.name ?? ctx.app.bot.login, email: body.author?.email ?? "bot@users.noreply.github.com", date: body.author?.date ?? now };
    const committer = body.committer ? { ...body.committer, date: body.committer.date ?? now } : author;
    const sha = repo.git.putCommit({ tree: body.tree, parents: body.parents ?? [], author, committer, message: body.message });
    return { status: 201, body: gitCommitView(ctx.urls, repo, sha) };
  },
  "git/get-tree": (ctx) => {
    const repo = requireRepo(ctx);
    const sha = param(ctx, "tree_sha");
    const object = repo.git.get(sha);
    const treeSha = object?.type === "commit" ? object.tree : sha;
    if (repo.git.get(treeSha)?.type !== "tree") throw notFound();
    const recursive = (ctx.query.get("recursive") ?? "") !== "";
    return { status: 200, body: gitTreeView(ctx.urls, repo, treeSha, recursive) };
  },
  "git/create-tree": (ctx) => {
    const repo = requireRepo(ctx);
    const body = createTreeBody.parse(ctx.body);
    const files = new Map<string, { sha: string; mode: GitTreeEntry["mode"] }>();
    if (body.base_tree !== undefined) {
      const base = repo.git.get(body.base_tree);
      const baseTree = base?.type === "commit" ? base.tree : body.base_tree;
      if (repo.git.get(baseTree)?.type !== "tree") throw refused(ctx, "base_tree is not a valid tree oid");
      for (const [path, file] of repo.git.flatten(baseTree)) files.set(path, file);
    }
    for (const entry of body.tree) {
      if (entry.content !== undefined && entry.sha !== undefined) throw refused(ctx, "Must supply either tree.sha or tree.content, not both");
      if (entry.type !== "blob") throw new SimHttpError(422, { message: "The simulator supports only blob entries in trees", documentation_url: ctx.documentationUrl, status: "422" });
      if (entry.sha === null) {
        if (!files.delete(entry.path)) throw refused(ctx, `tree.path ${entry.path} does not exist in base_tree`);
        continue;
      }
      const sha = entry.content !== undefined ? repo.git.putBlob(Buffer.from(entry.content, "utf8")) : (entry.sha ?? "");
      if (repo.git.get(sha)?.type !== "blob") throw refused(ctx, `tree.sha ${sha} is not a valid blob`);
      files.set(entry.path, { sha, mode: entry.mode === "100755" ? "100755" : "100644" });
    }
    const treeSha = repo.git.writeTree(files);
    return { status: 201, body: gitTreeView(ctx.urls, repo, treeSha, false) };
  },
  "git/get-blob": (ctx) => {
    const repo = requireRepo(ctx);
    const sha = param(ctx, "file_sha");
    if (repo.git.get(sha)?.type !== "blob") throw notFound();
    return { status: 200, body: blobView(ctx.urls, repo, sha) };
  },
  "git/create-blob": (ctx) => {
    const repo = requireRepo(ctx);
    const body = createBlobBody.parse(ctx.body);
    const sha = repo.git.putBlob(Buffer.from(body.content, body.encoding === "base64" ? "base64" : "utf8"));
    return { status: 201, body: shortBlobView(ctx.urls, repo, sha) };
  },
};
