import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AnthropicAdapter } from "./anthropic-adapter.js";
import type { ParseResult, SimError } from "./chat-request.js";
import { findLeaks } from "./find-leaks.js";
import { parseJson, readBody, sendJson } from "./http-io.js";
import { IdFactory } from "./ids.js";
import { OpenAiAdapter } from "./openai-adapter.js";
import { planReply } from "./plan-reply.js";
import { PromptCache } from "./prompt-cache.js";
import type { ProviderAdapter } from "./provider-adapter.js";
import { faultMessage, unmatchedMessage } from "./request-diagnostics.js";
import { DEFAULT_CACHE_MIN_TOKENS, llmScriptSchema, type LlmFault, type LlmProvider, type LlmScript } from "./script.js";
import { ScriptPlayer } from "./script-player.js";
import type { LlmSimEvent, LlmSimRecord, LlmSimStats } from "./sim-events.js";
import { SimLedger, type RequestFacts } from "./sim-ledger.js";

export type { LlmSimEvent, LlmSimRecord, LlmSimStats, LlmUsage } from "./sim-events.js";

export interface LlmSimulatorOptions {
  readonly script: LlmScript;
  readonly onEvent?: (event: LlmSimEvent) => void;
}

/** Where each provider lives on the simulator, and the one endpoint it answers. */
interface Route {
  readonly provider: LlmProvider;
  readonly prefix: string;
  readonly endpoint: string;
}

const ROUTES: readonly Route[] = [
  { provider: "anthropic", prefix: "/anthropic/", endpoint: "/anthropic/v1/messages" },
  { provider: "openai", prefix: "/openai/", endpoint: "/openai/v1/chat/completions" },
];

/**
 * A loopback HTTP server speaking the Anthropic Messages API and OpenAI Chat Completions well
 * enough for the real SDKs, answering from a scenario's script. Point an SDK's `baseURL` at
 * `anthropicBaseUrl` or `openaiBaseUrl`.
 */
export class LlmSimulator {
  readonly #forbidden: readonly string[];
  readonly #player: ScriptPlayer;
  readonly #ledger: SimLedger;
  readonly #adapters: Readonly<Record<LlmProvider, ProviderAdapter>>;
  #server: Server | undefined;
  #origin: string | undefined;
  #seq = 0;

  constructor(options: LlmSimulatorOptions) {
    // Scripts built in code skip the YAML loader; parsing here catches `times: 0` and the like.
    const script = llmScriptSchema.parse(options.script);
    const ids = new IdFactory();
    const cache = new PromptCache(script.cache?.minTokens ?? DEFAULT_CACHE_MIN_TOKENS);
    this.#forbidden = script.forbidden ?? [];
    this.#player = new ScriptPlayer(script);
    this.#ledger = new SimLedger(options.onEvent ?? (() => undefined));
    this.#adapters = { anthropic: new AnthropicAdapter(ids, cache), openai: new OpenAiAdapter(ids, cache) };
  }

