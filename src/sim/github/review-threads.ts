import type { DiffAnchor } from "./review-anchor.js";
import type { SimChange } from "./sim-changes.js";
import type { SimPull, SimRepo, SimReview, SimReviewComment, SimUser } from "./sim-model.js";
import type { SimWorld } from "./sim-world.js";

/** A conversation on one line of a pull request: its top comment, then the replies in order. */
export interface SimReviewThread {
  readonly top: SimReviewComment;
  readonly comments: readonly SimReviewComment[];
  readonly resolved: boolean;
}

export interface AnchoredComment extends DiffAnchor {
  readonly path: string;
  readonly body: string;
}

type Emit = (change: SimChange) => void;

function newComment(world: SimWorld, fields: Omit<SimReviewComment, "id" | "createdAt" | "updatedAt">): SimReviewComment {
  const now = world.now();
  return { id: world.nextId(), ...fields, createdAt: now, updatedAt: now };
}

/**
 * Submits a review with its line comments, as the web UI's "Submit review" or pulls/create-review
 * does: a pull_request_review_comment.created for each comment, then the review's submitted.
 */
export function submitReview(
  world: SimWorld,
  repo: SimRepo,
  pull: SimPull,
  review: Pick<SimReview, "user" | "state" | "body" | "commitId">,
  comments: readonly AnchoredComment[],
  emit: Emit,
): { review: SimReview; comments: SimReviewComment[] } {
  const submitted: SimReview = { id: world.nextId(), pullNumber: pull.number, ...review, submittedAt: world.now() };
  repo.reviews.set(submitted.id, submitted);
  const created = comments.map((c) =>
    newComment(world, { pullNumber: pull.number, reviewId: submitted.id, user: review.user, path: c.path, line: c.line, side: "RIGHT", body: c.body, commitId: review.commitId, inReplyTo: null, diffHunk: c.diffHunk, position: c.position }),
  );
  for (const comment of created) {
    repo.reviewComments.set(comment.id, comment);
    emit({ kind: "pull_request_review_comment.created", repo, pull, comment, sender: review.user });
  }
  emit({ kind: "pull_request_review.submitted", repo, pull, review: submitted, sender: review.user });
  return { review: submitted, comments: created };
}

/**
 * Replies in the thread `top` starts. GitHub files every reply made outside a pending review as a
 * review of its own (state COMMENTED, no body), so a reply is announced as a comment and a review.
 */
export function replyInThread(world: SimWorld, repo: SimRepo, pull: SimPull, top: SimReviewComment, user: SimUser, body: string, emit: Emit): SimReviewComment {
  const review: SimReview = { id: world.nextId(), pullNumber: pull.number, user, body: "", state: "COMMENTED", commitId: top.commitId, submittedAt: world.now() };
  repo.reviews.set(review.id, review);
  const { path, line, side, commitId, diffHunk, position } = top;
  const reply = newComment(world, { pullNumber: pull.number, reviewId: review.id, user, path, line, side, body, commitId, inReplyTo: top.id, diffHunk, position });
  repo.reviewComments.set(reply.id, reply);
  emit({ kind: "pull_request_review_comment.created", repo, pull, comment: reply, sender: user });
  emit({ kind: "pull_request_review.submitted", repo, pull, review, sender: user });
  return reply;
}

/** A pull request's review comments in the order they were made. */
export function reviewCommentsOf(repo: SimRepo, pullNumber: number): SimReviewComment[] {
  return [...repo.reviewComments.values()].filter((c) => c.pullNumber === pullNumber).sort((a, b) => a.id - b.id);
}

/** A pull request's threads, oldest first. */
export function reviewThreadsOf(repo: SimRepo, pullNumber: number): SimReviewThread[] {
  const comments = reviewCommentsOf(repo, pullNumber);
  return comments
    .filter((c) => c.inReplyTo === null)
    .map((top) => ({ top, comments: comments.filter((c) => c.id === top.id || c.inReplyTo === top.id), resolved: repo.resolvedThreads.has(top.id) }));
}
