import { z } from "zod";
import { planSchema, renderPlan } from "../../agents/planner.js";
import type { GitHubGateway } from "../../github/github-gateway.js";
import { assessRisk } from "../../llm/router.js";
import { loadArtifact, saveArtifact } from "../../store/task-artifacts.js";
import type { Task } from "../../store/tasks.js";
import { hasEarlierTaskForIssue, updateTask } from "../../store/tasks.js";
import { formatUsd } from "../../telemetry/format.js";
import { neutralizeGitHubReferences } from "../../security/neutralize-references.js";
import { progressMarker } from "../../telemetry/render-progress-comment.js";
import { buildTaskReport } from "../../telemetry/task-report.js";
import { branchName } from "../branch-name.js";
import type { ChangeSet } from "../change-set.js";
import type { EngineDeps } from "../engine-deps.js";
import { describeError, OrchestratorError, PermanentError } from "../errors.js";
import { JobKind } from "../job-kinds.js";
import { enqueueJob } from "../../store/jobs.js";
import { appendTaskEvent } from "../../store/task-events.js";
import { readArtifact, revisionRequestsSchema } from "../phase-artifacts.js";
import type { RevisionRequest } from "../phase-artifacts.js";
import { reportProgress } from "../report-progress.js";
import { frozenConfig, githubRedaction, repoOf } from "../task-context.js";
import { awaitCi } from "../transitions.js";
import { changeSetSchema } from "../change-set.js";

const author = { name: "Orchestrator", email: "orchestrator@users.noreply.github.com" };

/** Every commit the task pushed, by the time its change set was made: a retried push finds its own. */
const pushesSchema = z.array(z.object({ changesAt: z.number(), sha: z.string() }));

/** Every reply of ours to a review thread starts with this marker. */
export const threadReplyPrefix = "<!-- orchestrator:reply";

export function threadReplyMarker(taskId: number, reviewId: number): string {
  return `${threadReplyPrefix} task=${taskId} review=${reviewId} -->`;
}

/**
 * Commits the change set and opens the pull request, or, when the pull request exists (a fix or a
 * revision), adds a commit to its branch. Each result (branch, commit, PR, replies) is stored the
 * moment it exists and each commit's date is fixed, so a retry reuses what an earlier attempt made.
 */
export async function runPushing(deps: EngineDeps, task: Task): Promise<void> {
  const { db, clock } = deps;
  const github = await deps.github(task.installationId);
  const stored = changeSetSchema.safeParse(loadArtifact(db, task.id, "changes"));
  if (!stored.success) throw new PermanentError(`Task ${task.id} has no valid stored change set to push.`);
  if (task.baseSha === null) throw new PermanentError(`Task ${task.id} has no base commit.`);
  const changeSet = stored.data;

  const current = task.prNumber === null ? await openPullRequest(deps, github, task, changeSet) : await pushFollowUp(deps, github, task, changeSet);
  try {
    await answerThreads(deps, github, current, changeSet);
  } catch (error) {
    // The commit is what matters; a reply that could not be posted is recorded, not worth failing the task.
    if (!(error instanceof OrchestratorError) || error.retryable) throw error;
    appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "thread_replies_failed", detail: { error: describeError(error) } });
  }
  const at = clock.now();
  db.transaction(() => {
    awaitCi(db, current.id, { at, detail: { branch: current.branch, headSha: current.headSha, pr: current.prNumber, files: changeSet.changes.length } });
    // CI may have finished while this job was still pushing: read the checks once now rather than wait for an event that came already.
    if (current.headSha !== null) enqueueJob(db, { kind: JobKind.ciCompleted, taskId: task.id, payload: { taskId: task.id, headSha: current.headSha, deliveryId: `push-${at}` }, runAt: at }, at);
  })();
  await reportProgress(deps, github, current.id);
}

function commitDate(task: Task, changeSet: ChangeSet): string {
  return new Date(changeSet.at ?? task.createdAt).toISOString();
}

async function baseTree(deps: EngineDeps, github: GitHubGateway, task: Task, baseSha: string): Promise<string> {
  return deps.snapshots.get(task.owner, task.repo, baseSha)?.treeSha ?? (await github.getCommitTree(repoOf(task), baseSha));
}