  async start(): Promise<void> {
    if (this.#server !== undefined) throw new Error("llm simulator: already started");
    const server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        // The client went away mid-request; there is no one left to answer.
        res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    this.#server = server;
    this.#origin = `http://127.0.0.1:${port}`;
  }

  /** Closes the server and every connection, hung requests included. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    server.closeAllConnections();
    await closed;
  }

  /** The Anthropic SDK appends `/v1/messages`. */
  get anthropicBaseUrl(): string {
    return `${this.#requireOrigin()}/anthropic`;
  }

  /** The OpenAI SDK appends `/chat/completions`. */
  get openaiBaseUrl(): string {
    return `${this.#requireOrigin()}/openai/v1`;
  }

  stats(): LlmSimStats {
    return this.#ledger.stats();
  }

  records(): readonly LlmSimRecord[] {
    return this.#ledger.records();
  }

  /** Ids (or `#index`) of reply entries with a finite `times` not used up: the run ended early. */
  unusedReplies(): string[] {
    return this.#player.unusedReplies();
  }

  #requireOrigin(): string {
    if (this.#origin === undefined) throw new Error("llm simulator: call start() before asking for a base URL");
    return this.#origin;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://simulator").pathname;
    const route = ROUTES.find((r) => path.startsWith(r.prefix));
    if (route === undefined) {
      sendJson(res, 404, { error: `llm simulator: no provider at ${path}; use ${ROUTES.map((r) => r.endpoint).join(" or ")}` });
      return;
    }
    const adapter = this.#adapters[route.provider];
    const body = await readBody(req);
    const raw = body.ok ? body.text : "";
    const json = parseJson(raw);
    const value = json.ok ? json.value : undefined;
    this.#seq += 1;
    const facts: RequestFacts = {
      seq: this.#seq,
      provider: route.provider,
      model: modelOf(value),
      leaked: findLeaks(this.#forbidden, raw, value),
      digest: createHash("sha256").update(raw).digest("hex"),
    };
    this.#ledger.received(facts);

    const admitted = this.#admit(req, path, route, body.ok, json.ok ? { value } : undefined);
    if (!admitted.ok) {
      const rendered = adapter.error(admitted.error);
      this.#ledger.rejected(facts, rendered.status, admitted.error.message);
      sendJson(res, rendered.status, rendered.body, rendered.headers);
      return;
    }

    const { request } = admitted;
    const fault = this.#player.takeFault(request.view, facts.seq);
    if (fault !== undefined) {
      this.#injectFault(res, adapter, facts, fault);
      return;
    }
    const chosen = this.#player.takeReply(request.view);
    if (chosen === undefined) {
      const message = unmatchedMessage(request.view);
      const rendered = adapter.error({ kind: "unmatched", message });
      this.#ledger.unmatched(facts, rendered.status, message);
      sendJson(res, rendered.status, rendered.body, rendered.headers);
      return;
    }
    const planned = planReply(chosen.entry.reply, request.maxTokens);
    const rendered = adapter.reply(request, planned);
    this.#ledger.replied(
      { ...facts, model: request.view.model },
      { replyId: chosen.replyId, messageId: rendered.messageId, stopReason: planned.stopReason, usage: rendered.usage },
    );
    sendJson(res, 200, rendered.body, rendered.headers);
  }

  /** Every check a real provider makes before it looks at the model: route, size, key, body. */
  #admit(req: IncomingMessage, path: string, route: Route, withinSizeLimit: boolean, json: { readonly value: unknown } | undefined): ParseResult {
    const adapter = this.#adapters[route.provider];
    if (req.method !== "POST" || path !== route.endpoint) {
      return { ok: false, error: { kind: "not_found", message: `llm simulator: only POST ${route.endpoint} is simulated, not ${req.method ?? "?"} ${path}` } };
    }
    if (!withinSizeLimit) return { ok: false, error: { kind: "request_too_large", message: "Request exceeds the maximum allowed number of bytes." } };
    const unauthenticated = adapter.authenticate(req);
    if (unauthenticated !== undefined) return { ok: false, error: unauthenticated };
    if (json === undefined) return { ok: false, error: { kind: "invalid_request", message: "The request body is not valid JSON." } };
    return adapter.parse(json.value, req);
  }

  #injectFault(res: ServerResponse, adapter: ProviderAdapter, facts: RequestFacts, fault: LlmFault): void {
    if (fault.kind === "hang") {
      // Never answer; the socket stays open until the client gives up or stop() destroys it.
      // No timer is involved, so nothing here keeps the process alive.
      this.#ledger.faulted(facts, "hang", undefined);
      return;
    }
    // The real APIs always send retry-after with a 429.
    const retryAfterSeconds = fault.retryAfterSeconds ?? (fault.kind === "rate_limit" ? 1 : undefined);
    const error: SimError = { kind: fault.kind, message: faultMessage(fault.kind), ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
    const rendered = adapter.error(error);
    this.#ledger.faulted(facts, fault.kind, rendered.status);
    sendJson(res, rendered.status, rendered.body, rendered.headers);
  }
}

function modelOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("model" in body)) return undefined;
  return typeof body.model === "string" ? body.model : undefined;
}
