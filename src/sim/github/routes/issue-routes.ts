import { z } from "zod";
import type { SimIssue, SimRepo } from "../sim-model.js";
import { issueCommentView, issueView, labelView } from "../views/index.js";
import type { RouteContext, RouteHandler } from "./route-context.js";
import { intParam, notFound, paginate, requireRepo } from "./route-context.js";

function requireIssue(ctx: RouteContext, repo: SimRepo): SimIssue {
  const issue = repo.issues.get(intParam(ctx, "issue_number"));
  if (!issue) throw notFound();
  return issue;
}

const labelNames = z.union([z.array(z.string()), z.object({ labels: z.array(z.string()) })]);
const updateIssueBody = z.object({
  title: z.union([z.string(), z.number()]).nullable().optional(),
  body: z.string().nullable().optional(),
  state: z.enum(["open", "closed"]).optional(),
  labels: z.array(z.union([z.string(), z.object({ name: z.string().optional() })])).optional(),
});
const commentBody = z.object({ body: z.string() });

function labelsOf(ctx: RouteContext, repo: SimRepo, issue: SimIssue): unknown[] {
  return issue.labels.flatMap((name) => {
    const label = repo.labels.get(name);
    return label ? [labelView(ctx.urls, repo, label)] : [];
  });
}

export const issueRoutes: Record<string, RouteHandler> = {
  "issues/get": (ctx) => {
    const repo = requireRepo(ctx);
    return { status: 200, body: issueView(ctx.urls, repo, requireIssue(ctx, repo)) };
  },
  "issues/update": (ctx) => {
    const repo = requireRepo(ctx);
    const issue = requireIssue(ctx, repo);
    const body = updateIssueBody.parse(ctx.body);
    if (body.title !== undefined && body.title !== null) issue.title = String(body.title);
    if (body.body !== undefined) issue.body = body.body;
    if (body.state) {
      issue.state = body.state;
      issue.closedAt = body.state === "closed" ? ctx.world.now() : null;
    }
    if (body.labels) {
      issue.labels = body.labels.flatMap((l) => {
        const name = typeof l === "string" ? l : l.name;
        return name ? [ctx.world.ensureLabel(repo, name).name] : [];
      });
    }
    issue.updatedAt = ctx.world.now();
    return { status: 200, body: issueView(ctx.urls, repo, issue) };
  },
  "issues/list-comments": (ctx) => {
    const repo = requireRepo(ctx);
    const issue = requireIssue(ctx, repo);
    const since = ctx.query.get("since");
    const comments = [...repo.comments.values()].filter((c) => c.issueNumber === issue.number && (since === null || c.updatedAt >= since));
    return { status: 200, body: paginate(ctx, comments).map((c) => issueCommentView(ctx.urls, repo, c)) };
  },
  "issues/create-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const issue = requireIssue(ctx, repo);
    const { body } = commentBody.parse(ctx.body);
    const now = ctx.world.now();
    const comment = { id: ctx.world.nextId(), issueNumber: issue.number, body, user: ctx.app.bot, createdAt: now, updatedAt: now };
    repo.comments.set(comment.id, comment);
    issue.comments += 1;
    ctx.emit({ kind: "issue_comment.created", repo, issue, comment, sender: ctx.app.bot });
    return { status: 201, body: issueCommentView(ctx.urls, repo, comment) };
  },
  "issues/get-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const comment = repo.comments.get(intParam(ctx, "comment_id"));
    if (!comment) throw notFound();
    return { status: 200, body: issueCommentView(ctx.urls, repo, comment) };
  },
  "issues/update-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const comment = repo.comments.get(intParam(ctx, "comment_id"));
    if (!comment) throw notFound();
    comment.body = commentBody.parse(ctx.body).body;
    comment.updatedAt = ctx.world.now();
    return { status: 200, body: issueCommentView(ctx.urls, repo, comment) };
  },
  "issues/list-labels-on-issue": (ctx) => {
    const repo = requireRepo(ctx);
    return { status: 200, body: labelsOf(ctx, repo, requireIssue(ctx, repo)) };
  },
  "issues/add-labels": (ctx) => {
    const repo = requireRepo(ctx);
    const issue = requireIssue(ctx, repo);
    const parsed = labelNames.parse(ctx.body ?? []);
    for (const name of Array.isArray(parsed) ? parsed : parsed.labels) {
      ctx.world.ensureLabel(repo, name);
      if (!issue.labels.includes(name)) issue.labels.push(name);
    }
    return { status: 200, body: labelsOf(ctx, repo, issue) };
  },
  "issues/remove-label": (ctx) => {
    const repo = requireRepo(ctx);
    const issue = requireIssue(ctx, repo);
    const name = ctx.params.name ?? "";
    if (!issue.labels.includes(name)) throw notFound();
    issue.labels = issue.labels.filter((l) => l !== name);
    return { status: 200, body: labelsOf(ctx, repo, issue) };
  },
};
