import { AsyncLocalStorage } from "node:async_hooks";
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
 * The one way code here makes spans: `instrument(name, attributes, fn)`. Spans nest by async
 * scope (this instance's own AsyncLocalStorage, so no global context manager is needed), carry the
 * task they work for down to their children, record errors, and always end. Over the OpenTelemetry
 * API only: which SDK (if any) receives them is the entry point's business.
 */
export class Tracing {
  readonly #tracer: Tracer;
  readonly #scope = new AsyncLocalStorage<Scope>();

  /** Without a tracer, the global API's (a no-op unless an entry registered an SDK). */
  constructor(tracer: Tracer = trace.getTracer("orchestrator")) {
    this.#tracer = tracer;
  }

  async instrument<T>(name: string, kind: SpanKind, attributes: Attributes, fn: (span: Span) => Promise<T> | T): Promise<T> {
    const parent = this.#scope.getStore();
    const parentContext = parent?.context ?? otelContext.active();
    const ownTask = attributes[SpanAttr.taskId];
    const taskId = typeof ownTask === "number" ? ownTask : parent?.taskId;
    const span = this.#tracer.startSpan(
      name,
      { attributes: { ...attributes, [SpanAttr.kind]: kind, ...(taskId === undefined ? {} : { [SpanAttr.taskId]: taskId }) } },
      parentContext,
    );
    const scope: Scope = { context: trace.setSpan(parentContext, span), taskId };
    try {
      const result = await this.#scope.run(scope, () => otelContext.with(scope.context, () => fn(span)));
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

  /** The task the current scope works for, if any. */
  get taskId(): number | undefined {
    return this.#scope.getStore()?.taskId;
  }
}
