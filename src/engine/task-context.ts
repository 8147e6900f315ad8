import type { AskModel } from "../agents/ask-model.js";
import type { AgentRole, RepoConfig } from "../config/repo-config.js";
import { defaultRepoConfig, parseRepoConfig, repoConfigPath, repoConfigSchema } from "../config/repo-config.js";
import type { RepoSnapshot } from "../context/repo-snapshot.js";
import type { GitHubGateway, RepoRef } from "../github/github-gateway.js";
import type { ModelRef, RouteDecision } from "../llm/router.js";
import { assessArea, assessRisk, refName } from "../llm/router.js";
import type { Db } from "../store/open-database.js";
import { loadArtifactText, saveArtifact } from "../store/task-artifacts.js";
import { appendTaskEvent } from "../store/task-events.js";
import type { Task } from "../store/tasks.js";
import { redactSecrets } from "../security/redact-secrets.js";
import { callRouted } from "./call-routed.js";
import type { EngineDeps } from "./engine-deps.js";
import { RecentCache } from "./recent-cache.js";

export function repoOf(task: Task): RepoRef {
  return { owner: task.owner, repo: task.repo };
}

/**
 * Stored configs already checked, by their stored text. Every phase and every progress report reads
 * the task's config, and checking it against the schema (defaults and all) costs far more than
 * reading it; the same text always gives the same config. Like `defaultRepoConfig`, the configs
 * handed out are shared: read them, never modify them.
 */
const checkedConfigs = new RecentCache<RepoConfig>(64);

/** The config stored with the task if there is a valid one. */
function storedConfig(db: Db, taskId: number): RepoConfig | undefined {
  const text = loadArtifactText(db, taskId, "config");
  if (text === undefined) return undefined;
  const known = checkedConfigs.get(text);
  if (known) return known;
  const stored = repoConfigSchema.safeParse(JSON.parse(text));
  if (!stored.success) return undefined;
  checkedConfigs.put(text, stored.data);
  return stored.data;
}

/**
 * The task's repository configuration, read from `.github/orchestrator.yml` at its base commit the
 * first time and frozen with the task: a later edit of the file does not change a running task.
 */
export function taskConfig(deps: EngineDeps, task: Task, snapshot: RepoSnapshot): RepoConfig {
  const stored = storedConfig(deps.db, task.id);
  if (stored) return stored;
  const config = parseRepoConfig(snapshot.files.get(repoConfigPath)?.content);
  saveArtifact(deps.db, task.id, "config", config, deps.clock.now());
  return config;
}

/** The config frozen with the task (at intake, or at its base commit for older tasks); defaults if none was stored. */
export function frozenConfig(deps: Pick<EngineDeps, "db">, taskId: number): RepoConfig {
  return storedConfig(deps.db, taskId) ?? defaultRepoConfig;
}

/**
 * The masking for what a task shows on GitHub (comments, the pull request, the dashboard):
 * secrets, and e-mail addresses too where the repository asks. The task's config is read once.
 */
export function githubRedaction(deps: Pick<EngineDeps, "db">, taskId: number): (text: string) => string {
  const emails = storedConfig(deps.db, taskId)?.redaction.emails ?? false;
  return (text) => redactSecrets(text, { emails }).text;
}

/** A role's model, bound to a task: routed, budgeted, redacted, recorded and replayable. */
export interface RoleModel {
  readonly ask: AskModel;
  readonly route: RouteDecision;
  /** The models that actually answered, in order (a fallback may have taken over). */
  readonly answeredBy: readonly ModelRef[];
}

/**
 * Routes a role of a task (risk and area from the issue's labels and the paths in play; reviewers
 * kept off every model in `avoid`), logs the decision with its reason, and returns the bound model.
 */
export function askAs(
  deps: EngineDeps,
  task: Task,
  role: AgentRole,
  options: { readonly config: RepoConfig; readonly paths: readonly string[]; readonly avoid?: readonly ModelRef[] },
): RoleModel {
  const { config, paths } = options;
  const route = deps.router.route({
    role,
    config,
    risk: assessRisk(config, task.issueLabels, paths),
    area: assessArea(config, task.issueLabels, paths),
    ...(options.avoid ? { avoid: options.avoid } : {}),
  });
  appendTaskEvent(deps.db, { taskId: task.id, at: deps.clock.now(), kind: "route", detail: { role, chain: route.chain.map(refName), risk: route.risk, area: route.area, reason: route.reason } });
  deps.log.info("routed", { taskId: task.id, role, model: refName(route.chain[0] ?? { provider: "?", model: "?" }), reason: route.reason });
  const answeredBy: ModelRef[] = [];
  const redactor = config.redaction.emails ? deps.redactors.secretsAndEmails : deps.redactors.secrets;
  const budget = { taskId: task.id, owner: task.owner, repo: task.repo, budget: config.budget, label: deps.settings.label };
  const ask: AskModel = async (request) => {
    const result = await callRouted(deps, { taskId: task.id, role, chain: route.chain, request, budget, redactor });
    if (!answeredBy.some((m) => m.provider === result.provider && m.model === result.model)) answeredBy.push({ provider: result.provider, model: result.model });
    return result.response;
  };
  return { ask, route, answeredBy };
}

/** Paths a text names that exist in the snapshot: what an issue points at before there is a plan. */
export function pathsNamedIn(snapshot: RepoSnapshot, text: string): string[] {
  return [...snapshot.files.keys()].filter((path) => text.includes(path));
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
