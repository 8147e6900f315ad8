import type { Attributes, Context, Span, Tracer } from "@opentelemetry/api";
import { context as otelContext, SpanStatusCode, trace } from "@opentelemetry/api";
import { redactSecrets } from "../security/redact-secrets.js";
import type { SpanKind } from "../store/spans.js";

/** Attribute names of our own, beside OpenTelemetry's semantic conventions. */
export const SpanAttr = {
  /** What the span is: one of {@link SpanKind}; the store and the dashboards group by it. */
  kind: "orchestrator.span_kind",
  taskId: "orchestrator.task_id",
  costUsd: "orchestrator.cost_usd",
  role: "orchestrator.role",
} as const;

interface Scope {
  readonly context: Context;
  readonly taskId: number | undefined;
}

/**
 * The one way code here makes spans: `instrument(name, kind, attributes, fn)`. A span's children
 * are made through the `Tracing` handed to `fn`, which is scoped to it: the scope travels with the
 * code (the engine's dependencies carry it) rather than in an AsyncLocalStorage, which on Node 20
 * slows every promise in the process. Spans carry their task down to their children, record
 * errors (masked), and always end. Over the OpenTelemetry API only: which SDK (if any) receives
 * them is the entry point's business.
 */
export class Tracing {
  readonly #tracer: Tracer;
  readonly #scope: Scope | undefined;

  /** Without a tracer, the global API's (a no-op unless an entry registered an SDK). */
  constructor(tracer: Tracer = trace.getTracer("orchestrator"), scope?: Scope) {
    this.#tracer = tracer;
    this.#scope = scope;
  }

  async instrument<T>(name: string, kind: SpanKind, attributes: Attributes, fn: (span: Span, scoped: Tracing) => Promise<T> | T): Promise<T> {
    const parentContext = this.#scope?.context ?? otelContext.active();
    const ownTask = attributes[SpanAttr.taskId];
    const taskId = typeof ownTask === "number" ? ownTask : this.#scope?.taskId;
    const span = this.#tracer.startSpan(
      name,
      { attributes: { ...attributes, [SpanAttr.kind]: kind, ...(taskId === undefined ? {} : { [SpanAttr.taskId]: taskId }) } },
      parentContext,
    );
    try {
      const result = await fn(span, new Tracing(this.#tracer, { context: trace.setSpan(parentContext, span), taskId }));
      span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (error) {
      // Errors quote what providers and GitHub answered: masked before they reach a collector or the dashboard.
      const message = redactSecrets(error instanceof Error ? error.message : String(error)).text;
      span.recordException({ name: error instanceof Error ? error.name : "Error", message, ...(error instanceof Error && error.stack ? { stack: redactSecrets(error.stack).text } : {}) });
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      throw error;
    } finally {
      span.end();
    }
  }

  /** The task this scope works for, if any. */
  get taskId(): number | undefined {
    return this.#scope?.taskId;
  }
}
