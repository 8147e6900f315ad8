import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { listSpansSince, listTaskSpans } from "../../src/store/spans.js";
import { otlpTracesUrl, setUpTracing } from "../../src/telemetry/tracing-setup.js";
import { Tracing } from "../../src/telemetry/tracing.js";
import { useTempFolder } from "../support/temp-database.js";

const folder = useTempFolder();

describe("instrument", () => {
  it("nests spans through the scoped Tracing it hands over, carries the task id down, and stores them in SQLite on flush", async () => {
    const db = folder.open();
    const setup = setUpTracing({ db, env: {} });
    const { tracing } = setup;
    await tracing.instrument("job advance", "job", { "orchestrator.task_id": 7 }, async (_span, job) => {
      expect(job.taskId).toBe(7);
      // Two children at once: each keeps its own parent, not the other's.
      await Promise.all([
        job.instrument("chat claude", "model", {}, async (_chat, chat) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          expect(chat.taskId).toBe(7);
        }),
        job.instrument("GitHub GET /user", "github", {}, () => "done"),
      ]);
    });
    // The root Tracing stays unscoped: work after the job is not its child.
    expect(tracing.taskId).toBeUndefined();
    await tracing.instrument("webhook issues", "webhook", {}, () => undefined);
    // Buffered until a flush: a webhook's span must not cost it a commit.
    expect(listSpansSince(db, 0)).toEqual([]);
    await setup.flush();
    const spans = listSpansSince(db, 0);
    // A task's spans only: the webhook's (no task yet) is for a collector, not the store.
    expect(spans.map((s) => s.name).sort()).toEqual(["GitHub GET /user", "chat claude", "job advance"]);
    const job = spans.find((s) => s.name === "job advance");
    const chat = spans.find((s) => s.name === "chat claude");
    const github = spans.find((s) => s.name === "GitHub GET /user");
    expect(chat).toMatchObject({ parentSpanId: job?.spanId, traceId: job?.traceId, taskId: 7, kind: "model", status: "ok" });
    expect(github).toMatchObject({ parentSpanId: job?.spanId, taskId: 7, kind: "github" });
    expect(chat?.durationMs).toBeGreaterThanOrEqual(4);
    // In the order they started; the two children started within the same instant.
    const ofTask = listTaskSpans(db, 7).map((s) => s.name);
    expect(ofTask[0]).toBe("job advance");
    expect(ofTask.slice(1).sort()).toEqual(["GitHub GET /user", "chat claude"]);
  });

  it("masks secrets in a failure before it reaches a span", async () => {
    const db = folder.open();
    const setup = setUpTracing({ db, env: {} });
    const token = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
    await expect(setup.tracing.instrument("GitHub GET /user", "github", { "orchestrator.task_id": 1 }, () => Promise.reject(new Error(`Bad credentials for ${token}`)))).rejects.toThrow(token);
    await setup.flush();
    const [span] = listSpansSince(db, 0);
    expect(span?.statusMessage).toMatch(/^Bad credentials for /);
    expect(JSON.stringify(span)).not.toContain(token);
  });

  it("records a failure on its span, ends it, and passes the error on", async () => {
    const db = folder.open();
    const setup = setUpTracing({ db, env: {} });
    const failure = new Error("GitHub answered 502");
    await expect(setup.tracing.instrument("GitHub POST /graphql", "github", { "orchestrator.task_id": 1 }, () => Promise.reject(failure))).rejects.toBe(failure);
    await setup.flush();
    expect(listSpansSince(db, 0)).toEqual([expect.objectContaining({ name: "GitHub POST /graphql", status: "error", statusMessage: "GitHub answered 502" })]);
  });

  it("writes on its own a short while after spans end, and stops after shutdown", async () => {
    const db = folder.open();
    const setup = setUpTracing({ db, env: {}, flushMs: 20 });
    await setup.tracing.instrument("phase planning", "phase", { "orchestrator.task_id": 1 }, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(listTaskSpans(db, 1)).toHaveLength(1);
    await setup.shutdown();
    await setup.tracing.instrument("phase implementing", "phase", { "orchestrator.task_id": 1 }, () => undefined);
    await setup.flush();
    expect(listTaskSpans(db, 1)).toHaveLength(1);
  });

  it("a database that has gone away costs the spans, not the work", async () => {
    const db = folder.open();
    const errors: unknown[] = [];
    const setup = setUpTracing({ db, env: {}, onError: (e) => errors.push(e) });
    db.close();
    await expect(setup.tracing.instrument("phase planning", "phase", { "orchestrator.task_id": 1 }, () => 42)).resolves.toBe(42);
    await expect(setup.flush()).resolves.toBeUndefined();
    expect(errors).toEqual([new Error("the database is closed: 1 span not stored")]);
  });

  it("without an SDK, instrument still runs the work (the API's no-op tracer)", async () => {
    await expect(new Tracing().instrument("phase planning", "phase", {}, () => "ran")).resolves.toBe("ran");
  });
});

describe("a collector that does not answer", () => {
  it("never holds up the store, and is reported rather than thrown", async () => {
    // Accepts connections and never answers: the worst a collector can do.
    const blackHole = createServer(() => undefined);
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    try {
      const db = folder.open();
      const errors: unknown[] = [];
      const setup = setUpTracing({ db, env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(blackHole.address() as AddressInfo).port}` }, onError: (e) => errors.push(e) });
      await setup.tracing.instrument("phase planning", "phase", { "orchestrator.task_id": 3 }, () => undefined);
      const started = performance.now();
      setup.flushStore();
      expect(performance.now() - started).toBeLessThan(100);
      expect(listTaskSpans(db, 3)).toHaveLength(1);
      await expect(setup.shutdown()).resolves.toBeUndefined();
      expect(performance.now() - started).toBeLessThan(8_000);
      expect(errors.map(String)).toEqual(expect.arrayContaining([expect.stringMatching(/^Error: OTLP export (did not finish: Timeout; the spans are|failed: 1 span not sent \(.+\); they are) kept in SQLite$/)]));
    } finally {
      blackHole.closeAllConnections();
      await new Promise<void>((resolve) => blackHole.close(() => { resolve(); }));
    }
  }, 15_000);
});

describe("OTEL_SDK_DISABLED=true", () => {
  it("turns tracing off altogether: the work runs, no span is stored", async () => {
    const db = folder.open();
    const setup = setUpTracing({ db, env: { OTEL_SDK_DISABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" } });
    expect(setup.otlpUrl).toBeUndefined();
    await expect(setup.tracing.instrument("phase planning", "phase", { "orchestrator.task_id": 1 }, () => "ran")).resolves.toBe("ran");
    await setup.flush();
    expect(listSpansSince(db, 0)).toEqual([]);
  });
});

describe("otlpTracesUrl", () => {
  it("reads the standard variables", () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" })).toBe("http://collector:4318/v1/traces");
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:4318/custom" })).toBe("http://traces:4318/custom");
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" })).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_EXPORTER: "none" })).toBeUndefined();
  });
});
