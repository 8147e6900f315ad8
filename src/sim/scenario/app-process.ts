// The app in a process of its own, against simulators named in the environment, so a scenario or a
// test can kill it with SIGKILL mid-task and start another on the same database. Built exactly as
// `npm start` builds it (settings and providers from the environment), on Probot's server.
import { createPublicKey } from "node:crypto";
import { providersFromSettings } from "../../app/production-app.js";
import { readSettings } from "../../config/settings.js";
import { openDatabase } from "../../store/open-database.js";
import { quietLogger, startApp } from "./start-app.js";

const env = process.env;
const settings = readSettings(env);
const privateKey = env.PRIVATE_KEY ?? "";
const db = openDatabase(settings.databasePath);
const app = await startApp({
  credentials: { appId: Number(env.APP_ID), privateKey, publicKey: createPublicKey(privateKey), webhookSecret: env.WEBHOOK_SECRET ?? "" },
  githubBaseUrl: env.GITHUB_API_URL ?? "",
  settings,
  db,
  providers: providersFromSettings(settings, { maxRetries: Number(env.SIM_MAX_RETRIES ?? "1"), timeoutMs: 60_000 }),
  log: quietLogger(env.LOG_LEVEL ?? "silent"),
  workerIdleMs: 100,
});
process.stdout.write(`READY ${app.webhookUrl}\n`);
