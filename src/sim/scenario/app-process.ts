// A child process running Orchestrator against simulators named in the environment, so a test can
// kill it with SIGKILL mid-task and start another on the same database.
import { createPublicKey } from "node:crypto";
import { readSettings } from "../../src/config/settings.js";
import { AnthropicClient } from "../../src/llm/anthropic-client.js";
import { startApp } from "../../src/sim/scenario/start-app.js";
import { openDatabase } from "../../src/store/open-database.js";

const env = process.env;
const settings = readSettings(env);
const privateKey = env.PRIVATE_KEY ?? "";
const db = openDatabase(settings.databasePath);
const app = await startApp({
  credentials: { appId: Number(env.APP_ID), privateKey, publicKey: createPublicKey(privateKey), webhookSecret: env.WEBHOOK_SECRET ?? "" },
  githubBaseUrl: env.GITHUB_API_URL ?? "",
  settings,
  db,
  llm: new AnthropicClient({ apiKey: settings.anthropic.apiKey ?? "", baseURL: settings.anthropic.baseUrl, maxRetries: 0, timeoutMs: 60_000 }),
  workerIdleMs: 100,
});
process.stdout.write(`READY ${app.webhookUrl}\n`);
