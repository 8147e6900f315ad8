import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { ApplicationFunction } from "probot";
import type { Settings } from "../config/settings.js";
import { readSettings, SettingsError } from "../config/settings.js";
import { AnthropicClient } from "../llm/anthropic-client.js";
import type { LlmClient } from "../llm/llm-client.js";
import { OpenAiClient } from "../llm/openai-client.js";
import { Router, RoutingError } from "../llm/router.js";
import { CatalogError, ModelCatalog } from "../llm/model-catalog.js";
import { openDatabase } from "../store/open-database.js";
import { setUpTracing } from "../telemetry/tracing-setup.js";
import { createOrchestratorApp } from "./create-app.js";

/**
 * The app as `npm start` runs it: settings from the environment (Probot has loaded `.env` by the
 * time this runs), the database on disk, the real Anthropic API.
 */
/** A client for every provider with a key in the environment; at least one is needed. */
export function providersFromSettings(
  settings: Settings,
  options: { readonly maxRetries?: number; readonly timeoutMs?: number; readonly catalog?: ModelCatalog } = {},
): LlmClient[] {
  // One retry inside the SDK: past that, the next provider of the chain is the better bet.
  const shared = { maxRetries: options.maxRetries ?? 1, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) };
  const catalog = options.catalog ?? ModelCatalog.builtIn();
  // The catalog says which OpenAI models take explicit cache breakpoints (GPT-5.6 and later).
  const cacheBreakpoints = (model: string): boolean => catalog.find("openai", model)?.capabilities.includes("prompt-cache-breakpoints") ?? false;
  const providers: LlmClient[] = [];
  if (settings.anthropic.apiKey) providers.push(new AnthropicClient({ apiKey: settings.anthropic.apiKey, baseURL: settings.anthropic.baseUrl, ...shared }));
  if (settings.openai.apiKey) providers.push(new OpenAiClient({ apiKey: settings.openai.apiKey, baseURL: settings.openai.baseUrl, cacheBreakpoints, ...shared }));
  return providers;
}

export const productionApp: ApplicationFunction = async (app, options) => {
  const settings = readSettings(process.env);
  let catalog: ModelCatalog;
  try {
    catalog = ModelCatalog.withExtra(settings.modelCatalogPath);
  } catch (error) {
    if (error instanceof CatalogError) throw new SettingsError(`ORCHESTRATOR_MODEL_CATALOG: ${error.message}`);
    throw error;
  }
  const providers = providersFromSettings(settings, { catalog });
  if (providers.length === 0) {
    throw new SettingsError("Neither ANTHROPIC_API_KEY nor OPENAI_API_KEY is set. Orchestrator needs at least one model provider to plan and implement; add a key to .env or the environment.");
  }
  try {
    // Checks ORCHESTRATOR_MODEL against the catalog and the providers that have keys.
    new Router({ catalog, providers: providers.map((p) => p.provider), defaultModel: settings.model });
  } catch (error) {
    if (error instanceof RoutingError) throw new SettingsError(`ORCHESTRATOR_MODEL=${settings.model}: ${error.message}`);
    throw error;
  }
  if (settings.databasePath !== ":memory:") mkdirSync(dirname(settings.databasePath), { recursive: true });
  const db = openDatabase(settings.databasePath);
  // The OpenTelemetry SDK is set up here, in the entry, and nowhere else: spans to SQLite, and to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const tracing = setUpTracing({
    db,
    onError: (error) => {
      app.log.warn({ err: error }, "spans could not be stored; tracing goes on");
    },
  });
  if (tracing.otlpUrl) app.log.info({ url: tracing.otlpUrl }, "exporting traces over OTLP/HTTP");
  const orchestrator = createOrchestratorApp({ settings, db, providers, catalog, tracing });
  await orchestrator.appFn(app, options);
  app.log.info({ database: settings.databasePath, label: settings.label, model: settings.model, providers: providers.map((p) => p.provider) }, "Orchestrator is ready");

  const shutdown = (signal: string): void => {
    app.log.info(`${signal}: finishing running jobs, then exiting`);
    void orchestrator
      .stop()
      .then(() => tracing.shutdown())
      .finally(() => {
        db.close();
        process.exit(0);
      });
  };
  process.once("SIGTERM", () => {
    shutdown("SIGTERM");
  });
};
