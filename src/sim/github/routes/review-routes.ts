import { z } from "zod";
import { anchorInDiff } from "../review-anchor.js";
import type { AnchoredComment } from "../review-threads.js";
import { replyInThread, reviewCommentsOf, submitReview } from "../review-threads.js";
import type { SimPull, SimRepo, SimReview } from "../sim-model.js";
import { reviewCommentView, reviewView } from "../views/index.js";
import { requirePull } from "./pull-routes.js";
import type { RouteContext, RouteHandler } from "./route-context.js";
import { intParam, notFound, paginate, refused, requireRepo, SimHttpError } from "./route-context.js";

const reviewComment = z.object({
  path: z.string(),
  body: z.string(),
  line: z.number().int().optional(),
  position: z.number().int().optional(),
  side: z.string().optional(),
  start_line: z.number().int().optional(),
  start_side: z.string().optional(),
});
const reviewBody = z.object({
  body: z.string().optional(),
  event: z.enum(["APPROVE", "REQUEST_CHANGES", "COMMENT"]).optional(),
  commit_id: z.string().optional(),
  comments: z.array(reviewComment).optional(),
});
const replyBody = z.object({ body: z.string() });

const REVIEW_STATE = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" } as const;

/** GitHub lists what it could not place as plain strings under `errors`. */
function unplaceable(ctx: RouteContext, errors: readonly string[]): SimHttpError {
  return new SimHttpError(422, { message: "Unprocessable Entity", errors: [...errors], documentation_url: ctx.documentationUrl, status: "422" });
}

/** Places each comment of a review in the diff, or refuses the whole review as GitHub does. */
function anchorComments(ctx: RouteContext, repo: SimRepo, pull: SimPull, commitId: string, comments: readonly z.infer<typeof reviewComment>[]): AnchoredComment[] {
  if (comments.length > 0 && repo.git.get(commitId)?.type !== "commit") throw unplaceable(ctx, ["Commit could not be resolved"]);
  const errors: string[] = [];
  const anchored = comments.flatMap((c) => {
    if (c.start_line !== undefined || c.side === "LEFT" || c.start_side !== undefined) {
      throw new SimHttpError(422, { message: "The GitHub simulator models single-line review comments on the RIGHT side only.", documentation_url: ctx.documentationUrl, status: "422" });
    }
    const at = c.line !== undefined ? { line: c.line } : c.position !== undefined ? { position: c.position } : undefined;
    const anchor = at === undefined ? { error: "Either position or line is required" } : anchorInDiff(repo, pull, commitId, c.path, at);
    if ("error" in anchor) {
      errors.push(anchor.error);
      return [];
    }
    return [{ ...anchor, path: c.path, body: c.body }];
  });
  if (errors.length > 0) throw unplaceable(ctx, errors);
  return anchored;
}

function requireReview(ctx: RouteContext, repo: SimRepo, pull: SimPull): SimReview {
  const review = repo.reviews.get(intParam(ctx, "review_id"));
  if (review?.pullNumber !== pull.number) throw notFound();
  return review;
}

/** Reviews and the line comments they carry: threads of a top comment and its replies. */
export const reviewRoutes: Record<string, RouteHandler> = {
  "pulls/list-reviews": (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(ctx, repo);
    const reviews = [...repo.reviews.values()].filter((r) => r.pullNumber === pull.number);
    return { status: 200, body: paginate(ctx, reviews).map((r) => reviewView(ctx.urls, repo, r)) };
  },
  "pulls/get-review": (ctx) => {
    const repo = requireRepo(ctx);
    return { status: 200, body: reviewView(ctx.urls, repo, requireReview(ctx, repo, requirePull(ctx, repo))) };
  },
  "pulls/create-review": (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(ctx, repo);
    const body = reviewBody.parse(ctx.body ?? {});
    if (pull.user.login === ctx.app.bot.login && body.event === "APPROVE") throw refused(ctx, "Can not approve your own pull request");
    if (pull.user.login === ctx.app.bot.login && body.event === "REQUEST_CHANGES") throw refused(ctx, "Can not request changes on your own pull request");
    const commitId = body.commit_id ?? pull.headSha;
    const comments = anchorComments(ctx, repo, pull, commitId, body.comments ?? []);
    const state = REVIEW_STATE[body.event ?? "COMMENT"];
    const { review } = submitReview(ctx.world, repo, pull, { user: ctx.app.bot, state, body: body.body ?? "", commitId }, comments, ctx.emit);
    return { status: 200, body: reviewView(ctx.urls, repo, review) };
  },
  "pulls/list-review-comments": (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(ctx, repo);
    return { status: 200, body: paginate(ctx, reviewCommentsOf(repo, pull.number)).map((c) => reviewCommentView(ctx.urls, repo, c)) };
  },
  "pulls/get-review-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const comment = repo.reviewComments.get(intParam(ctx, "comment_id"));
    if (!comment) throw notFound();
    return { status: 200, body: reviewCommentView(ctx.urls, repo, comment) };
  },
  "pulls/list-comments-for-review": (ctx) => {
    const repo = requireRepo(ctx);
    const review = requireReview(ctx, repo, requirePull(ctx, repo));
    const comments = reviewCommentsOf(repo, review.pullNumber).filter((c) => c.reviewId === review.id);
    return { status: 200, body: paginate(ctx, comments).map((c) => reviewCommentView(ctx.urls, repo, c)) };
  },
  "pulls/create-reply-for-review-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(ctx, repo);
    const top = repo.reviewComments.get(intParam(ctx, "comment_id"));
    if (top?.pullNumber !== pull.number) throw notFound();
    // GitHub's documentation: "This must be the ID of a top-level review comment, not a reply to that comment."
    if (top.inReplyTo !== null) throw refused(ctx, `Comment ${top.id} is a reply; replies to replies are not supported. Reply to the thread's top comment, ${top.inReplyTo}.`);
    const { body } = replyBody.parse(ctx.body);
    const reply = replyInThread(ctx.world, repo, pull, top, ctx.app.bot, body, ctx.emit);
    return { status: 201, body: reviewCommentView(ctx.urls, repo, reply) };
  },
};
