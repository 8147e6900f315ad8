import { createHmac, randomUUID } from "node:crypto";
import type { GitHubSimulator } from "./github-simulator.js";
import type { SimChange } from "./sim-changes.js";
import type { SimRepo } from "./sim-model.js";
import { validateWebhookPayload } from "./webhook-schema.js";
import { payloadForChange } from "./payload-for-change.js";

export interface WebhookDeliveryRecord {
  readonly id: string;
  readonly appId: number;
  readonly event: string;
  readonly action: string | null;
  /** The app's HTTP status, or null when it could not be reached. */
  readonly status: number | null;
  readonly error: string | null;
  /** Problems of the payload against GitHub's webhook schemas: a simulator bug. */
  readonly payloadIssues: readonly string[];
  readonly durationMs: number;
  readonly redelivery: boolean;
}

interface Endpoint {
  readonly url: string;
  readonly secret: string;
}

/** Deliveries a scenario wants lost: the next `remaining` of `event` (and `action`, if given). */
interface DropRule {
  readonly event: string;
  readonly action: string | undefined;
  remaining: number;
}

/** The error a lost delivery is recorded with. */
export const droppedDeliveryError = "dropped by the scenario";

export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * Delivers webhooks the way GitHub does: one POST per event to each installed app subscribed to
 * it, signed with the app's secret, in the order the changes happened, with a 10 s timeout.
 */
export class WebhookDispatcher {
  readonly #sim: GitHubSimulator;
  readonly #endpoints = new Map<number, Endpoint>();
  readonly #records: WebhookDeliveryRecord[] = [];
  readonly #sent = new Map<string, { appId: number; event: string; body: string }>();
  readonly #drops: DropRule[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  readonly #onDelivery: ((record: WebhookDeliveryRecord) => void) | undefined;

  constructor(sim: GitHubSimulator, options: { onDelivery?: (record: WebhookDeliveryRecord) => void } = {}) {
    this.#sim = sim;
    this.#onDelivery = options.onDelivery;
    sim.onChange((change) => {
      this.#fanOut(change);
    });
  }

  connect(appId: number, endpoint: Endpoint): void {
    this.#endpoints.set(appId, endpoint);
  }

  deliveries(): readonly WebhookDeliveryRecord[] {
    return this.#records;
  }

  /**
   * Loses the next `count` deliveries of `event` (of `action`, when given), as when the app was
   * unreachable: GitHub records them as failed and never retries; "Redeliver" still can.
   */
  dropNext(event: string, action?: string, count = 1): void {
    if (!Number.isInteger(count) || count < 1) throw new Error(`dropNext needs a positive whole count, not ${count}.`);
    this.#drops.push({ event, action, remaining: count });
  }

  /** Resolves once every delivery queued so far has been answered. */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.#queue;
      await seen;
    } while (seen !== this.#queue);
  }

  /** Sends an event to one app; the simulator's changes use this, and tests may too. */
  deliver(appId: number, event: string, payload: Record<string, unknown>): Promise<WebhookDeliveryRecord> {
    const id = randomUUID();
    const body = JSON.stringify(payload);
    this.#sent.set(id, { appId, event, body });
    const issues = validateWebhookPayload(event, payload).map((i) => i.message);
    const action = typeof payload.action === "string" ? payload.action : null;
    return this.#enqueue(id, appId, event, action, body, issues, { redelivery: false, dropped: this.#takeDrop(event, action) });
  }

  /** Sends a delivery again with the same X-GitHub-Delivery, as "Redeliver" in GitHub's settings does. */
  redeliver(deliveryId: string): Promise<WebhookDeliveryRecord> {
    const sent = this.#sent.get(deliveryId);
    if (!sent) throw new Error(`No delivery ${deliveryId} to redeliver.`);
    const action = (JSON.parse(sent.body) as { action?: unknown }).action;
    return this.#enqueue(deliveryId, sent.appId, sent.event, typeof action === "string" ? action : null, sent.body, [], { redelivery: true, dropped: false });
  }

  /** Whether a drop rule claims this delivery; rules are used up in the order they were given. */
  #takeDrop(event: string, action: string | null): boolean {
    const index = this.#drops.findIndex((rule) => rule.event === event && (rule.action === undefined || rule.action === action));
    const rule = this.#drops[index];
    if (rule === undefined) return false;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.#drops.splice(index, 1);
    return true;
  }

  #fanOut(change: SimChange): void {
    for (const appId of this.#endpoints.keys()) {
      const app = this.#sim.world.apps.get(appId);
      const installation = this.#sim.world.installationFor(appId, ownerOf(change.repo));
      if (!app || !installation) continue;
      const built = payloadForChange(this.#sim.urls, this.#sim.world, change, installation);
      if (!built) continue;
      if (built.event !== "installation" && app.events.length > 0 && !app.events.includes(built.event)) continue;
      void this.deliver(appId, built.event, built.payload);
    }
  }

  #enqueue(
    id: string,
    appId: number,
    event: string,
    action: string | null,
    body: string,
    payloadIssues: string[],
    { redelivery, dropped }: { readonly redelivery: boolean; readonly dropped: boolean },
  ): Promise<WebhookDeliveryRecord> {
    const run = this.#queue.then(async () => {
      const endpoint = this.#endpoints.get(appId);
      const started = performance.now();
      let status: number | null = null;
      let error: string | null = null;
      if (dropped) {
        error = droppedDeliveryError;
      } else if (!endpoint) {
        error = `app ${appId} has no webhook endpoint`;
      } else {
        try {
          const response = await fetch(endpoint.url, {
            method: "POST",
            body,
            signal: AbortSignal.timeout(10_000),
            headers: {
              "content-type": "application/json",
              "user-agent": "GitHub-Hookshot/simulator",
              "x-github-event": event,
              "x-github-delivery": id,
              "x-github-hook-id": "1",
              "x-github-hook-installation-target-type": "integration",
              "x-github-hook-installation-target-id": String(appId),
              "x-hub-signature": `sha1=${createHmac("sha1", endpoint.secret).update(body).digest("hex")}`,
              "x-hub-signature-256": signPayload(endpoint.secret, body),
            },
          });
          status = response.status;
          await response.arrayBuffer();
        } catch (cause) {
          error = cause instanceof Error ? cause.message : String(cause);
        }
      }
      const record: WebhookDeliveryRecord = { id, appId, event, action, status, error, payloadIssues, durationMs: performance.now() - started, redelivery };
      this.#records.push(record);
      this.#onDelivery?.(record);
      return record;
    });
    this.#queue = run;
    return run;
  }
}

function ownerOf(repo: SimRepo): string {
  return repo.owner.login;
}
