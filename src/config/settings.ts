import { z } from "zod";

/**
 * The app's own settings, from the environment (and `.env`, which Probot loads). Probot reads its
 * own variables (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, PORT, …); these are Orchestrator's.
 * Repository behaviour belongs in `.github/orchestrator.yml`, never here.
 */
const envSchema = z.object({
  DATABASE_PATH: z.string().min(1).default(".orchestrator/orchestrator.db"),
  ORCHESTRATOR_LABEL: z.string().trim().min(1).max(50).default("orchestrator"),
  /** The default authoring model: provider/model or a catalog id. */
  ORCHESTRATOR_MODEL: z.string().min(1).default("claude-sonnet-5-5"),
  ORCHESTRATOR_CONTEXT_TOKENS: z.coerce.number().int().min(1000).max(1_000_000).default(60_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  WORKER_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  ORCHESTRATOR_WORKER: z.enum(["on", "off"]).default("on"),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  ORCHESTRATOR_MODEL_CATALOG: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  ORCHESTRATOR_CIRCUIT_FAILURES: z.coerce.number().int().min(1).max(100).default(3),
  ORCHESTRATOR_CIRCUIT_COOLDOWN_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  APP_ID: z.coerce.number().int().positive().optional(),
  ORCHESTRATOR_APP_SLUG: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).max(100).default("orchestrator"),
  ORCHESTRATOR_RECONCILE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  ORCHESTRATOR_PUBLIC_URL: z.url().optional(),
  ORCHESTRATOR_DASHBOARD_TOKEN: z.string().min(24).optional(),
  ORCHESTRATOR_DASHBOARD_USERS: z.string().optional(),
  ORCHESTRATOR_METRICS_TOKEN: z.string().min(24).optional(),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  ORCHESTRATOR_GITHUB_URL: z.url().default("https://github.com"),
  GHE_HOST: z.string().min(1).optional(),
  GHE_PROTOCOL: z.enum(["http", "https"]).default("https"),
  ORCHESTRATOR_ALERT_FAILURE_RATE: z.coerce.number().gt(0).max(1).default(0.5),
  ORCHESTRATOR_ALERT_WINDOW_MINUTES: z.coerce.number().int().min(5).max(10_080).default(60),
  ORCHESTRATOR_ALERT_MIN_TASKS: z.coerce.number().int().min(1).max(1000).default(4),
});

export interface Settings {
  readonly databasePath: string;
  /** The label that asks for work. */
  readonly label: string;
  readonly model: string;
  readonly contextTokens: number;
  readonly workerConcurrency: number;
  /** How long a job stays claimed without a heartbeat; after a crash, its job runs again once this passes. */
  readonly workerLeaseMs: number;
  /** Off: this process only receives webhooks; another process sharing the database runs the jobs. */
  readonly runWorker: boolean;
  readonly anthropic: { readonly apiKey: string | undefined; readonly baseUrl: string | undefined };
  /** OpenAI, or any OpenAI-compatible endpoint (Ollama, vLLM, Gemini, OpenRouter) by its base URL. */
  readonly openai: { readonly apiKey: string | undefined; readonly baseUrl: string | undefined };
  /** A JSON file of models added to the built-in catalog (self-hosted models, negotiated prices). */
  readonly modelCatalogPath: string | undefined;
  /** A provider's circuit opens after this many consecutive failures and lets one probe through after the cool-down. */
  readonly circuit: { readonly failureThreshold: number; readonly coolDownMs: number };
  /** Our own GitHub App id: check suites and runs from it are ours, not CI. */
  readonly appId: number | undefined;
  /** The app's slug: `@slug` in a comment or review mentions it. */
  readonly appSlug: string;
  /** How often tasks waiting on CI or reviews are checked against GitHub (missed webhooks); 0 turns it off but for start-up. */
  readonly reconcileMs: number;
  /** Where people reach this app (https://orchestrator.example.com): links to the dashboard, GitHub sign-in's callback. */
  readonly publicUrl: string | undefined;
  readonly dashboard: {
    /** A shared secret that opens the dashboard (as a bearer token, or typed into its sign-in page). */
    readonly token: string | undefined;
    /** GitHub logins allowed in through "Sign in with GitHub" (the app's OAuth client id and secret). */
    readonly users: readonly string[];
    readonly githubClientId: string | undefined;
    readonly githubClientSecret: string | undefined;
  };
  /** When set, /metrics asks for it as a bearer token; unset, /metrics is open (it holds no repository names). */
  readonly metricsToken: string | undefined;
  /** GitHub's web address (sign-in) and its REST API's, github.com or GitHub Enterprise Server's (GHE_HOST). */
  readonly github: { readonly webUrl: string; readonly apiUrl: string };
  /** App-wide alerts: a failure rate over a window of finished tasks. */
  readonly alerts: { readonly failureRate: number; readonly windowMs: number; readonly minTasks: number };
}

export class SettingsError extends Error {
  override readonly name = "SettingsError";
}

