import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ExportResult } from "@opentelemetry/core";
import { ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { Db } from "../store/open-database.js";
import { SqliteSpanProcessor } from "./sqlite-span-processor.js";
import { Tracing } from "./tracing.js";

export interface TracingSetup {
  readonly tracing: Tracing;
  /** Where spans go besides SQLite: the OTLP traces URL, or undefined. */
  readonly otlpUrl: string | undefined;
  /** Writes buffered spans to SQLite now: what the dashboards call before they read. Never waits on a collector. */
  flushStore(): void;
  /** Writes buffered spans to SQLite and waits for the OTLP exporter (a failed export is reported, not thrown). */
  flush(): Promise<void>;
  /** Flushes and stops, waiting for a collector at most a few seconds; spans ended afterwards are dropped. */
  shutdown(): Promise<void>;
}

/** How long an export, or the wait for one at shutdown, may take. */
const exportTimeoutMs = 5_000;

/**
 * The OTLP exporter, reporting failed exports (a collector down or refusing) instead of the SDK's
 * silence: the first at once, then at most one report a minute with the count in between.
 */
class ReportingExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #report: (error: Error) => void;
  #lastReport = 0;
  #unreported = 0;

  constructor(inner: SpanExporter, report: (error: Error) => void) {
    this.#inner = inner;
    this.#report = report;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.#inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.#failed(spans.length, result.error);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }

  #failed(spans: number, error: Error | undefined): void {
    this.#unreported += spans;
    const now = Date.now();
    if (now - this.#lastReport < 60_000) return;
    this.#lastReport = now;
    this.#report(new Error(`OTLP export failed: ${this.#unreported} span${this.#unreported === 1 ? "" : "s"} not sent (${error?.message ?? "no reason given"}); they are kept in SQLite`));
    this.#unreported = 0;
  }
}

/**
 * The OTLP traces URL from the standard variables: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given,
 * else `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/traces` appended. `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none` turns export off (the first turns tracing off altogether).
 */
export function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true" || env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === "none") return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!base) return undefined;
  return `${base.replace(/\/+$/, "")}/v1/traces`;
}

/**
 * The OpenTelemetry SDK, set up by an entry point (the app's `main`, the simulators' harness) and
 * nowhere else: a tracer provider of its own (not registered globally, so two apps in one process
 * keep their spans apart) whose spans go to SQLite always and to an OTLP/HTTP collector when the
 * standard variables name one.
 */
export function setUpTracing(options: {
  readonly db: Db;
  readonly env?: NodeJS.ProcessEnv;
  readonly serviceVersion?: string;
  readonly flushMs?: number;
  readonly onError?: (error: unknown) => void;
}): TracingSetup {
  const env = options.env ?? process.env;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") {
    // The operator turned tracing off: spans are the API's no-ops, nothing is stored or sent.
    return { tracing: new Tracing(), otlpUrl: undefined, flushStore: () => undefined, flush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
  }
  const sqlite = new SqliteSpanProcessor(options.db, { ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }), ...(options.onError ? { onError: options.onError } : {}) });
  const processors: SpanProcessor[] = [sqlite];
  const otlpUrl = otlpTracesUrl(env);
  const report = options.onError ?? ((): void => undefined);
  const unfinished = (error: unknown): void => {
    report(new Error(`OTLP export did not finish: ${error instanceof Error ? error.message : String(error)}; the spans are kept in SQLite`));
  };
  if (otlpUrl) {
    const exporter = new ReportingExporter(new OTLPTraceExporter({ url: otlpUrl, timeoutMillis: exportTimeoutMs }), report);
    processors.push(new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000, exportTimeoutMillis: exportTimeoutMs }));
  }
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": env.OTEL_SERVICE_NAME?.trim() ? env.OTEL_SERVICE_NAME.trim() : "orchestrator",
      ...(options.serviceVersion ? { "service.version": options.serviceVersion } : {}),
    }),
    spanProcessors: processors,
  });
  return {
    tracing: new Tracing(provider.getTracer("orchestrator", options.serviceVersion)),
    otlpUrl,
    flushStore: () => {
      sqlite.flushNow();
    },
    flush: async () => {
      sqlite.flushNow();
      await provider.forceFlush().catch(unfinished);
    },
    shutdown: async () => {
      // SQLite is written at once; a collector that does not answer is waited for only so long.
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, exportTimeoutMs + 1_000);
        timer.unref();
      });
      await Promise.race([provider.shutdown().catch(unfinished), waited]);
      clearTimeout(timer);
    },
  };
}
