/**
 * GitHub Actions' jobs. A job is a check run GitHub Actions made: the job id is the check run's id,
 * and its workflow run is its check suite's `workflowRun`, which has an id of its own.
 *
 *   queued ──startJob──▶ in_progress ──completeJob──▶ completed
 *     ▲                                                   │
 *     └─────────── rerunJobs: a new job (new id) ◀────────┘
 *                   same name and head, same suite, next attempt
 *
 * Each transition changes the check run, announces it (`check_run` created / completed) and
 * settles the suite, which announces `check_suite.completed` whenever it completes.
 */
import { branchOf, latestRuns, runsOfSuite, settleSuite, suiteFor } from "./check-suites.js";
import type { SimChange } from "./sim-changes.js";
import type { SimAnnotation, SimCheckRun, SimCheckSuite, SimConclusion, SimJob, SimRepo, SimUser, SimWorkflowRun } from "./sim-model.js";
import type { SimWorld } from "./sim-world.js";
import { githubActionsAppId, SimError } from "./sim-world.js";

export type Emit = (change: SimChange) => void;

export type JobCheckRun = SimCheckRun & { readonly job: SimJob };
export type WorkflowSuite = SimCheckSuite & { readonly workflowRun: SimWorkflowRun };

/** A job: its check run and the suite that carries its workflow run. */
export interface ActionsJob {
  readonly run: JobCheckRun;
  readonly suite: WorkflowSuite;
}

export interface Workflow {
  readonly id: number;
  readonly name: string;
  readonly path: string;
}

export interface JobOutcome {
  readonly conclusion: SimConclusion;
  readonly title: string | null;
  readonly summary: string | null;
  readonly text: string | null;
  readonly annotations: readonly SimAnnotation[];
  readonly log: string;
}

/** GitHub Actions' app and bot (`github-actions[bot]`), added to the world on first use. */
export function actionsBot(world: SimWorld): SimUser {
  if (!world.apps.has(githubActionsAppId)) world.addApp({ id: githubActionsAppId, slug: "github-actions", name: "GitHub Actions", owner: "github", publicKey: null });
  return world.app(githubActionsAppId).bot;
}

/** The job with this id in the repository, or undefined when there is none (an app's own check run is no job). */
export function isJob(run: SimCheckRun): run is JobCheckRun {
  return run.job !== undefined;
}

export function isWorkflowSuite(suite: SimCheckSuite): suite is WorkflowSuite {
  return suite.workflowRun !== undefined;
}

export function findJob(repo: SimRepo, jobId: number): ActionsJob | undefined {
  const run = repo.checkRuns.get(jobId);
  const suite = run ? repo.checkSuites.get(run.suiteId) : undefined;
  if (!run || !isJob(run) || !suite || !isWorkflowSuite(suite)) return undefined;
  return { run, suite };
}

export function findWorkflowRun(repo: SimRepo, runId: number): WorkflowSuite | undefined {
  return [...repo.checkSuites.values()].filter(isWorkflowSuite).find((s) => s.workflowRun.id === runId);
}

export function jobsOfRun(repo: SimRepo, suite: WorkflowSuite): JobCheckRun[] {
  return runsOfSuite(repo, suite).filter(isJob);
}

/** A workflow run is busy while any job of its latest attempt has not completed; GitHub re-runs nothing then. */
export function workflowRunBusy(repo: SimRepo, suite: WorkflowSuite): boolean {
  return latestRuns(jobsOfRun(repo, suite)).some((r) => r.status !== "completed");
}

/** The workflow run for a pushed head commit (its check suite), made on first use. */
export function workflowRunFor(world: SimWorld, repo: SimRepo, sha: string, workflow: Workflow, actor: SimUser): WorkflowSuite {
  const runNumber = [...repo.checkSuites.values()].filter((s) => s.workflowRun).length + 1;
  const suite = suiteFor(world, repo, githubActionsAppId, sha, branchOf(repo, sha), () => ({
    id: world.nextId(),
    name: workflow.name,
    path: workflow.path,
    workflowId: workflow.id,
    runNumber,
    event: "pull_request",
    actor,
    attempt: 1,
  }));
  if (!isWorkflowSuite(suite)) throw new SimError(`Check suite ${suite.id} of GitHub Actions has no workflow run.`);
  return suite;
}

/** A new job of the run's current attempt, queued for a runner. */
export function queueJob(world: SimWorld, repo: SimRepo, suite: WorkflowSuite, job: { readonly name: string; readonly stepName: string }, emit: Emit): JobCheckRun {
  const now = world.now();
  const run: JobCheckRun = {
    id: world.nextId(),
    suiteId: suite.id,
    appId: githubActionsAppId,
    name: job.name,
    headSha: suite.headSha,
    status: "queued",
    conclusion: null,
    externalId: null,
    detailsUrl: null,
    startedAt: now,
    completedAt: null,
    output: { title: null, summary: null, text: null, annotations: [] },
    job: { runAttempt: suite.workflowRun.attempt, createdAt: now, stepName: job.stepName, log: null },
  };
  repo.checkRuns.set(run.id, run);
  const sender = actionsBot(world);
  emit({ kind: "check_run", action: "created", repo, run, sender });
  settleSuite(world, repo, suite, sender, emit);
  return run;
}

export function startJob(world: SimWorld, repo: SimRepo, target: ActionsJob, emit: Emit): void {
  const { run, suite } = target;
  if (run.status !== "queued") throw new SimError(`Job ${run.id} is ${run.status}; only a queued job starts.`);
  run.status = "in_progress";
  run.startedAt = world.now();
  settleSuite(world, repo, suite, actionsBot(world), emit);
}

export function completeJob(world: SimWorld, repo: SimRepo, target: ActionsJob, outcome: JobOutcome, emit: Emit): void {
  const { run, suite } = target;
  if (run.status !== "in_progress") throw new SimError(`Job ${run.id} is ${run.status}; only a job in progress completes.`);
  Object.assign(run, { status: "completed", conclusion: outcome.conclusion, completedAt: world.now() });
  run.output = { title: outcome.title, summary: outcome.summary, text: outcome.text, annotations: [...outcome.annotations] };
  run.job.log = outcome.log;
  const sender = actionsBot(world);
  emit({ kind: "check_run", action: "completed", repo, run, sender });
  settleSuite(world, repo, suite, sender, emit);
}

/** Runs jobs of a completed workflow run again, all in its next attempt: new jobs (new ids), queued. */
export function rerunJobs(world: SimWorld, repo: SimRepo, suite: WorkflowSuite, runs: readonly JobCheckRun[], emit: Emit): JobCheckRun[] {
  if (workflowRunBusy(repo, suite)) throw new SimError(`Workflow run ${suite.workflowRun.id} is still running; no job of it can be re-run.`);
  if (runs.length === 0) return [];
  suite.workflowRun.attempt += 1;
  return runs.map((run) => queueJob(world, repo, suite, { name: run.name, stepName: run.job.stepName }, emit));
}
