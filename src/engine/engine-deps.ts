import type { Settings } from "../config/settings.js";
import type { GitHubGateway } from "../github/github-gateway.js";
import type { LlmClient } from "../llm/llm-client.js";
import type { ModelCatalog } from "../llm/model-catalog.js";
import type { Db } from "../store/open-database.js";
import type { Clock } from "./clock.js";
import type { SnapshotCache } from "./snapshot-cache.js";
import type { WorkerLog } from "./worker.js";

/** What the engine is built from: every external system behind an interface, handed in once. */
export interface EngineDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly catalog: ModelCatalog;
  readonly llm: LlmClient;
  /** A gateway authenticated as the app's installation. */
  readonly github: (installationId: number) => Promise<GitHubGateway>;
  readonly settings: Pick<Settings, "label" | "model" | "contextTokens" | "appId">;
  readonly log: WorkerLog;
  readonly snapshots: SnapshotCache;
}

/** The name of the check run that is each task's dashboard. */
export const dashboardCheckName = "Orchestrator";
