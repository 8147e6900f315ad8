import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/engine/clock.js";
import type { EngineDeps } from "../../src/engine/engine-deps.js";
import { createEngineDeps } from "../../src/engine/engine-deps.js";
import { createDeadJobHandler } from "../../src/engine/job-handlers.js";
import { JobKind } from "../../src/engine/job-kinds.js";
import type { IntakePayload } from "../../src/engine/job-kinds.js";
import { OctokitGateway } from "../../src/github/octokit-gateway.js";
import { AnthropicClient } from "../../src/llm/anthropic-client.js";
import { ModelCatalog } from "../../src/llm/model-catalog.js";
import { GitHubSimulator } from "../../src/sim/github/github-simulator.js";
import type { SimRepo } from "../../src/sim/github/sim-model.js";
import { SimPeople } from "../../src/sim/github/sim-people.js";
import { recordDelivery } from "../../src/store/deliveries.js";
import type { Job } from "../../src/store/jobs.js";
import type { Db } from "../../src/store/open-database.js";
import { useDatabase } from "../support/temp-database.js";

const database = useDatabase();
let sim: GitHubSimulator;

beforeEach(async () => {
  sim = new GitHubSimulator();
  await sim.start();
});

afterEach(async () => {
  await sim.stop();
});

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function deps(db: Db): { deps: EngineDeps; repo: SimRepo; issueNumber: number; installationId: number } {
  const world = sim.world;
  world.addUser("acme", "Organization");
  world.addUser("mona");
  const app = world.addApp({ id: 4242, slug: "orchestrator-test", name: "Orchestrator (test)", owner: "acme", publicKey: null });
  const installation = world.addInstallation(app.id, "acme");
  const repo = world.addRepo("acme", "calculator", new Map([["README.md", Buffer.from("# calculator\n")]]));
  const issue = new SimPeople(sim).openIssue(repo, "mona", "Add subtract", "Please.");
  const { token } = world.issueToken(installation.id);
  const gateway = new OctokitGateway(new Octokit({ baseUrl: sim.urls.api, auth: token, log: silent }));
  return {
    deps: createEngineDeps({
      db,
      clock: systemClock,
      catalog: ModelCatalog.builtIn(),
      providers: [new AnthropicClient({ apiKey: "unused" })],
      github: () => Promise.resolve(gateway),
      settings: { label: "orchestrator", model: "claude-sonnet-5-5", contextTokens: 10_000, appId: app.id, appSlug: "orchestrator" },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    }),
    repo,
    issueNumber: issue.number,
    installationId: installation.id,
  };
}

describe("a job that will not run again", () => {
  it("tells the person who added the label, on the issue, why their request could not start", async () => {
    const db = database();
    const { deps: engine, repo, issueNumber, installationId } = deps(db);
    const payload: IntakePayload = {
      deliveryId: "delivery-1",
      installationId,
      owner: "acme",
      repo: "calculator",
      defaultBranch: "main",
      issueNumber,
      issueTitle: "Add subtract",
      issueBody: "Please.",
      sender: { login: "mona", type: "User" },
      issueLabels: [],
      receivedAt: Date.now() - 1000,
    };
    recordDelivery(db, { deliveryId: "delivery-1", event: "issues", action: "labeled", installationId, receivedAt: payload.receivedAt }, "enqueued:intake");
    const job: Job = { id: 1, kind: JobKind.intake, payload, taskId: null, runAt: 0, attempts: 10, maxAttempts: 10, lastError: null };

    await createDeadJobHandler(engine)(job, new Error("GitHub refused to read the permission of @mona (HTTP 403): Resource not accessible by integration"));

    const comments = [...repo.comments.values()];
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain("@mona, Orchestrator could not start work on this issue: GitHub refused to read the permission of @mona (HTTP 403)");
    expect(comments[0]?.body).toContain("Remove and add the `orchestrator` label to try again.");
    expect(db.prepare<[], { outcome: string }>("SELECT outcome FROM webhook_deliveries").get()?.outcome).toMatch(/^failed:GitHub refused/);

    await createDeadJobHandler(engine)(job, new Error("the same failure, reported again"));
    expect(repo.comments.size).toBe(1);
  });
});
