import type { IssueInput, RepoContext } from "../agents/prompt-context.js";
import { buildRepoContext } from "../agents/prompt-context.js";
import type { RepoConfig } from "../config/repo-config.js";
import type { RepoSnapshot } from "../context/repo-snapshot.js";
import type { GitHubGateway } from "../github/github-gateway.js";
import type { Task } from "../store/tasks.js";
import type { EngineDeps } from "./engine-deps.js";
import { reportProgress } from "./report-progress.js";
import { baseSnapshot, taskConfig } from "./task-context.js";

export interface PhaseSetting {
  readonly github: GitHubGateway;
  readonly snapshot: RepoSnapshot;
  readonly config: RepoConfig;
  readonly issue: IssueInput;
  /** The repository context every agent of the task is shown: the same text in every phase, so providers cache it. */
  readonly context: RepoContext;
}

/** What every agent phase starts from: GitHub told where the task is, the base snapshot, the frozen config, the context. */
export async function preparePhase(deps: EngineDeps, task: Task): Promise<PhaseSetting> {
  const github = await deps.github(task.installationId);
  await reportProgress(deps, github, task.id);
  const snapshot = await baseSnapshot(deps, github, task);
  deps.snapshots.put(snapshot);
  const config = taskConfig(deps, task, snapshot);
  const issue = { number: task.issueNumber, title: task.issueTitle, body: task.issueBody };
  // The issue text is frozen with the task, so the task and its base commit determine the context.
  const key = `${task.id}@${snapshot.commitSha}`;
  let context = deps.contexts.get(key);
  if (!context) {
    context = buildRepoContext(snapshot, issue, deps.settings.contextTokens);
    deps.contexts.put(key, context);
  }
  return { github, snapshot, config, issue, context };
}
