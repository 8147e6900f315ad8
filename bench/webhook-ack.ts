// npm run bench: webhook acknowledgement of Orchestrator against a bare Probot app, side by side.
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import autocannon from "autocannon";
import { signPayload } from "../src/sim/github/webhook-dispatcher.js";
import { createAppCredentials } from "../src/sim/scenario/start-app.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = 100;
const warmupSeconds = 3;
/** Offered load of the paced phase: well under either server's capacity, so latency is service time, not queueing. */
const pacedRate = Number(process.env.BENCH_RATE ?? 1000);

interface Round {
  readonly server: string;
  /** Closed loop, as fast as the server answers. */
  readonly requestsPerSecond: number;
  /** Server CPU time per request while saturated: a single-threaded server's capacity is its inverse. */
  readonly cpuMicrosPerRequest: number;
  readonly saturatedServerP99: number;
  /** Open loop at `pacedRate`. */
  readonly pacedClientP99: number;
  readonly pacedServerP50: number;
  readonly pacedServerP99: number;
  readonly non2xx: number;
}

/** GitHub's recorded issues.labeled delivery, labelled `orchestrator`, as both servers receive it. */
function labeledPayload(): string {
  const require = createRequire(import.meta.url);
  const index = JSON.parse(readFileSync(require.resolve("@octokit/webhooks-examples/api.github.com/index.json"), "utf8")) as { name: string; examples: Record<string, unknown>[] }[];
  const example = index.find((e) => e.name === "issues")?.examples.find((e) => e.action === "labeled");
  if (!example) throw new Error("no issues.labeled example in @octokit/webhooks-examples");
  return JSON.stringify({ ...example, label: { ...(example.label as object), name: "orchestrator" }, installation: { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" } });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function startServer(kind: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(new URL("./bench-server.ts", import.meta.url).pathname, [kind], { execArgv: ["--import", "tsx"], env: { ...process.env, ...env } });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (m: { ready?: string }) => {
      if (m.ready) resolve(m.ready);
      else reject(new Error("the bench server sent no address"));
    });
    child.once("exit", (code) => { reject(new Error(`${kind} server exited with ${String(code)}`)); });
  });
  return { child, url };
}

/** Server-side latencies since the last collection, and the CPU time the server process used meanwhile. */
async function collect(child: ChildProcess): Promise<{ samples: number[]; cpuMicros: number }> {
  child.send("collect");
  return new Promise((resolve) =>
    child.once("message", (m: { samples: number[]; cpuMicros: number }) => {
      resolve(m);
    }),
  );
}

async function load(url: string, body: string, signature: string, duration: number, rate?: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration,
    ...(rate === undefined ? {} : { overallRate: rate }),
    method: "POST",
    body,
    headers: { "content-type": "application/json", "x-github-event": "issues", "x-hub-signature-256": signature },
    requests: [
      {
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, "x-github-delivery": randomUUID() } }),
      },
    ],
  });
}

async function measure(kind: string, server: { child: ChildProcess; url: string }, body: string, signature: string): Promise<Round> {
  await load(server.url, body, signature, warmupSeconds);
  await collect(server.child);
  const saturated = await load(server.url, body, signature, seconds);
  const saturatedRun = await collect(server.child);
  const saturatedSamples = saturatedRun.samples.sort((a, b) => a - b);
  const paced = await load(server.url, body, signature, seconds, pacedRate);
  const pacedSamples = (await collect(server.child)).samples.sort((a, b) => a - b);
  return {
    server: kind,
    requestsPerSecond: saturated.requests.average,
    cpuMicrosPerRequest: saturatedRun.cpuMicros / Math.max(1, saturatedSamples.length),
    saturatedServerP99: percentile(saturatedSamples, 99),
    pacedClientP99: paced.latency.p99,
    pacedServerP50: percentile(pacedSamples, 50),
    pacedServerP99: percentile(pacedSamples, 99),
    non2xx: saturated.non2xx + paced.non2xx,
  };
}

