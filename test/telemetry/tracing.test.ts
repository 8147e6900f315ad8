import { describe, expect, it } from "vitest";
import { listSpansSince, listTaskSpans } from "../../src/store/spans.js";
import { otlpTracesUrl, setUpTracing } from "../../src/telemetry/tracing-setup.js";
import { Tracing } from "../../src/telemetry/tracing.js";
import { useTempFolder } from "../support/temp-database.js";

const folder = useTempFolder();

describe("instrument", () => {
  it("nests spans by async scope, carries the task id down, and stores them in SQLite on flush", async () => {
    const db = folder.open();
    const setup = setUpTracing({ db, env: {} });
    const { tracing } = setup;
    await tracing.instrument("job advance", "job", { "orchestrator.task_id": 7 }, async () => {
      // Two children at once: each keeps its own parent, not the other's.
      await Promise.all([
        tracing.instrument("chat claude", "model", {}, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          expect(tracing.taskId).toBe(7);
        }),
        tracing.instrument("GitHub GET /user", "github", {}, () => "done"),
      ]);
    });
    await tracing.instrument("webhook issues", "webhook", {}, () => undefined);
    // Buffered until a flush: a webhook's span must not cost it a commit.
    expect(listSpansSince(db, 0)).toEqual([]);
    await setup.flush();
    const spans = listSpansSince(db, 0);
    expect(spans.map((s) => s.name).sort()).toEqual(["GitHub GET /user", "chat claude", "job advance", "webhook issues"]);
    const job = spans.find((s) => s.name === "job advance");
    const chat = spans.find((s) => s.name === "chat claude");
    const github = spans.find((s) => s.name === "GitHub GET /user");
    expect(chat).toMatchObject({ parentSpanId: job?.spanId, traceId: job?.traceId, taskId: 7, kind: "model", status: "ok" });
    expect(github).toMatchObject({ parentSpanId: job?.spanId, taskId: 7, kind: "github" });
    expect(chat?.durationMs).toBeGreaterThanOrEqual(4);
    expect(spans.find((s) => s.name === "webhook issues")).toMatchObject({ parentSpanId: null, taskId: null });
    expect(listTaskSpans(db, 7).map((s) => s.name)).toEqual(["job advance", "chat claude", "GitHub GET /user"]);
  });

  it("records a failure on its span, ends it, and passes the error on", async () => {
    const db = folder.open();
    const setup = setUpTracing({ db, env: {} });
    const failure = new Error("GitHub answered 502");
    await expect(setup.tracing.instrument("GitHub POST /graphql", "github", {}, () => Promise.reject(failure))).rejects.toBe(failure);
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
    await expect(setup.tracing.instrument("phase planning", "phase", {}, () => 42)).resolves.toBe(42);
    await expect(setup.flush()).resolves.toBeUndefined();
    expect(errors).toEqual([new Error("the database is closed: 1 span not stored")]);
  });

  it("without an SDK, instrument still runs the work (the API's no-op tracer)", async () => {
    await expect(new Tracing().instrument("phase planning", "phase", {}, () => "ran")).resolves.toBe("ran");
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
