import type { AgentRequest, LlmClient, LlmRequest } from "../llm/llm-client.js";
import { LlmError } from "../llm/llm-errors.js";
import type { ModelRef } from "../llm/router.js";
import { refName } from "../llm/router.js";
import { findSucceededCall } from "../store/model-calls.js";
import { appendTaskEvent } from "../store/task-events.js";
import type { RequestRedactor } from "../security/redact-request.js";
import type { BudgetScope } from "./budget.js";
import { checkBudget, estimateCall } from "./budget.js";
import type { ModelCallContext, ModelCallResult } from "./call-model.js";
import { callModel, hashRequest } from "./call-model.js";
import type { CircuitBreakers } from "./circuit-breaker.js";
import { OrchestratorError, PermanentError } from "./errors.js";
import type { WorkerLog } from "./worker.js";

export interface RoutedContext extends ModelCallContext {
  readonly providers: ReadonlyMap<string, LlmClient>;
  readonly breakers: CircuitBreakers;
  readonly log: WorkerLog;
}

export interface RoutedCall {
  readonly taskId: number | null;
  readonly role: string;
  readonly chain: readonly ModelRef[];
  readonly request: AgentRequest;
  readonly budget?: BudgetScope;
  readonly redactor?: RequestRedactor;
}

export interface RoutedResult extends ModelCallResult {
  readonly provider: string;
  readonly model: string;
}

/** Every model of the chain failed or was unavailable; the job retries later, and a later attempt may find a provider back. */
export class ProvidersUnavailableError extends OrchestratorError {}

/** Whether a failure says something about the provider's health (and so counts toward its circuit). */
function countsAgainstProvider(error: LlmError): boolean {
  return error.retryable || error.status === 401 || error.status === 403 || error.status === undefined;
}

/**
 * One model call for a role, made on the first model of its chain that can take it: a model whose
 * provider's circuit is open is passed over, a provider that fails hands the call to the next. A
 * call already answered for this task, by any model of the chain, is replayed for free. Before
 * each real call the budget is checked against the most that call could cost.
 */
export async function callRouted(context: RoutedContext, call: RoutedCall): Promise<RoutedResult> {
  const { db, clock, catalog, providers, breakers, log } = context;
  const base = call.redactor ? call.redactor.redactRequest({ ...call.request, model: "" }) : { ...call.request, model: "" };
  const candidates = call.chain.map((ref) => {
    const request: LlmRequest = { ...base, model: ref.model };
    return { ref, request, hash: hashRequest(ref.provider, request), client: providers.get(ref.provider) };
  });
  for (const candidate of candidates) {
    const earlier = findSucceededCall(db, call.taskId, candidate.hash);
    if (earlier && candidate.client) {
      const replayed = await callModel(context, { taskId: call.taskId, role: call.role, client: candidate.client, request: candidate.request, requestHash: candidate.hash });
      return { ...replayed, provider: candidate.ref.provider, model: candidate.ref.model };
    }
  }

  const outcomes: string[] = [];
  let retryable = false;
  let retryAfterMs: number | undefined;
  for (const [index, candidate] of candidates.entries()) {
    const { ref, client } = candidate;
    if (!client) {
      outcomes.push(`${refName(ref)}: no client for ${ref.provider}`);
      continue;
    }
    if (!breakers.tryAcquire(ref.provider)) {
      outcomes.push(`${refName(ref)}: ${ref.provider}'s circuit is open`);
      retryable = true;
      continue;
    }
    const entry = catalog.find(ref.provider, ref.model);
    if (!entry) {
      breakers.release(ref.provider);
      throw new PermanentError(`Model ${refName(ref)} is not in the model catalog, so its cost cannot be counted.`);
    }
    if (call.budget) {
      try {
        checkBudget(db, call.budget, { role: call.role, model: refName(ref), estimate: estimateCall(entry, candidate.request), now: clock.now() });
      } catch (error) {
        breakers.release(ref.provider);
        throw error;
      }
    }
    try {
      const result = await callModel(context, { taskId: call.taskId, role: call.role, client, request: candidate.request, requestHash: candidate.hash });
      breakers.recordSuccess(ref.provider);
      if (index > 0 && call.taskId !== null) {
        appendTaskEvent(db, { taskId: call.taskId, at: clock.now(), kind: "fallback", detail: { role: call.role, used: refName(ref), passedOver: outcomes } });
        log.warn("model call fell back", { taskId: call.taskId, role: call.role, used: refName(ref), passedOver: outcomes });
      }
      return { ...result, provider: ref.provider, model: ref.model };
    } catch (error) {
      if (!(error instanceof LlmError)) {
        breakers.release(ref.provider);
        throw error;
      }
      if (countsAgainstProvider(error)) breakers.recordFailure(ref.provider);
      else breakers.release(ref.provider);
      retryable ||= error.retryable;
      if (error.retryAfterMs !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, error.retryAfterMs);
      outcomes.push(`${refName(ref)}: ${error.message}`);
      log.warn("model call failed; trying the next model of the chain", { taskId: call.taskId, role: call.role, model: refName(ref), error: error.message });
    }
  }
  throw new ProvidersUnavailableError(`No model could answer the ${call.role}: ${outcomes.join("; ")}`, {
    retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
