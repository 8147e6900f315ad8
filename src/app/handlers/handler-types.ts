import type { Settings } from "../../config/settings.js";
import type { Db } from "../../store/open-database.js";
import type { NewJob } from "../../store/jobs.js";

export interface HandlerContext {
  readonly db: Db;
  readonly now: number;
  readonly deliveryId: string;
  readonly settings: Pick<Settings, "label" | "appId"> & { readonly appSlug?: string };
}

/** What a handler decided: recorded as the delivery's outcome, with at most one job to run. */
export interface Decision {
  readonly outcome: string;
  readonly job?: NewJob;
}

/** Handlers are pure decisions over the payload and the store: no network, no waiting. */
export type WebhookHandler = (payload: unknown, context: HandlerContext) => Decision;
