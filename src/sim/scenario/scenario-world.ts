import type { GitHubSimulator } from "../github/github-simulator.js";
import type { SimApp, SimInstallation, SimIssue, SimRepo } from "../github/sim-model.js";
import { SimPeople } from "../github/sim-people.js";
import { readFixtureRepo } from "./load-scenario.js";
import type { Scenario } from "./scenario-schema.js";
import type { AppCredentials } from "./start-app.js";

export interface ScenarioWorld {
  readonly app: SimApp;
  readonly installation: SimInstallation;
  readonly repo: SimRepo;
  readonly issue: SimIssue;
  readonly people: SimPeople;
}

/**
 * The events Orchestrator's app.yml subscribes to; the simulator delivers only these (and
 * `installation`, which every app receives without subscribing and cannot list).
 */
export const appEvents: readonly string[] = [
  "issues",
  "issue_comment",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "check_suite",
  "check_run",
  "workflow_run",
];

/** Populates the simulated GitHub from a scenario: people, the app and its installation, the repository, the issue. */
export function buildScenarioWorld(sim: GitHubSimulator, scenario: Scenario, credentials: AppCredentials): ScenarioWorld {
  const world = sim.world;
  for (const actor of scenario.actors) world.addUser(actor.login, actor.bot ? "Bot" : "User");
  world.addUser(scenario.repo.owner, "Organization");
  const app = world.addApp({
    id: credentials.appId,
    slug: "orchestrator-sim",
    name: "Orchestrator (simulated)",
    owner: scenario.repo.owner,
    publicKey: credentials.publicKey,
    permissions: { issues: "write", pull_requests: "write", contents: "write", checks: "write", actions: "read", metadata: "read", members: "read" },
    events: appEvents,
  });
  const installation = world.addInstallation(app.id, scenario.repo.owner);
  const files = readFixtureRepo(scenario.repo.fixture);
  for (const [path, content] of Object.entries(scenario.repo.files)) files.set(path, Buffer.from(content));
  const repo = world.addRepo(scenario.repo.owner, scenario.repo.name, files, { defaultBranch: scenario.repo.defaultBranch });
  repo.collaborators.clear();
  for (const actor of scenario.actors) world.setPermission(repo, actor.login, actor.permission);
  const people = new SimPeople(sim);
  const issue = people.openIssue(repo, scenario.issue.author, scenario.issue.title, scenario.issue.body);
  return { app, installation, repo, issue, people };
}
