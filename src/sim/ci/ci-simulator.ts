import { setTimeout as sleep } from "node:timers/promises";
import type { ActionsJob, JobOutcome, Workflow } from "../github/actions-jobs.js";
import { runGateInCheckout } from "./run-gate.js";
import { actionsBot, completeJob, findJob, queueJob, startJob, workflowRunFor } from "../github/actions-jobs.js";
import type { GitHubSimulator } from "../github/github-simulator.js";
import type { SimChange } from "../github/sim-changes.js";
import type { SimRepo, SimUser } from "../github/sim-model.js";
import type { CiCheckScript } from "../scenario/scenario-schema.js";
import { planFor, stepNameOf } from "./check-plan.js";
import { commandOutcome, scriptedOutcome } from "./job-outcome.js";
import { runInCheckout } from "./run-in-checkout.js";

export type CiSimEvent =
  | { readonly kind: "started"; readonly sha: string; readonly checks: readonly string[] }
  | { readonly kind: "completed"; readonly sha: string; readonly name: string; readonly conclusion: string };

/** The one workflow the simulated repositories have: each scripted check is one of its jobs. */
const workflow = { name: "CI", path: ".github/workflows/ci.yml" } as const;

/**
 * GitHub Actions, as far as the app can tell. Every push to a pull request's branch starts a run
 * of the workflow, whose jobs (check runs) GitHub queues; this simulator is the runner that takes
 * every queued job — first runs and re-runs the app asks for alike — runs it, and concludes it. A
 * `run` check runs its command in a checkout of the head commit; a scripted one concludes as told.
 * Each change reaches the app as `check_run` / `check_suite` webhooks.
 */
export class CiSimulator {
  readonly #sim: GitHubSimulator;
  readonly #checks: readonly CiCheckScript[];
  readonly #onEvent: ((event: CiSimEvent) => void) | undefined;
  readonly #workflow: Workflow;
  readonly #running = new Set<Promise<void>>();
  /** How many times each check has run so far: it picks the check's next scripted conclusion. */
  readonly #runsSoFar = new Map<string, number>();
  readonly #emit = (change: SimChange): void => {
    this.#sim.emit(change);
  };

  constructor(sim: GitHubSimulator, options: { checks: readonly CiCheckScript[]; onEvent?: (event: CiSimEvent) => void }) {
    this.#sim = sim;
    this.#checks = options.checks;
    this.#onEvent = options.onEvent;
    this.#workflow = { id: sim.world.nextId(), ...workflow };
    actionsBot(sim.world);
    sim.onChange((change) => {
      this.#onChange(change);
    });
  }

  /** Resolves once no job is queued or running, re-runs that started meanwhile included. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  #onChange(change: SimChange): void {
    if (change.kind === "pull_request" && (change.action === "opened" || change.action === "synchronize")) {
      this.#startWorkflowRun(change.repo, change.pull.headSha, change.sender);
    } else if (change.kind === "check_run" && change.action === "created") {
      const job = findJob(change.repo, change.run.id);
      if (job?.run.status === "queued") this.#track(this.#execute(change.repo, job));
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work.finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
  }

  #startWorkflowRun(repo: SimRepo, sha: string, actor: SimUser): void {
    if (this.#checks.length === 0) return;
    const world = this.#sim.world;
    const suite = workflowRunFor(world, repo, sha, this.#workflow, actor);
    for (const check of this.#checks) queueJob(world, repo, suite, { name: check.name, stepName: stepNameOf(check) }, this.#emit);
  }

  async #execute(repo: SimRepo, job: ActionsJob): Promise<void> {
    const check = this.#checks.find((c) => c.name === job.run.name);
    if (!check) return;
    const index = this.#runsSoFar.get(check.name) ?? 0;
    this.#runsSoFar.set(check.name, index + 1);
    // GitHub queues all of a run's jobs before a runner takes the first.
    await sleep(0);
    const world = this.#sim.world;
    startJob(world, repo, job, this.#emit);
    this.#onEvent?.({ kind: "started", sha: job.run.headSha, checks: [check.name] });
    const outcome = await this.#outcome(repo, job, check, index);
    completeJob(world, repo, job, outcome, this.#emit);
    this.#onEvent?.({ kind: "completed", sha: job.run.headSha, name: check.name, conclusion: outcome.conclusion });
  }

  async #outcome(repo: SimRepo, job: ActionsJob, check: CiCheckScript, index: number): Promise<JobOutcome> {
    const now = (): number => this.#sim.world.nowMs();
    const startedAt = now();
    const step = job.run.job.stepName;
    try {
      const plan = planFor(check, index);
      if (plan.kind === "command") return commandOutcome(plan, step, await runInCheckout(repo, job.run.headSha, plan.command, { timeoutMs: plan.timeoutMs, now }));
      if (plan.kind === "gate") {
        const pull = [...repo.pulls.values()].find((p) => p.headSha === job.run.headSha);
        if (!pull) throw new Error(`The quality gate runs on pull requests; no pull request has head ${job.run.headSha}.`);
        return await runGateInCheckout(repo, pull.baseSha, job.run.headSha, step, now);
      }
      await sleep(plan.durationMs);
      return scriptedOutcome(plan, check.name, step, { startedAt, endedAt: now() });
    } catch (error) {
      // The simulator failing to run a job is the job failing, as a broken runner fails one on GitHub.
      const message = `The simulated runner could not run the job: ${error instanceof Error ? error.message : String(error)}`;
      return scriptedOutcome({ kind: "scripted", conclusion: "failure", durationMs: 0, summary: message, text: null, annotations: [] }, check.name, step, { startedAt, endedAt: now() });
    }
  }
}