const credentials = createAppCredentials(4242);
const env = { APP_ID: "4242", PRIVATE_KEY: credentials.privateKey, WEBHOOK_SECRET: credentials.webhookSecret };
const body = labeledPayload();
const signature = signPayload(credentials.webhookSecret, body);
const servers = { bare: await startServer("bare", env), orchestrator: await startServer("orchestrator", env), untraced: await startServer("untraced", env) };
const results: Round[] = [];
try {
  for (let round = 1; round <= rounds; round += 1) {
    for (const kind of ["bare", "orchestrator", "untraced"] as const) {
      const r = await measure(kind, servers[kind], body, signature);
      results.push(r);
      console.error(
        `round ${round} ${kind.padEnd(12)} saturated ${r.requestsPerSecond.toFixed(0)} req/s, ${r.cpuMicrosPerRequest.toFixed(0)} µs CPU each (server p99 ${r.saturatedServerP99.toFixed(2)} ms) · at ${pacedRate} req/s server p50 ${r.pacedServerP50.toFixed(2)} ms p99 ${r.pacedServerP99.toFixed(2)} ms, client p99 ${r.pacedClientP99} ms · non-2xx ${r.non2xx}`,
      );
    }
  }
} finally {
  for (const s of Object.values(servers)) s.child.kill();
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const summary = (kind: string) => {
  const mine = results.filter((r) => r.server === kind);
  return {
    rps: median(mine.map((r) => r.requestsPerSecond)),
    cpu: median(mine.map((r) => r.cpuMicrosPerRequest)),
    saturatedServerP99: median(mine.map((r) => r.saturatedServerP99)),
    pacedServerP50: median(mine.map((r) => r.pacedServerP50)),
    pacedServerP99: median(mine.map((r) => r.pacedServerP99)),
    pacedClientP99: median(mine.map((r) => r.pacedClientP99)),
    non2xx: mine.reduce((n, r) => n + r.non2xx, 0),
  };
};
const bare = summary("bare");
const ours = summary("orchestrator");
const untraced = summary("untraced");
const ratio = ours.rps / bare.rps;
const capacityRatio = bare.cpu / ours.cpu;
const row = (name: string, s: ReturnType<typeof summary>): string =>
  `| ${name} | ${s.rps.toFixed(0)} | ${s.cpu.toFixed(0)} µs | ${(1e6 / s.cpu).toFixed(0)} | ${s.saturatedServerP99.toFixed(2)} ms | ${s.pacedServerP50.toFixed(2)} ms | ${s.pacedServerP99.toFixed(2)} ms | ${s.pacedClientP99} ms | ${s.non2xx} |`;
console.log(`Webhook acknowledgement: the same signed issues.labeled delivery (unique X-GitHub-Delivery each) over ${connections} concurrent connections; ${rounds} alternating rounds per server (medians), each ${warmupSeconds} s warm-up, ${seconds} s saturated (closed loop), ${seconds} s paced at ${pacedRate} req/s (open loop). Server-side time is from the request's arrival to the last byte of the answer. Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load generator on the same machine.

| server | saturated req/s | server CPU per request | capacity (req/s of CPU) | saturated server p99 | paced server p50 | paced server p99 | paced client p99 | non-2xx |
|---|---|---|---|---|---|---|---|---|
${row("bare Probot, no-op handler", bare)}
${row("Orchestrator (dedupe, decide, persist)", ours)}
${row("Orchestrator without tracing", untraced)}

Throughput against the bare app: ${capacityRatio.toFixed(2)}× by server CPU per request, ${ratio.toFixed(2)}× by measured requests/s (which also carries the load generator's share of the two cores) (goal ≥ 0.9×). Orchestrator's server-side p99 at ${pacedRate} req/s: ${ours.pacedServerP99.toFixed(2)} ms (goal ≤ 10 ms). Tracing's own cost (a span per delivery, through the SDK): ${(ours.cpu - untraced.cpu).toFixed(0)} µs of CPU per request.`);
process.exitCode = capacityRatio >= 0.9 && ours.pacedServerP99 <= 10 && ours.non2xx === 0 ? 0 : 1;
