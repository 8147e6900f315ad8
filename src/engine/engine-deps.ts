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
  /** A gateway authenticated as the app's installation; its requests are spans under `tracing`'s scope. */
  readonly github: (installationId: number) => Promise<GitHubGateway>;
  /** The host's gateway factory, for scoping `github` to another span (`withTracing`). */
  readonly openGitHub: GitHubFactory;
  /** `publicUrl` and `github` make the dashboard's links; hosts without them (tests, the bench) get none. */
  readonly settings: Pick<Settings, "label" | "model" | "contextTokens" | "appId" | "appSlug"> & Partial<Pick<Settings, "publicUrl" | "github">>;
  readonly log: WorkerLog;
  readonly snapshots: SnapshotCache;
  /** Each task's repository context by base commit: every phase shows the agents the same text, built once. */
  readonly contexts: RecentCache<RepoContext>;
  /** Spans for phases and model calls, scoped to the span of the work at hand (see `withTracing`). */
  readonly tracing: Tracing;
}

/** Makes a gateway for an installation whose requests become spans under the given scope. */
export type GitHubFactory = (installationId: number, tracing: Tracing) => Promise<GitHubGateway>;

/** The same dependencies, with spans (model calls, GitHub requests, phases) made under `tracing`'s span. */
export function withTracing(deps: EngineDeps, tracing: Tracing): EngineDeps {
  return { ...deps, tracing, github: (installationId) => deps.openGitHub(installationId, tracing) };
}

/** The name of the check run that is each task's dashboard. */
export const dashboardCheckName = "Orchestrator";

/** Builds the engine's dependencies from the parts a host (the app, a test, the bench) supplies. */
export function createEngineDeps(parts: {
  readonly db: Db;
  readonly clock: Clock;
  readonly catalog: ModelCatalog;
  readonly providers: readonly LlmClient[];
  readonly github: GitHubFactory;
  readonly settings: EngineDeps["settings"] & { readonly circuit?: CircuitOptions };
  readonly log: WorkerLog;
  readonly onCircuitChange?: (change: CircuitChange) => void;
  readonly tracing?: Tracing;
}): EngineDeps {
  const tracing = parts.tracing ?? new Tracing();
  return {
    db: parts.db,
    clock: parts.clock,
    catalog: parts.catalog,
    providers: new Map(parts.providers.map((client) => [client.provider, client])),
    router: new Router({ catalog: parts.catalog, providers: parts.providers.map((c) => c.provider), defaultModel: parts.settings.model }),
    breakers: new CircuitBreakers(parts.clock, parts.settings.circuit ?? defaultCircuitOptions, parts.onCircuitChange),
    redactors: { secrets: new RequestRedactor(), secretsAndEmails: new RequestRedactor({ emails: true }) },
    github: (installationId) => parts.github(installationId, tracing),
    openGitHub: parts.github,
    settings: parts.settings,
    log: parts.log,
    snapshots: new SnapshotCache(),
    contexts: new RecentCache(32),
    tracing,
  };
}
