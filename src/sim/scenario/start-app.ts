import { createServer } from "node:net";
import { generateKeyPairSync } from "node:crypto";
import type { KeyObject } from "node:crypto";
import pino from "pino";
import type { Logger } from "pino";
import { Probot, Server } from "probot";
import { AppOctokit } from "../../app/app-octokit.js";
import { createOrchestratorApp } from "../../app/create-app.js";
import type { OrchestratorApp } from "../../app/create-app.js";
import type { Settings } from "../../config/settings.js";
import type { LlmClient } from "../../llm/llm-client.js";
import type { Db } from "../../store/open-database.js";
import { setUpTracing } from "../../telemetry/tracing-setup.js";
import type { TracingSetup } from "../../telemetry/tracing-setup.js";

export interface AppCredentials {
  readonly appId: number;
  readonly privateKey: string;
  readonly publicKey: KeyObject;
  readonly webhookSecret: string;
}

/** A fresh app identity: the simulator verifies the app's JWTs with the public half. */
export function createAppCredentials(appId: number): AppCredentials {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    appId,
    privateKey: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicKey,
    webhookSecret: `whsec-${appId}-simulated`,
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  if (address === null || typeof address === "string") throw new Error("Could not find a free port.");
  return address.port;
}

export function quietLogger(level: string = process.env.LOG_LEVEL ?? "silent"): Logger {
  return pino({ level });
}

export interface RunningApp {
  readonly orchestrator: OrchestratorApp;
  readonly server: Server;
  readonly webhookUrl: string;
  readonly baseUrl: string;
  readonly tracing: TracingSetup;
  stop(): Promise<void>;
}

/**
 * The real Probot server, over HTTP on loopback, running Orchestrator against a GitHub base URL.
 * Octokit's throttling is off (the simulator has no rate limit to respect); everything else is as
 * in production.
 */
export async function startApp(options: {
  readonly credentials: AppCredentials;
  readonly githubBaseUrl: string;
  readonly settings: Settings;
  readonly db: Db;
  readonly providers: readonly LlmClient[];
  readonly log?: Logger;
  readonly workerIdleMs?: number;
  /** Environment the tracing SDK reads (OTEL_*); the process's by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** Overrides of the settings' GitHub sign-in requests (they go to the simulator). */
  readonly fetch?: typeof fetch;
}): Promise<RunningApp> {
  const log = options.log ?? quietLogger();
  const Octokit = AppOctokit.defaults((instanceOptions: Record<string, unknown>) => ({
    ...instanceOptions,
    throttle: { ...(instanceOptions.throttle as Record<string, unknown> | undefined), enabled: false },
  }));
  const port = await freePort();
  const server = new Server({
    Probot: Probot.defaults({
      appId: options.credentials.appId,
      privateKey: options.credentials.privateKey,
      secret: options.credentials.webhookSecret,
      baseUrl: options.githubBaseUrl,
      Octokit,
      log,
    }),
    port,
    host: "127.0.0.1",
    log,
  });
  // This harness is an entry point: it sets up the tracing SDK as the app's main does.
  const tracing = setUpTracing({ db: options.db, ...(options.env ? { env: options.env } : {}), flushMs: 200 });
  const orchestrator = createOrchestratorApp({
    settings: options.settings,
    db: options.db,
    providers: options.providers,
    tracing,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.workerIdleMs === undefined ? {} : { workerIdleMs: options.workerIdleMs }),
  });
  await server.load(orchestrator.appFn);
  await server.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    orchestrator,
    server,
    baseUrl,
    webhookUrl: `${baseUrl}/api/github/webhooks`,
    tracing,
    stop: async () => {
      await orchestrator.stop();
      await server.stop();
      await tracing.shutdown();
    },
  };
}
