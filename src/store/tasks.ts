import type { TaskState } from "../engine/task-states.js";
import { isTaskState } from "../engine/task-states.js";
import type { Db } from "./open-database.js";
import { statement } from "./statement-cache.js";

export interface Task {
  readonly id: number;
  readonly installationId: number;
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
  readonly state: TaskState;
  readonly issueTitle: string;
  readonly issueBody: string;
  /** The issue's labels when the task was asked for. */
  readonly issueLabels: readonly string[];
  readonly requestedBy: string;
  readonly defaultBranch: string;
  readonly baseSha: string | null;
  readonly branch: string | null;
  readonly headSha: string | null;
  readonly prNumber: number | null;
  readonly prUrl: string | null;
  readonly progressCommentId: number | null;
  readonly checkRunId: number | null;
  readonly failure: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Columns a phase may record on its task as it goes (ids of what it created, the commit it pushed, …). */
export type TaskPatch = Partial<
  Pick<Task, "baseSha" | "branch" | "headSha" | "prNumber" | "prUrl" | "progressCommentId" | "checkRunId" | "failure">
>;

export type NewTask = Pick<
  Task,
  "installationId" | "owner" | "repo" | "issueNumber" | "issueTitle" | "issueBody" | "requestedBy" | "defaultBranch"
> & { readonly issueLabels?: readonly string[] };

interface TaskRow {
  id: number;
  installation_id: number;
  owner: string;
  repo: string;
  issue_number: number;
  state: string;
  issue_title: string;
  issue_body: string;
  issue_labels: string;
  requested_by: string;
  default_branch: string;
  base_sha: string | null;
  branch: string | null;
  head_sha: string | null;
  pr_number: number | null;
  pr_url: string | null;
  progress_comment_id: number | null;
  check_run_id: number | null;
  failure: string | null;
  created_at: number;
  updated_at: number;
}

const patchColumns: Record<keyof TaskPatch, keyof TaskRow> = {
  baseSha: "base_sha",
  branch: "branch",
  headSha: "head_sha",
  prNumber: "pr_number",
  prUrl: "pr_url",
  progressCommentId: "progress_comment_id",
  checkRunId: "check_run_id",
  failure: "failure",
};

function parseLabels(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((l): l is string => typeof l === "string") : [];
}

function toTask(row: TaskRow): Task {
  if (!isTaskState(row.state)) throw new Error(`Task ${row.id} has an unknown state '${row.state}' in the database.`);
  return {
    id: row.id,
    installationId: row.installation_id,
    owner: row.owner,
    repo: row.repo,
    issueNumber: row.issue_number,
    state: row.state,
    issueTitle: row.issue_title,
    issueBody: row.issue_body,
    issueLabels: parseLabels(row.issue_labels),
    requestedBy: row.requested_by,
    defaultBranch: row.default_branch,
    baseSha: row.base_sha,
    branch: row.branch,
    headSha: row.head_sha,
    prNumber: row.pr_number,
    prUrl: row.pr_url,
    progressCommentId: row.progress_comment_id,
    checkRunId: row.check_run_id,
    failure: row.failure,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function getTask(db: Db, id: number): Task | undefined {
  const row = statement<[number], TaskRow>(db, "SELECT * FROM tasks WHERE id = ?").get(id);
  return row && toTask(row);
}

export function requireTask(db: Db, id: number): Task {
  const task = getTask(db, id);
  if (!task) throw new Error(`Task ${id} does not exist.`);
  return task;
}

export function findActiveTaskForIssue(db: Db, owner: string, repo: string, issueNumber: number): Task | undefined {
  const row = statement<[string, string, number], TaskRow>(db, 
      "SELECT * FROM tasks WHERE owner = ? AND repo = ? AND issue_number = ? AND state NOT IN ('done', 'cancelled', 'failed')",
    )
    .get(owner, repo, issueNumber);
  return row && toTask(row);
}

export function findTaskByPullRequest(db: Db, owner: string, repo: string, prNumber: number): Task | undefined {
  const row = statement<[string, string, number], TaskRow>(db, 
      "SELECT * FROM tasks WHERE owner = ? AND repo = ? AND pr_number = ? ORDER BY id DESC LIMIT 1",
    )
    .get(owner, repo, prNumber);
  return row && toTask(row);
}

export function findTaskByHeadSha(db: Db, owner: string, repo: string, headSha: string): Task | undefined {
  const row = statement<[string, string, string], TaskRow>(db, 
      "SELECT * FROM tasks WHERE owner = ? AND repo = ? AND head_sha = ? ORDER BY id DESC LIMIT 1",
    )
    .get(owner, repo, headSha);
  return row && toTask(row);
}

/** Whether an earlier task worked on the same issue (its branch may still exist). */
export function hasEarlierTaskForIssue(db: Db, task: Pick<Task, "id" | "owner" | "repo" | "issueNumber">): boolean {
  return (
    statement<[string, string, number, number], { found: number }>(db, "SELECT 1 AS found FROM tasks WHERE owner = ? AND repo = ? AND issue_number = ? AND id < ? LIMIT 1").get(
      task.owner,
      task.repo,
      task.issueNumber,
      task.id,
    ) !== undefined
  );
}

export function listTasks(db: Db): Task[] {
  return statement<[], TaskRow>(db, "SELECT * FROM tasks ORDER BY id").all().map(toTask);
}

/** Inserts a task in `state`. Callers run it inside the transaction that also logs the event. */
export function insertTask(db: Db, task: NewTask, state: TaskState, at: number): Task {
  const row = statement<unknown[], TaskRow>(db, 
      `INSERT INTO tasks (installation_id, owner, repo, issue_number, state, issue_title, issue_body, issue_labels, requested_by, default_branch, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .get(task.installationId, task.owner, task.repo, task.issueNumber, state, task.issueTitle, task.issueBody, JSON.stringify(task.issueLabels ?? []), task.requestedBy, task.defaultBranch, at, at);
  if (!row) throw new Error("Inserting a task returned no row.");
  return toTask(row);
}

/** Writes `state` (when given) and the patch; returns the task as stored. */
export function updateTask(db: Db, id: number, at: number, patch: TaskPatch, state?: TaskState): Task {
  const sets = ["updated_at = @updated_at"];
  const params: Record<string, unknown> = { id, updated_at: at };
  if (state !== undefined) {
    sets.push("state = @state");
    params.state = state;
  }
  for (const [key, value] of Object.entries(patch) as [keyof TaskPatch, unknown][]) {
    if (value === undefined) continue;
    const column = patchColumns[key];
    sets.push(`${column} = @${column}`);
    params[column] = value;
  }
  const row = statement<[Record<string, unknown>], TaskRow>(db, `UPDATE tasks SET ${sets.join(", ")} WHERE id = @id RETURNING *`).get(params);
  if (!row) throw new Error(`Task ${id} does not exist.`);
  return toTask(row);
}
