import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { Db } from "../store/open-database.js";
import { SqliteSpanProcessor } from "./sqlite-span-processor.js";
import { Tracing } from "./tracing.js";

export interface TracingSetup {
  readonly tracing: Tracing;
  /** Where spans go besides SQLite: the OTLP traces URL, or undefined. */
  readonly otlpUrl: string | undefined;
  /** Writes buffered spans to SQLite now (and hands them to the OTLP exporter). */
  flush(): Promise<void>;
  /** Flushes and stops; spans ended afterwards are dropped. */
  shutdown(): Promise<void>;
}

/**
 * The OTLP traces URL from the standard variables: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given,
 * else `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/traces` appended. `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none` turns export off.
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
  const sqlite = new SqliteSpanProcessor(options.db, { ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }), ...(options.onError ? { onError: options.onError } : {}) });
  const processors: SpanProcessor[] = [sqlite];
  const otlpUrl = otlpTracesUrl(env);
  if (otlpUrl) processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: otlpUrl }), scheduledDelayMillis: 1000 }));
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
    flush: async () => {
      sqlite.flushNow();
      await provider.forceFlush();
    },
    shutdown: () => provider.shutdown(),
  };
}
