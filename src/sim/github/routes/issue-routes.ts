import { z } from "zod";
import { addIssueComment } from "../add-issue-comment.js";
import type { SimIssue, SimReaction, SimRepo } from "../sim-model.js";
import { issueCommentView, issueView, labelView, reactionView } from "../views/index.js";
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
const reactionBody = z.object({ content: z.enum(["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]) });

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
    const comment = addIssueComment(ctx.world, repo, issue, ctx.app.bot, body, ctx.emit);
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
  "reactions/create-for-issue-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const comment = repo.comments.get(intParam(ctx, "comment_id"));
    if (!comment) throw notFound();
    const { content } = reactionBody.parse(ctx.body);
    const reactions = repo.commentReactions.get(comment.id) ?? [];
    // One reaction per user and content: giving it again answers 200 with the one that exists.
    const existing = reactions.find((r) => r.user.id === ctx.app.bot.id && r.content === content);
    if (existing) return { status: 200, body: reactionView(ctx.urls, existing) };
    const reaction: SimReaction = { id: ctx.world.nextId(), user: ctx.app.bot, content, createdAt: ctx.world.now() };
    repo.commentReactions.set(comment.id, [...reactions, reaction]);
    return { status: 201, body: reactionView(ctx.urls, reaction) };
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
