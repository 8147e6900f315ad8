import { appendTaskEvent, listTaskEvents } from "../../store/task-events.js";
import { getTask } from "../../store/tasks.js";
import { isTrustedBot, triggerPermissions } from "../../security/trigger-policy.js";
import type { EngineDeps } from "../engine-deps.js";
import type { IssueClosedPayload, PullRequestClosedPayload, ReviewSubmittedPayload } from "../job-kinds.js";
import { advanceJob } from "../job-kinds.js";
import { frozenConfig, repoOf } from "../task-context.js";
import { isTerminal, TaskState } from "../task-states.js";
import { approve, cancel, merged, requestRevision } from "../transitions.js";
import { mentionsApp } from "../commands.js";
import { readArtifact, revisionRequestsSchema } from "../phase-artifacts.js";
import type { RevisionRequest } from "../phase-artifacts.js";
import { saveArtifact } from "../../store/task-artifacts.js";
import { threadReplyPrefix } from "./pushing.js";
import type { Task } from "../../store/tasks.js";
import type { GitHubGateway } from "../../github/github-gateway.js";

/**
 * A review was submitted on a task's pull request. Only people with write access steer the task;
 * anyone else's review is logged and left alone. Approval finishes the task (merging it where the
 * repository asks); a request for changes starts a revision that reads the review and its open
 * threads; a plain comment counts only when it mentions the app.
 */
export async function runReviewSubmitted(deps: EngineDeps, payload: ReviewSubmittedPayload): Promise<void> {
  const { db, clock, log } = deps;
  const task = getTask(db, payload.taskId);
  if (!task || isTerminal(task.state)) return;
  const github = await deps.github(task.installationId);
  // A bot the task's config trusts by name (the handler let only those through) counts as a writer; people's access is read.
  const trustedBot = payload.reviewer.type === "Bot" && isTrustedBot(payload.reviewer.login, frozenConfig(deps, task.id).trust.allow_bots, deps.settings.appSlug);
  const permission = trustedBot ? "write" : await github.getPermission(repoOf(task), payload.reviewer.login);
  const detail = { reviewer: payload.reviewer.login, permission, reviewId: payload.reviewId, review: payload.state };
  if (!triggerPermissions.includes(permission)) {
    appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "review_ignored", detail });
    log.info("ignored a review from someone without write access", detail);
    return;
  }
  const asksForChanges = payload.state === "changes_requested" || (payload.state === "commented" && mentionsApp(payload.body, deps.settings.appSlug));
  if (payload.state === "approved" && approve.from.includes(task.state)) return onApproved(deps, github, task, payload.commitId, detail);
  if (asksForChanges && requestRevision.from.includes(task.state) && task.prNumber !== null) {
    const prNumber = task.prNumber;
    // Replies go to a thread's first comment; a thread whose last word is our reply has nothing new to act on.
    const open = (await github.listReviewThreads(repoOf(task), prNumber)).filter((t) => !t.resolved && t.comments.length > 0 && !t.comments.at(-1)?.body.includes(threadReplyPrefix));
    // Only people with write access steer the revision: other people's comments in a thread are left out.
    const writers = await writersAmong(github, task, payload.reviewer.login, open.flatMap((t) => t.comments.map((c) => c.author)));
    const threads = open.flatMap((t) => {
      const comments = t.comments.filter((c) => c.author !== null && writers.has(c.author));
      return comments.length > 0 ? [{ ...t, comments, top: t.comments[0]?.id ?? 0 }] : [];
    });
    const requests = readArtifact(db, task.id, "revision_requests", revisionRequestsSchema, []);
    const request: RevisionRequest = {
      reviewId: payload.reviewId,
      reviewer: payload.reviewer.login,
      body: payload.body,
      threads: threads.map((t) => ({ commentId: t.top, path: t.path, line: t.line, comments: t.comments.map((c) => ({ author: c.author, body: c.body })) })),
      commitSha: null,
      summary: null,
      replied: [],
    };
    const at = clock.now();
    db.transaction(() => {
      saveArtifact(db, task.id, "revision_requests", [...requests, request], at);
      requestRevision(db, task.id, { at, patch: { failure: null }, detail: { ...detail, threads: request.threads.length, revision: requests.length + 1 }, enqueue: advanceJob(task.id, at) });
    })();
    return;
  }
  appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "review_noted", detail: { ...detail, state: task.state } });
}

/** The logins among `authors` with write access (the reviewer is known to have it); one permission read per other person. */
async function writersAmong(github: GitHubGateway, task: Task, reviewer: string, authors: readonly (string | null)[]): Promise<Set<string>> {
  const writers = new Set([reviewer]);
  const others = [...new Set(authors.filter((a): a is string => a !== null && a !== reviewer))];
  const levels = await Promise.all(others.map((login) => github.getPermission(repoOf(task), login)));
  others.forEach((login, i) => {
    const level = levels[i];
    if (level !== undefined && triggerPermissions.includes(level)) writers.add(login);
  });
  return writers;
}

/** Approved: done, and merged first where the repository turned `review.auto_merge` on and CI is green. */
async function onApproved(deps: EngineDeps, github: GitHubGateway, task: Task, approvedSha: string | null, detail: Record<string, unknown>): Promise<void> {
  const { db, clock } = deps;
  const config = frozenConfig(deps, task.id);
  let merge: { merged: boolean; message: string } | undefined;
  // Only an approval of the commit CI passed on merges it: a stale approval of an older commit does not.
  if (config.review.auto_merge && task.state === TaskState.awaitingReview && task.prNumber !== null && task.headSha !== null && approvedSha === task.headSha) {
    merge = await github.mergePullRequest(repoOf(task), task.prNumber, task.headSha);
  }
  const at = clock.now();
  // Approval after a stop (the person fixed it) clears why it had stopped.
  approve(db, task.id, { at, detail: { ...detail, ...(merge ? { merged: merge.merged, mergeMessage: merge.message } : {}) }, patch: { failure: null }, enqueue: advanceJob(task.id, at) });
}

/** The pull request was closed: merged finishes the task, closed unmerged cancels it. */
export function runPullRequestClosed(deps: EngineDeps, payload: PullRequestClosedPayload): Promise<void> {
  const { db, clock } = deps;
  const task = getTask(db, payload.taskId);
  const detail = { by: payload.by, deliveryId: payload.deliveryId };
  if (task?.state === TaskState.done && payload.merged) {
    // Merged by a person after the approval finished the task: a note, once, so merges are counted.
    if (!listTaskEvents(db, task.id).some((e) => e.kind === "merged")) appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "merged", detail: { ...detail, afterApproval: true } });
    return Promise.resolve();
  }
  if (!task || isTerminal(task.state)) return Promise.resolve();
  const report = advanceJob(task.id, clock.now());
  if (payload.merged) merged(db, task.id, { at: clock.now(), detail, enqueue: report });
  else cancel(db, task.id, { at: clock.now(), patch: { failure: `@${payload.by} closed the pull request without merging.` }, detail, enqueue: report });
  return Promise.resolve();
}

/** The issue was closed: whatever the task was doing stops, before it spends more. */
export function runIssueClosed(deps: EngineDeps, payload: IssueClosedPayload): Promise<void> {
  const { db, clock } = deps;
  const task = getTask(db, payload.taskId);
  if (!task || isTerminal(task.state)) return Promise.resolve();
  cancel(db, task.id, {
    at: clock.now(),
    patch: { failure: `@${payload.by} closed the issue.` },
    detail: { by: payload.by, deliveryId: payload.deliveryId },
    enqueue: advanceJob(task.id, clock.now()),
  });
  return Promise.resolve();
}
