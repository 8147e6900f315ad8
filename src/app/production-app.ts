import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { ApplicationFunction } from "probot";
import { readSettings, SettingsError } from "../config/settings.js";
import { AnthropicClient } from "../llm/anthropic-client.js";
import { ModelCatalog } from "../llm/model-catalog.js";
import { openDatabase } from "../store/open-database.js";
import { createOrchestratorApp } from "./create-app.js";

/**
 * The app as `npm start` runs it: settings from the environment (Probot has loaded `.env` by the
 * time this runs), the database on disk, the real Anthropic API.
 */
export const productionApp: ApplicationFunction = async (app, options) => {
  const settings = readSettings(process.env);
  if (!settings.anthropic.apiKey) {
    throw new SettingsError("ANTHROPIC_API_KEY is not set. Orchestrator needs a model provider to plan and implement; add the key to .env or the environment.");
  }
  const catalog = ModelCatalog.builtIn();
  if (!catalog.find("anthropic", settings.model)) {
    const known = catalog.list().filter((m) => m.provider === "anthropic").map((m) => m.id);
    throw new SettingsError(`ORCHESTRATOR_MODEL=${settings.model} is not in the model catalog, so its cost could not be counted. Use one of: ${known.join(", ")}.`);
  }
  if (settings.databasePath !== ":memory:") mkdirSync(dirname(settings.databasePath), { recursive: true });
  const db = openDatabase(settings.databasePath);
  const llm = new AnthropicClient({ apiKey: settings.anthropic.apiKey, baseURL: settings.anthropic.baseUrl });
  const orchestrator = createOrchestratorApp({ settings, db, llm, catalog });
  await orchestrator.appFn(app, options);
  app.log.info({ database: settings.databasePath, label: settings.label, model: settings.model }, "Orchestrator is ready");

  const shutdown = (signal: string): void => {
    app.log.info(`${signal}: finishing running jobs, then exiting`);
    void orchestrator.stop().finally(() => {
      db.close();
      process.exit(0);
    });
  };
  process.once("SIGTERM", () => {
    shutdown("SIGTERM");
  });
};
