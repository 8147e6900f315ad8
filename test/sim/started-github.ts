import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import { GitHubSimulator } from "../../src/sim/github/github-simulator.js";
import { OpenApiValidator } from "../../src/sim/github/openapi/index.js";
import type { SimApp, SimInstallation, SimRepo } from "../../src/sim/github/sim-model.js";
import { SimPeople } from "../../src/sim/github/sim-people.js";
import { WebhookDispatcher } from "../../src/sim/github/webhook-dispatcher.js";

export const OWNER = "octo-org";
export const REPO = "calculator";

/** A delivery as the app's webhook endpoint received it. */
export interface Received {
  readonly event: string;
  readonly payload: Record<string, unknown>;
}

export interface StartedGitHub {
  readonly sim: GitHubSimulator;
  readonly people: SimPeople;
  readonly app: SimApp;
  readonly installation: SimInstallation;
  readonly repo: SimRepo;
  readonly token: string;
  /** The app's client: an installation token against the simulator. */
  readonly octokit: Octokit;
  readonly webhooks: WebhookDispatcher;
  /** What reached the app's endpoint, in order. */
  readonly received: Received[];
  /** `event.action` of what reached the app, in order; call after `webhooks.idle()`. */
  readonly events: () => string[];
  /** Commits `files` (path to text) on top of `parent` and points `branch` at the commit, as a push would. */
  readonly commit: (branch: string, parent: string, files: Readonly<Record<string, string>>) => string;
  readonly stop: () => Promise<void>;
}

const validator = OpenApiValidator.load();
const quiet = (): void => undefined;

/**
 * octo-org/calculator on a started simulator, its files on main; the app installed on octo-org
 * with an endpoint that records every delivery; mona (write) and hubot (write) as people.
 */
export async function startGitHub(files: Readonly<Record<string, string>>): Promise<StartedGitHub> {
  const sim = new GitHubSimulator({ validator });
  await sim.start();
  const received: Received[] = [];
  const endpoint = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ event: String(req.headers["x-github-event"]), payload: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
  const world = sim.world;
  world.addUser(OWNER, "Organization");
  const app = world.addApp({ id: 4242, slug: "orchestrator-test", name: "Orchestrator (test)", owner: OWNER, publicKey: null });
  const installation = world.addInstallation(app.id, OWNER);
  const repo = world.addRepo(OWNER, REPO, new Map(Object.entries(files).map(([path, text]) => [path, Buffer.from(text)])));
  world.setPermission(repo, "mona", "write");
  world.setPermission(repo, "hubot", "write");
  const webhooks = new WebhookDispatcher(sim);
  webhooks.connect(app.id, { url: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/`, secret: "s3cret" });
  const token = world.issueToken(installation.id).token;
  const octokit = new Octokit({ auth: token, baseUrl: sim.urls.api, log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
  const commit = (branch: string, parent: string, changes: Readonly<Record<string, string>>): string => {
    const parentCommit = repo.git.get(parent);
    if (parentCommit?.type !== "commit") throw new Error(`no commit ${parent}`);
    const tree = new Map(repo.git.flatten(parentCommit.tree));
    for (const [path, text] of Object.entries(changes)) tree.set(path, { sha: repo.git.putBlob(Buffer.from(text)), mode: "100644" });
    const author = { name: "mona", email: "mona@example.com", date: world.now() };
    const sha = repo.git.putCommit({ tree: repo.git.writeTree(tree), parents: [parent], author, committer: author, message: `Change ${Object.keys(changes).join(", ")}\n` });
    repo.git.refs.set(`refs/heads/${branch}`, sha);
    return sha;
  };
  return {
    sim,
    people: new SimPeople(sim),
    app,
    installation,
    repo,
    token,
    octokit,
    webhooks,
    received,
    events: () => received.map((r) => (typeof r.payload.action === "string" ? `${r.event}.${r.payload.action}` : r.event)),
    commit,
    stop: async () => {
      await webhooks.idle();
      await sim.stop();
      endpoint.closeAllConnections();
      await new Promise<void>((resolve) => endpoint.close(() => { resolve(); }));
    },
  };
}
