import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenario } from "../../src/sim/scenario/load-scenario.js";
import { runScenario } from "../../src/sim/scenario/run-scenario.js";
import { openDatabase } from "../../src/store/open-database.js";
import { listTaskSpans } from "../../src/store/spans.js";

/** OTLP/HTTP JSON, as far as this test reads it. */
interface AnyValue {
  readonly stringValue?: string;
  readonly intValue?: number | string;
  readonly doubleValue?: number;
  readonly boolValue?: boolean;
}
interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly attributes: readonly { key: string; value: AnyValue }[];
  readonly status?: { code?: number };
}
interface OtlpExport {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly { key: string; value: AnyValue }[] };
    readonly scopeSpans: readonly { readonly spans: readonly OtlpSpan[] }[];
  }[];
}

function scalar(value: AnyValue): string | number | boolean | undefined {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue;
}

function attrs(list: readonly { key: string; value: AnyValue }[]): Record<string, string | number | boolean | undefined> {
  return Object.fromEntries(list.map((a) => [a.key, scalar(a.value)]));
}

/** A collector on loopback that keeps every export it is sent, and checks each is OTLP JSON. */
const received: { contentType: string | undefined; body: OtlpExport }[] = [];
const rejected: string[] = [];
const collector = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (req.method !== "POST" || req.url !== "/v1/traces") {
      rejected.push(`${req.method ?? "?"} ${req.url ?? "?"}`);
      res.writeHead(404).end();
      return;
    }
    try {
      received.push({ contentType: req.headers["content-type"], body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as OtlpExport });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    } catch (error) {
      rejected.push(String(error));
      res.writeHead(400).end();
    }
  });
});

let endpoint = "";
const tmp = mkdtempSync(join(tmpdir(), "orchestrator-otlp-"));

beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => collector.close(() => { resolve(); }));
  rmSync(tmp, { recursive: true, force: true });
});

describe("OTLP export", () => {
  it("sends the happy task's spans to the collector named by OTEL_EXPORTER_OTLP_ENDPOINT, with GenAI attributes, and keeps the same spans in SQLite", async () => {
    const databasePath = join(tmp, "orchestrator.db");
    const result = await runScenario(loadScenario("happy"), { databasePath, otelEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: "orchestrator-under-test" } });
    expect(result.task?.state).toBe("done");

    expect(rejected).toEqual([]);
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((r) => r.contentType?.startsWith("application/json"))).toBe(true);
    const resources = received.flatMap((r) => r.body.resourceSpans);
    expect(resources.every((r) => attrs(r.resource.attributes)["service.name"] === "orchestrator-under-test")).toBe(true);
    const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const byId = new Map(spans.map((s) => [s.spanId, s]));

    // Webhook intake: one span per delivery the app received.
    const webhooks = spans.filter((s) => attrs(s.attributes)["orchestrator.span_kind"] === "webhook");
    expect(webhooks.length).toBe(result.webhooks.deliveries);
    expect(webhooks.map((s) => s.name)).toContain("webhook issues");
    expect(attrs(webhooks.find((s) => s.name === "webhook issues")?.attributes ?? [])["orchestrator.webhook.outcome"]).toMatch(/^enqueued/);

    // Every model call the task made is a span with GenAI semantic conventions and its cost, under a phase, under a job.
    const chats = spans.filter((s) => s.name.startsWith("chat "));
    expect(chats.length).toBe(result.llm.calls);
    let costUsd = 0;
    for (const chat of chats) {
      const a = attrs(chat.attributes);
      expect(["anthropic", "openai"]).toContain(a["gen_ai.system"]);
      expect(a["gen_ai.operation.name"]).toBe("chat");
      expect(a["gen_ai.request.model"]).toBe(chat.name.slice("chat ".length));
      expect(a["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
      expect(a["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
      expect(a["orchestrator.task_id"]).toBe(result.task?.id);
      costUsd += Number(a["orchestrator.cost_usd"]);
      const phase = byId.get(chat.parentSpanId ?? "");
      expect(phase?.name).toMatch(/^phase (planning|plan_review|implementing|code_review)$/);
      expect(byId.get(phase?.parentSpanId ?? "")?.name).toBe("job advance");
      expect(chat.traceId).toBe(phase?.traceId);
    }
    // The result rounds dollars to six decimals; the spans carry them unrounded.
    expect(costUsd).toBeCloseTo(result.llm.costUsd, 5);
    // Both providers of the cross-review, each with the calls the store counted for it.
    const perSystem = Object.fromEntries(Object.keys(result.llm.byProvider).map((p) => [p, chats.filter((c) => attrs(c.attributes)["gen_ai.system"] === p).length]));
    expect(perSystem).toEqual(Object.fromEntries(Object.entries(result.llm.byProvider).map(([p, t]) => [p, t.calls - t.failed])));
    const inputTokens = chats.reduce((n, c) => n + Number(attrs(c.attributes)["gen_ai.usage.input_tokens"]), 0);
    expect(inputTokens).toBe(result.llm.inputTokens + result.llm.cacheReadTokens + result.llm.cacheWriteTokens);

    // GitHub requests: named by route template, with their status; the pull request's creation among them.
    const createPull = spans.find((s) => s.name === "GitHub POST /repos/{owner}/{repo}/pulls");
    expect(attrs(createPull?.attributes ?? [])["http.response.status_code"]).toBe(201);
    const githubSpans = spans.filter((s) => s.name.startsWith("GitHub "));
    // Every REST and GraphQL request the simulator answered was the app's, installation tokens included, and each is a span.
    expect(githubSpans.length).toBe(result.github.requests);

    // Each phase the task went through is a span.
    const phases = new Set(spans.filter((s) => s.name.startsWith("phase ")).map((s) => s.name));
    expect([...phases]).toEqual(expect.arrayContaining(["phase planning", "phase plan_review", "phase implementing", "phase code_review", "phase pushing"]));

    // The same spans are in SQLite, for the dashboards: no collector needed.
    const db = openDatabase(databasePath);
    try {
      const stored = listTaskSpans(db, result.task?.id ?? 0);
      const exportedForTask = spans.filter((s) => attrs(s.attributes)["orchestrator.task_id"] === result.task?.id);
      expect(new Set(stored.map((s) => s.spanId))).toEqual(new Set(exportedForTask.map((s) => s.spanId)));
      expect(stored.filter((s) => s.kind === "model").length).toBe(result.llm.calls);
    } finally {
      db.close();
    }
  }, 60_000);
});