const hints: Partial<Record<keyof z.infer<typeof envSchema>, string>> = {
  ORCHESTRATOR_LABEL: "a GitHub label name, e.g. ORCHESTRATOR_LABEL=orchestrator",
  ORCHESTRATOR_CONTEXT_TOKENS: "a whole number of tokens between 1000 and 1000000, e.g. 60000",
  WORKER_CONCURRENCY: "a whole number from 1 to 64, e.g. WORKER_CONCURRENCY=4",
  WORKER_LEASE_SECONDS: "a whole number of seconds from 1 to 3600, e.g. WORKER_LEASE_SECONDS=300",
  ORCHESTRATOR_WORKER: "on (receive webhooks and run jobs) or off (receive webhooks only)",
  ANTHROPIC_BASE_URL: "a URL such as https://api.anthropic.com, or leave it unset",
  OPENAI_BASE_URL: "a URL such as https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama), or leave it unset",
  ORCHESTRATOR_CIRCUIT_FAILURES: "a whole number from 1 to 100, e.g. 3",
  ORCHESTRATOR_CIRCUIT_COOLDOWN_SECONDS: "a whole number of seconds from 1 to 3600, e.g. 60",
  APP_ID: "your GitHub App's numeric id, from its settings page",
  ORCHESTRATOR_APP_SLUG: "your GitHub App's slug (lowercase letters, digits and dashes, as in github.com/apps/<slug>)",
  ORCHESTRATOR_RECONCILE_SECONDS: "a whole number of seconds from 0 (start-up only) to 86400, e.g. 300",
  ORCHESTRATOR_PUBLIC_URL: "the app's address as people reach it, e.g. https://orchestrator.example.com",
  ORCHESTRATOR_DASHBOARD_TOKEN: "a random secret of at least 24 characters, e.g. from `openssl rand -hex 32`",
  ORCHESTRATOR_METRICS_TOKEN: "a random secret of at least 24 characters, e.g. from `openssl rand -hex 32`",
  ORCHESTRATOR_GITHUB_URL: "GitHub's web address, https://github.com (for GitHub Enterprise Server, GHE_HOST sets it)",
  ORCHESTRATOR_ALERT_FAILURE_RATE: "a share above 0 and at most 1, e.g. 0.5 for half of the tasks",
  ORCHESTRATOR_ALERT_WINDOW_MINUTES: "a whole number of minutes from 5 to 10080, e.g. 60",
  ORCHESTRATOR_ALERT_MIN_TASKS: "a whole number from 1 to 1000, e.g. 4",
};

/** github.com's API is on its own host; GitHub Enterprise Server serves it under /api/v3 of its web address. */
function githubUrls(web: string): { webUrl: string; apiUrl: string } {
  const webUrl = web.replace(/\/+$/, "");
  return { webUrl, apiUrl: new URL(webUrl).hostname === "github.com" ? "https://api.github.com" : `${webUrl}/api/v3` };
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== "")),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]) as keyof typeof hints;
      return `- ${key}: ${issue.message}${hints[key] ? `; expected ${hints[key]}` : ""}`;
    });
    throw new SettingsError(`Invalid settings in the environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.ORCHESTRATOR_DASHBOARD_USERS?.trim()) {
    const missing = [
      ...(e.GITHUB_CLIENT_ID ? [] : ["GITHUB_CLIENT_ID"]),
      ...(e.GITHUB_CLIENT_SECRET ? [] : ["GITHUB_CLIENT_SECRET"]),
      ...(e.ORCHESTRATOR_PUBLIC_URL ? [] : ["ORCHESTRATOR_PUBLIC_URL"]),
    ];
    if (missing.length > 0) {
      throw new SettingsError(`Invalid settings in the environment:\n- ORCHESTRATOR_DASHBOARD_USERS asks for GitHub sign-in on the dashboard, which also needs ${missing.join(", ")} (the App's OAuth client id and secret from its settings page, and the address GitHub sends people back to).`);
    }
  }
  return {
    databasePath: e.DATABASE_PATH,
    label: e.ORCHESTRATOR_LABEL,
    model: e.ORCHESTRATOR_MODEL,
    contextTokens: e.ORCHESTRATOR_CONTEXT_TOKENS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerLeaseMs: e.WORKER_LEASE_SECONDS * 1000,
    runWorker: e.ORCHESTRATOR_WORKER === "on",
    anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL },
    openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL },
    modelCatalogPath: e.ORCHESTRATOR_MODEL_CATALOG,
    circuit: { failureThreshold: e.ORCHESTRATOR_CIRCUIT_FAILURES, coolDownMs: e.ORCHESTRATOR_CIRCUIT_COOLDOWN_SECONDS * 1000 },
    appId: e.APP_ID,
    appSlug: e.ORCHESTRATOR_APP_SLUG,
    reconcileMs: e.ORCHESTRATOR_RECONCILE_SECONDS * 1000,
    publicUrl: e.ORCHESTRATOR_PUBLIC_URL?.replace(/\/+$/, ""),
    dashboard: {
      token: e.ORCHESTRATOR_DASHBOARD_TOKEN,
      users: (e.ORCHESTRATOR_DASHBOARD_USERS ?? "").split(",").map((u) => u.trim()).filter((u) => u !== ""),
      githubClientId: e.GITHUB_CLIENT_ID,
      githubClientSecret: e.GITHUB_CLIENT_SECRET,
    },
    metricsToken: e.ORCHESTRATOR_METRICS_TOKEN,
    github: e.GHE_HOST
      ? { webUrl: `${e.GHE_PROTOCOL}://${e.GHE_HOST}`, apiUrl: `${e.GHE_PROTOCOL}://${e.GHE_HOST}/api/v3` }
      : githubUrls(e.ORCHESTRATOR_GITHUB_URL),
    alerts: { failureRate: e.ORCHESTRATOR_ALERT_FAILURE_RATE, windowMs: e.ORCHESTRATOR_ALERT_WINDOW_MINUTES * 60_000, minTasks: e.ORCHESTRATOR_ALERT_MIN_TASKS },
  };
}
