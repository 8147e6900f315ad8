import type { SimChange } from "./sim-changes.js";
import type { SimComment, SimIssue, SimRepo, SimUser } from "./sim-model.js";
import type { SimWorld } from "./sim-world.js";

/**
 * Comments on an issue or a pull request (a pull request's conversation comments are issue
 * comments) and announces `issue_comment.created`.
 */
export function addIssueComment(world: SimWorld, repo: SimRepo, issue: SimIssue, user: SimUser, body: string, emit: (change: SimChange) => void): SimComment {
  const now = world.now();
  const comment: SimComment = { id: world.nextId(), issueNumber: issue.number, body, user, createdAt: now, updatedAt: now };
  repo.comments.set(comment.id, comment);
  issue.comments += 1;
  emit({ kind: "issue_comment.created", repo, issue, comment, sender: user });
  return comment;
}
