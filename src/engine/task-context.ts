import type { AskModel } from "../agents/ask-model.js";
import type { RepoSnapshot } from "../context/repo-snapshot.js";
import type { GitHubGateway, RepoRef } from "../github/github-gateway.js";
import type { Task } from "../store/tasks.js";
import { callModel } from "./call-model.js";
import type { EngineDeps } from "./engine-deps.js";

export function repoOf(task: Task): RepoRef {
  return { owner: task.owner, repo: task.repo };
}

/** The model, as a given role of a given task asks it: every call recorded, priced and replayable. */
export function askAs(deps: EngineDeps, task: Task, role: string): AskModel {
  return async (request) => (await callModel(deps, { taskId: task.id, role, client: deps.llm, request })).response;
}

/** The repository at the task's base commit, read at most once per process while it is cached. */
export async function baseSnapshot(deps: EngineDeps, github: GitHubGateway, task: Task): Promise<RepoSnapshot> {
  if (task.baseSha === null) return github.readSnapshot(repoOf(task), task.defaultBranch);
  const cached = deps.snapshots.get(task.owner, task.repo, task.baseSha);
  if (cached) return cached;
  const snapshot = await github.readSnapshotAt(repoOf(task), task.defaultBranch, task.baseSha);
  deps.snapshots.put(snapshot);
  return snapshot;
}
