import type { SimRepo, SimReviewComment, SimUrls } from "../sim-model.js";
import { reactionsView } from "./issue-views.js";
import { authorAssociation, userView } from "./user-views.js";
import { nodeId, repoApiUrl, repoWebUrl } from "./view-urls.js";

/**
 * `pull-request-review-comment`. Kept to the fields a webhook `pull-request-review-comment` allows
 * (it forbids `body_html` and `body_text`), so pull_request_review_comment payloads reuse it.
 * Comments are single-line, on the right side; `position` is where the line was in the diff.
 */
export function reviewCommentView(urls: SimUrls, repo: SimRepo, comment: SimReviewComment) {
  const api = repoApiUrl(urls, repo);
  const url = `${api}/pulls/comments/${comment.id}`;
  const pullUrl = `${api}/pulls/${comment.pullNumber}`;
  const htmlUrl = `${repoWebUrl(urls, repo)}/pull/${comment.pullNumber}#discussion_r${comment.id}`;
  return {
    url,
    pull_request_review_id: comment.reviewId,
    id: comment.id,
    node_id: nodeId("PullRequestReviewComment", comment.id),
    diff_hunk: comment.diffHunk,
    path: comment.path,
    position: comment.position,
    original_position: comment.position,
    commit_id: comment.commitId,
    original_commit_id: comment.commitId,
    ...(comment.inReplyTo === null ? {} : { in_reply_to_id: comment.inReplyTo }),
    user: userView(urls, comment.user),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: htmlUrl,
    pull_request_url: pullUrl,
    author_association: authorAssociation(repo, comment.user),
    _links: { self: { href: url }, html: { href: htmlUrl }, pull_request: { href: pullUrl } },
    reactions: reactionsView(url),
    start_line: null,
    original_start_line: null,
    start_side: null,
    line: comment.line,
    original_line: comment.line,
    side: comment.side,
    subject_type: "line" as const,
  };
}
