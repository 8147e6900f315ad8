import type { SimPull, SimRepo, SimReview, SimUrls, SimUser } from "../sim-model.js";
import { commitsAhead } from "./commit-graph.js";
import { changedFiles } from "./diff-views.js";
import { labelViews } from "./issue-views.js";
import { repositoryView } from "./repo-views.js";
import { authorAssociation, userView } from "./user-views.js";
import { fullName, nodeId, repoApiUrl, repoWebUrl } from "./view-urls.js";

/** Resolves a login to its user; `requestedReviewers` holds logins only. */
export type FindUser = (login: string) => SimUser | undefined;

/** A pull request names a reviewer the caller's `findUser` cannot resolve. */
export class UnknownUserError extends Error {
  readonly login: string;

  constructor(login: string, where: string) {
    super(`@${login}, requested to review ${where}, is no user the simulator knows; pass a findUser that resolves it`);
    this.name = "UnknownUserError";
    this.login = login;
  }
}

/** The default `FindUser`: everyone the repository's own records mention (owner, authors, mergers). */
export function usersOfRepo(repo: SimRepo): FindUser {
  const users = new Map<string, SimUser>([[repo.owner.login, repo.owner]]);
  const records = [...repo.issues.values(), ...repo.comments.values(), ...repo.pulls.values(), ...repo.reviews.values(), ...repo.reviewComments.values()];
  for (const record of records) users.set(record.user.login, record.user);
  for (const pull of repo.pulls.values()) if (pull.mergedBy !== null) users.set(pull.mergedBy.login, pull.mergedBy);
  return (login) => users.get(login);
}

/**
 * The fields `pull-request-simple` and a webhook `simple-pull-request` share; `renderRepo` draws
 * head.repo and base.repo, whose REST and webhook shapes differ.
 */
export function pullRequestFields<R>(urls: SimUrls, repo: SimRepo, pull: SimPull, renderRepo: (urls: SimUrls, repo: SimRepo) => R, findUser: FindUser = usersOfRepo(repo)) {
  const api = repoApiUrl(urls, repo);
  const url = `${api}/pulls/${pull.number}`;
  const issueUrl = `${api}/issues/${pull.number}`;
  const htmlUrl = `${repoWebUrl(urls, repo)}/pull/${pull.number}`;
  const statusesUrl = `${api}/statuses/${pull.headSha}`;
  const reviewCommentUrl = `${api}/pulls/comments{/number}`;
  const side = (ref: string, sha: string) => ({ label: `${repo.owner.login}:${ref}`, ref, sha, user: userView(urls, repo.owner), repo: renderRepo(urls, repo) });
  return {
    url,
    id: pull.id,
    node_id: nodeId("PullRequest", pull.id),
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: issueUrl,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userView(urls, pull.user),
    body: pull.body,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [] as ReturnType<typeof userView>[],
    requested_reviewers: pull.requestedReviewers.map((login) => {
      const user = findUser(login);
      if (user === undefined) throw new UnknownUserError(login, `${fullName(repo)}#${pull.number}`);
      return userView(urls, user);
    }),
    requested_teams: [] as never[],
    // A pull request's labels live on its issue.
    labels: labelViews(urls, repo, repo.issues.get(pull.number)?.labels ?? []),
    milestone: null,
    draft: pull.draft,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: reviewCommentUrl,
    comments_url: `${issueUrl}/comments`,
    statuses_url: statusesUrl,
    head: side(pull.headRef, pull.headSha),
    base: side(pull.baseRef, pull.baseSha),
    _links: {
      self: { href: url },
      html: { href: htmlUrl },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: reviewCommentUrl },
      commits: { href: `${url}/commits` },
      statuses: { href: statusesUrl },
    },
    author_association: authorAssociation(repo, pull.user),
    auto_merge: null,
    active_lock_reason: null,
  };
}

/**
 * What a full `pull-request` adds: merge state and size. The size comes from the trees (the
 * three-dot diff of head against base), as pulls/list-files reports it.
 */
export function pullRequestDetails(urls: SimUrls, repo: SimRepo, pull: SimPull) {
  const files = changedFiles(repo, pull.baseSha, pull.headSha);
  const open = pull.state === "open";
  return {
    merged: pull.mergedAt !== null,
    // GitHub computes mergeability lazily; for a closed pull request it reports none.
    mergeable: open ? true : null,
    rebaseable: open ? true : null,
    mergeable_state: open ? (pull.draft ? "draft" : "clean") : "unknown",
    merged_by: pull.mergedBy === null ? null : userView(urls, pull.mergedBy),
    comments: repo.issues.get(pull.number)?.comments ?? 0,
    review_comments: [...repo.reviewComments.values()].filter((c) => c.pullNumber === pull.number).length,
    maintainer_can_modify: false,
    commits: commitsAhead(repo.git, pull.baseSha, pull.headSha),
    additions: files.reduce((sum, file) => sum + file.additions, 0),
    deletions: files.reduce((sum, file) => sum + file.deletions, 0),
    changed_files: files.length,
  };
}

/** `pull-request-simple` (pulls/list, pulls/request-reviewers). */
export function pullSimpleView(urls: SimUrls, repo: SimRepo, pull: SimPull, findUser?: FindUser) {
  return pullRequestFields(urls, repo, pull, repositoryView, findUser);
}

/** `pull-request` (pulls/get, pulls/create, pulls/update). */
export function pullView(urls: SimUrls, repo: SimRepo, pull: SimPull, findUser?: FindUser) {
  return { ...pullRequestFields(urls, repo, pull, repositoryView, findUser), ...pullRequestDetails(urls, repo, pull) };
}

/** `pull-request-review`. */
export function reviewView(urls: SimUrls, repo: SimRepo, review: SimReview) {
  const pullUrl = `${repoApiUrl(urls, repo)}/pulls/${review.pullNumber}`;
  const htmlUrl = `${repoWebUrl(urls, repo)}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  return {
    id: review.id,
    node_id: nodeId("PullRequestReview", review.id),
    user: userView(urls, review.user),
    body: review.body,
    commit_id: review.commitId,
    submitted_at: review.submittedAt,
    state: review.state,
    html_url: htmlUrl,
    pull_request_url: pullUrl,
    author_association: authorAssociation(repo, review.user),
    _links: { html: { href: htmlUrl }, pull_request: { href: pullUrl } },
  };
}
