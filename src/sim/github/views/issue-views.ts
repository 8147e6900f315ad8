import type { SimComment, SimIssue, SimLabel, SimReaction, SimReactionContent, SimRepo, SimUrls } from "../sim-model.js";
import { authorAssociation, userView } from "./user-views.js";
import { nodeId, repoApiUrl, repoWebUrl } from "./view-urls.js";

/** `label`; identical in webhooks. */
export function labelView(urls: SimUrls, repo: SimRepo, label: SimLabel) {
  return {
    id: label.id,
    node_id: nodeId("Label", label.id),
    url: `${repoApiUrl(urls, repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    // GitHub marks the labels it seeds new repositories with; the simulator's are all made by hand.
    default: false,
    description: label.description,
  };
}

/** A record's labels as label objects, in the record's order; names the repository lacks are skipped. */
export function labelViews(urls: SimUrls, repo: SimRepo, names: readonly string[]) {
  return names.flatMap((name) => {
    const label = repo.labels.get(name);
    return label === undefined ? [] : [labelView(urls, repo, label)];
  });
}

/** `reaction-rollup`: how many of each reaction a record has (only issue comments keep reactions). */
export function reactionsView(url: string, reactions: readonly SimReaction[] = []) {
  const count = (content: SimReactionContent): number => reactions.filter((r) => r.content === content).length;
  return {
    url: `${url}/reactions`,
    total_count: reactions.length,
    "+1": count("+1"),
    "-1": count("-1"),
    laugh: count("laugh"),
    hooray: count("hooray"),
    confused: count("confused"),
    heart: count("heart"),
    rocket: count("rocket"),
    eyes: count("eyes"),
  };
}

/** `reaction`. */
export function reactionView(urls: SimUrls, reaction: SimReaction) {
  return { id: reaction.id, node_id: nodeId("Reaction", reaction.id), user: userView(urls, reaction.user), content: reaction.content, created_at: reaction.createdAt };
}

/**
 * `issue`. Kept to the fields a webhook `issue` allows (both schemas accept this set), so the
 * issues and issue_comment payloads reuse it unchanged.
 */
export function issueView(urls: SimUrls, repo: SimRepo, issue: SimIssue) {
  const url = `${repoApiUrl(urls, repo)}/issues/${issue.number}`;
  const pull = issue.pullRequest ? repo.pulls.get(issue.number) : undefined;
  const web = repoWebUrl(urls, repo);
  return {
    url,
    repository_url: repoApiUrl(urls, repo),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${web}/${issue.pullRequest ? "pull" : "issues"}/${issue.number}`,
    id: issue.id,
    node_id: nodeId(issue.pullRequest ? "PullRequestIssue" : "Issue", issue.id),
    number: issue.number,
    title: issue.title,
    user: userView(urls, issue.user),
    labels: labelViews(urls, repo, issue.labels),
    state: issue.state,
    locked: false,
    assignee: null,
    assignees: [] as ReturnType<typeof userView>[],
    milestone: null,
    comments: issue.comments,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: authorAssociation(repo, issue.user),
    active_lock_reason: null,
    // GitHub's recorded deliveries carry `draft` on plain issues too, always false there.
    draft: pull?.draft ?? false,
    ...(issue.pullRequest
      ? {
          pull_request: {
            url: `${repoApiUrl(urls, repo)}/pulls/${issue.number}`,
            html_url: `${web}/pull/${issue.number}`,
            diff_url: `${web}/pull/${issue.number}.diff`,
            patch_url: `${web}/pull/${issue.number}.patch`,
            merged_at: pull?.mergedAt ?? null,
          },
        }
      : {}),
    body: issue.body,
    reactions: reactionsView(url),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    // Only plain issues are closed with a reason; a pull request is merged or closed.
    state_reason: issue.state === "closed" && !issue.pullRequest ? "completed" : null,
  };
}

/** `issue-comment`; its fields are exactly a webhook `issue-comment`'s, so payloads reuse it. */
export function issueCommentView(urls: SimUrls, repo: SimRepo, comment: SimComment) {
  const url = `${repoApiUrl(urls, repo)}/issues/comments/${comment.id}`;
  const onPull = repo.issues.get(comment.issueNumber)?.pullRequest === true;
  return {
    url,
    html_url: `${repoWebUrl(urls, repo)}/${onPull ? "pull" : "issues"}/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repoApiUrl(urls, repo)}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    user: userView(urls, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(repo, comment.user),
    body: comment.body,
    reactions: reactionsView(url, repo.commentReactions.get(comment.id)),
    performed_via_github_app: null,
  };
}
