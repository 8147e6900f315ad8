import { setTimeout as sleep } from "node:timers/promises";
import { branchOf, settleSuite, suiteFor } from "../github/check-suites.js";
import type { GitHubSimulator } from "../github/github-simulator.js";
import type { SimChange } from "../github/sim-changes.js";
import type { SimCheckRun, SimRepo } from "../github/sim-model.js";
import { githubActionsAppId } from "../github/sim-world.js";
import type { CiCheckScript } from "../scenario/scenario-schema.js";

export type CiSimEvent =
  | { readonly kind: "started"; readonly sha: string; readonly checks: readonly string[] }
  | { readonly kind: "completed"; readonly sha: string; readonly name: string; readonly conclusion: string };

/**
 * GitHub Actions, as far as the app can tell: on every push to a pull request's branch it makes a
 * check suite with the scripted check runs for the head commit, runs them for their duration, and
 * concludes them, each change reaching the app as `check_run` / `check_suite` webhooks.
 */
export class CiSimulator {
  readonly #sim: GitHubSimulator;
  readonly #checks: readonly CiCheckScript[];
  readonly #onEvent: ((event: CiSimEvent) => void) | undefined;
  readonly #running = new Set<Promise<void>>();

  constructor(sim: GitHubSimulator, options: { checks: readonly CiCheckScript[]; onEvent?: (event: CiSimEvent) => void }) {
    this.#sim = sim;
    this.#checks = options.checks;
    this.#onEvent = options.onEvent;
    if (!sim.world.apps.has(githubActionsAppId)) sim.world.addApp({ id: githubActionsAppId, slug: "github-actions", name: "GitHub Actions", owner: "github", publicKey: null });
    sim.onChange((change) => {
      this.#onChange(change);
    });
  }

  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  #onChange(change: SimChange): void {
    if (change.kind !== "pull_request" || (change.action !== "opened" && change.action !== "synchronize")) return;
    const run = this.#run(change.repo, change.pull.headSha).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  async #run(repo: SimRepo, sha: string): Promise<void> {
    if (this.#checks.length === 0) return;
    const world = this.#sim.world;
    const actions = world.app(githubActionsAppId);
    const emit = (change: SimChange): void => {
      this.#sim.emit(change);
    };
    const suite = suiteFor(world, repo, actions.id, sha, branchOf(repo, sha));
    const runs = this.#checks.map((check): [CiCheckScript, SimCheckRun] => {
      const run: SimCheckRun = {
        id: world.nextId(), suiteId: suite.id, appId: actions.id, name: check.name, headSha: sha, status: "queued", conclusion: null, externalId: null,
        detailsUrl: `${this.#sim.urls.web}/${repo.owner.login}/${repo.name}/actions/runs/${suite.id}`, startedAt: world.now(), completedAt: null,
        output: { title: null, summary: null, text: null, annotationsCount: 0 },
      };
      repo.checkRuns.set(run.id, run);
      emit({ kind: "check_run", action: "created", repo, run, sender: actions.bot });
      return [check, run];
    });
    settleSuite(world, repo, suite, actions.bot, emit);
    this.#onEvent?.({ kind: "started", sha, checks: this.#checks.map((c) => c.name) });
    await Promise.all(
      runs.map(async ([check, run]) => {
        run.status = "in_progress";
        await sleep(check.durationMs);
        Object.assign(run, { status: "completed", conclusion: check.conclusion, completedAt: world.now() });
        run.output = { title: check.conclusion === "success" ? "Passed" : "Failed", summary: check.summary ?? `${check.name}: ${check.conclusion}`, text: null, annotationsCount: 0 };
        emit({ kind: "check_run", action: "completed", repo, run, sender: actions.bot });
        this.#onEvent?.({ kind: "completed", sha, name: check.name, conclusion: check.conclusion });
      }),
    );
    settleSuite(world, repo, suite, actions.bot, emit);
  }
}