async function openPullRequest(deps: EngineDeps, github: GitHubGateway, task: Task, changeSet: ChangeSet): Promise<Task> {
  const { db, clock } = deps;
  const repo = repoOf(task);
  const baseSha = task.baseSha ?? "";
  let current = task;
  if (current.branch === null) {
    const branch = branchName(current.issueNumber, current.issueTitle, hasEarlierTaskForIssue(db, current) ? current.id : undefined);
    current = updateTask(db, current.id, clock.now(), { branch });
  }
  const branch = current.branch ?? "";
  if (current.headSha === null) {
    const { commitSha } = await github.commitFiles(repo, {
      baseSha,
      baseTreeSha: await baseTree(deps, github, task, baseSha),
      branch,
      message: `${neutralizeGitHubReferences(changeSet.commitMessage)}\n\nCloses #${task.issueNumber}`,
      changes: changeSet.changes,
      date: new Date(task.createdAt).toISOString(),
      author,
    });
    current = updateTask(db, current.id, clock.now(), { headSha: commitSha });
  }
  const config = frozenConfig(deps, task.id);
  const plan = planSchema.safeParse(loadArtifact(db, task.id, "plan"));
  const risk = assessRisk(config, task.issueLabels, changeSet.changes.map((c) => c.path));
  const spend = buildTaskReport(db, task.id).totals;
  const pr = await github.openPullRequest(repo, {
    head: branch,
    base: task.defaultBranch,
    title: task.issueTitle,
    draft: config.ci.draft_until_green,
    body: githubRedaction(deps, task.id)(
      [
        progressMarker(task.id),
        neutralizeGitHubReferences(changeSet.summary),
        "",
        `Closes #${task.issueNumber}`,
        "",
        `**Risk:** ${risk.value} (${risk.reason})`,
        ...(plan.success ? ["", "### Plan", "", neutralizeGitHubReferences(renderPlan(plan.data))] : []),
        ...(changeSet.refusals.length > 0 ? ["", "### Edits refused by the path policy", "", ...changeSet.refusals.map((r) => `- ${r}`)] : []),
        "",
        `---`,
        `Requested by @${task.requestedBy} · spend so far ${formatUsd(spend.costUsd)} of ${formatUsd(config.budget.task_usd)} over ${spend.calls} model calls · ${config.ci.draft_until_green ? "a draft until CI is green; then " : ""}review this PR to finish the task: approve, or request changes (Orchestrator revises and answers every thread).`,
      ].join("\n"),
    ),
  });
  return updateTask(db, current.id, clock.now(), { prNumber: pr.number, prUrl: pr.url });
}

/** One more commit on the task's branch, on top of the head it last pushed. */
async function pushFollowUp(deps: EngineDeps, github: GitHubGateway, task: Task, changeSet: ChangeSet): Promise<Task> {
  const { db, clock } = deps;
  const pushes = readArtifact(db, task.id, "pushes", pushesSchema, []);
  const changesAt = changeSet.at ?? task.createdAt;
  if (pushes.some((p) => p.changesAt === changesAt)) return task;
  if (task.headSha === null || task.branch === null) throw new PermanentError(`Task ${task.id} has a pull request but no branch head to commit on.`);
  const baseSha = task.baseSha ?? "";
  const { commitSha } = await github.commitOnBranch(repoOf(task), {
    baseSha,
    parentSha: task.headSha,
    // The change set is the whole change against the base, so the tree starts from the base's.
    baseTreeSha: await baseTree(deps, github, task, baseSha),
    branch: task.branch,
    message: neutralizeGitHubReferences(changeSet.commitMessage),
    changes: changeSet.changes,
    date: commitDate(task, changeSet),
    author,
  });
  return db.transaction(() => {
    saveArtifact(db, task.id, "pushes", [...pushes, { changesAt, sha: commitSha }], clock.now());
    const requests = readArtifact(db, task.id, "revision_requests", revisionRequestsSchema, []);
    const last = requests.at(-1);
    // The commit that carries a person's revision is the one its thread replies name.
    if (last?.commitSha === null) {
      saveArtifact(db, task.id, "revision_requests", [...requests.slice(0, -1), { ...last, commitSha, summary: changeSet.summary }], clock.now());
    }
    return updateTask(db, task.id, clock.now(), { headSha: commitSha });
  })();
}

/**
 * The reply to one review thread: the commit that answers it and what the implementer said about
 * that thread (its `replies`, by the thread's number in the request), or the revision's summary.
 */
export function threadReply(task: Task, request: RevisionRequest, changeSet: ChangeSet, thread: { readonly commentId: number; readonly path: string }): string {
  const touched = changeSet.changes.some((c) => c.path === thread.path);
  const n = request.threads.findIndex((t) => t.commentId === thread.commentId) + 1;
  const own = changeSet.replies?.find((r) => r.thread === n)?.reply;
  return [
    threadReplyMarker(task.id, request.reviewId),
    `Addressed in ${request.commitSha ?? "the next commit"}${touched ? ` (\`${thread.path}\` changed)` : ""}: ${neutralizeGitHubReferences(own ?? request.summary ?? changeSet.summary)}`,
  ].join("\n");
}

/**
 * After a revision's commit, each thread it answers gets one reply naming the commit. The threads
 * are read once, and a thread that already carries this revision's reply marker is skipped.
 */
async function answerThreads(deps: EngineDeps, github: GitHubGateway, task: Task, changeSet: ChangeSet): Promise<void> {
  const requests = readArtifact(deps.db, task.id, "revision_requests", revisionRequestsSchema, []);
  const request = requests.at(-1);
  if (request === undefined) return;
  if (request.commitSha === null || task.prNumber === null) return;
  const open = request.threads.filter((t) => !request.replied.includes(t.commentId));
  if (open.length === 0) return;
  const marker = threadReplyMarker(task.id, request.reviewId);
  const threads = await github.listReviewThreads(repoOf(task), task.prNumber);
  const answered = new Set(threads.filter((t) => t.comments.some((c) => c.body.includes(marker))).flatMap((t) => t.comments.slice(0, 1).map((c) => c.id)));
  const redact = githubRedaction(deps, task.id);
  const replied = [...request.replied];
  for (const thread of open) {
    if (!answered.has(thread.commentId)) await github.replyToReviewComment(repoOf(task), task.prNumber, thread.commentId, redact(threadReply(task, request, changeSet, thread)));
    replied.push(thread.commentId);
    saveArtifact(deps.db, task.id, "revision_requests", [...requests.slice(0, -1), { ...request, replied }], deps.clock.now());
  }
}
