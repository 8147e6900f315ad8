import type { Settings } from "../config/settings.js";
import type { GitHubGateway } from "../github/github-gateway.js";
import type { LlmClient } from "../llm/llm-client.js";
import type { ModelCatalog } from "../llm/model-catalog.js";
import { Router } from "../llm/router.js";
import type { Db } from "../store/open-database.js";
import { RequestRedactor } from "../security/redact-request.js";
import type { CircuitChange, CircuitOptions } from "./circuit-breaker.js";
import { CircuitBreakers, defaultCircuitOptions } from "./circuit-breaker.js";
import type { Clock } from "./clock.js";
import { SnapshotCache } from "./snapshot-cache.js";
import { RecentCache } from "./recent-cache.js";
import type { RepoContext } from "../agents/prompt-context.js";
import type { WorkerLog } from "./worker.js";
import { Tracing } from "../telemetry/tracing.js";

/** What the engine is built from: every external system behind an interface, handed in once. */
export interface EngineDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly catalog: ModelCatalog;
  /** One client per provider the app holds a key for, by provider name. */
  readonly providers: ReadonlyMap<string, LlmClient>;
  readonly router: Router;
  readonly breakers: CircuitBreakers;
  /** Redactors for requests to models, with and without e-mail masking; each remembers its recent long texts. */
  readonly redactors: { readonly secrets: RequestRedactor; readonly secretsAndEmails: RequestRedactor };
  /** A gateway authenticated as the app's installation. */
  readonly github: (installationId: number) => Promise<GitHubGateway>;
  /** `publicUrl` and `github` make the dashboard's links; hosts without them (tests, the bench) get none. */
  readonly settings: Pick<Settings, "label" | "model" | "contextTokens" | "appId" | "appSlug"> & Partial<Pick<Settings, "publicUrl" | "github">>;
  readonly log: WorkerLog;
  readonly snapshots: SnapshotCache;
  /** Each task's repository context by base commit: every phase shows the agents the same text, built once. */
  readonly contexts: RecentCache<RepoContext>;
  /** Spans for phases and model calls (GitHub requests are traced by the gateway's Octokit). */
  readonly tracing: Tracing;
}

/** The name of the check run that is each task's dashboard. */
export const dashboardCheckName = "Orchestrator";

/** Builds the engine's dependencies from the parts a host (the app, a test, the bench) supplies. */
export function createEngineDeps(parts: {
  readonly db: Db;
  readonly clock: Clock;
  readonly catalog: ModelCatalog;
  readonly providers: readonly LlmClient[];
  readonly github: (installationId: number) => Promise<GitHubGateway>;
  readonly settings: EngineDeps["settings"] & { readonly circuit?: CircuitOptions };
  readonly log: WorkerLog;
  readonly onCircuitChange?: (change: CircuitChange) => void;
  readonly tracing?: Tracing;
}): EngineDeps {
  return {
    db: parts.db,
    clock: parts.clock,
    catalog: parts.catalog,
    providers: new Map(parts.providers.map((client) => [client.provider, client])),
    router: new Router({ catalog: parts.catalog, providers: parts.providers.map((c) => c.provider), defaultModel: parts.settings.model }),
    breakers: new CircuitBreakers(parts.clock, parts.settings.circuit ?? defaultCircuitOptions, parts.onCircuitChange),
    redactors: { secrets: new RequestRedactor(), secretsAndEmails: new RequestRedactor({ emails: true }) },
    github: parts.github,
    settings: parts.settings,
    log: parts.log,
    snapshots: new SnapshotCache(),
    contexts: new RecentCache(32),
    tracing: parts.tracing ?? new Tracing(),
  };
}
