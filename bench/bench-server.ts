// One server under load, in its own process: `bare` is Probot with a no-op issues.labeled handler,
// `orchestrator` is our app receiving webhooks (ORCHESTRATOR_WORKER=off: the acknowledgement path
// alone) with tracing set up as in production, `untraced` the same without the tracing SDK. It measures each request server-side, from arrival to the last byte of the answer.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Probot, ProbotOctokit, Server } from "probot";
import { createOrchestratorApp } from "../src/app/create-app.js";
import { readSettings } from "../src/config/settings.js";
import { AnthropicClient } from "../src/llm/anthropic-client.js";
import { freePort, quietLogger } from "../src/sim/scenario/start-app.js";
import { openDatabase } from "../src/store/open-database.js";
import { setUpTracing } from "../src/telemetry/tracing-setup.js";

const kind = process.argv[2];
const env = process.env;
const log = quietLogger("warn");
const port = await freePort();
const server = new Server({
  Probot: Probot.defaults({ appId: Number(env.APP_ID), privateKey: env.PRIVATE_KEY ?? "", secret: env.WEBHOOK_SECRET ?? "", baseUrl: "http://127.0.0.1:9", Octokit: ProbotOctokit, log }),
  port,
  host: "127.0.0.1",
  log,
});
if (kind === "bare") {
  await server.load((app) => {
    app.on("issues.labeled", async () => {
      // A no-op handler: the baseline is Probot's own verification and dispatch.
    });
  });
} else {
  const settings = readSettings({ ...env, DATABASE_PATH: join(mkdtempSync(join(tmpdir(), "orchestrator-bench-")), "bench.db"), ORCHESTRATOR_WORKER: "off" });
  const db = openDatabase(settings.databasePath);
  // Tracing as production sets it up: each webhook is a span, stored in SQLite (no OTLP endpoint here).
  const tracing = setUpTracing({ db, env: {} });
  const orchestrator = createOrchestratorApp({ settings, db, providers: [new AnthropicClient({ apiKey: "unused" })], ...(kind === "untraced" ? {} : { tracing }) });
  await server.load(orchestrator.appFn);
}
const http = await server.start();

let samples: number[] = [];
let cpu = process.cpuUsage();
http.prependListener("request", (_req, res) => {
  const start = process.hrtime.bigint();
  res.once("finish", () => samples.push(Number(process.hrtime.bigint() - start) / 1e6));
});
process.on("message", (message) => {
  if (message === "collect") {
    const used = process.cpuUsage(cpu);
    process.send?.({ samples, cpuMicros: used.user + used.system });
    samples = [];
    cpu = process.cpuUsage();
  }
});
process.send?.({ ready: `http://127.0.0.1:${port}/api/github/webhooks` });
