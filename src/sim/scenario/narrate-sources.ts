import type { Db } from "../../store/open-database.js";
import { formatCount } from "../../telemetry/format.js";
import type { CiSimEvent } from "../ci/ci-simulator.js";
import type { SimChange } from "../github/sim-changes.js";
import type { SimPull } from "../github/sim-model.js";
import type { WebhookDeliveryRecord } from "../github/webhook-dispatcher.js";
import type { LlmSimEvent } from "../llm/sim-events.js";
import type { Narrate } from "./narrator.js";

const PULL_VERBS: Record<Extract<SimChange, { kind: "pull_request" }>["action"], (pull: SimPull) => string> = {
  opened: () => "opens",
  closed: (pull) => (pull.mergedAt ? "merges" : "closes"),
  synchronize: () => "pushes to",
  ready_for_review: () => "marks ready for review",
};

/** What people do, and what the app does that a person would notice on GitHub. */
export function narrateSimChange(narrate: Narrate, botLogin: string): (change: SimChange) => void {
  return (change) => {
    const who = change.sender.login === botLogin ? "app" : change.sender.login;
    switch (change.kind) {
      case "issues.labeled":
        narrate(who, `adds the label '${change.label.name}' to issue #${change.issue.number}`);
        break;
      case "issues.unlabeled":
        narrate(who, `removes the label '${change.label.name}' from issue #${change.issue.number}`);
        break;
      case "issues.closed":
        narrate(who, `closes issue #${change.issue.number}`);
        break;
      case "issues.edited":
        narrate(who, `edits the ${[change.changes.title ? "title" : "", change.changes.body ? "description" : ""].filter(Boolean).join(" and ")} of issue #${change.issue.number}`);
        break;
      case "issue_comment.created":
        narrate(who, `comments on #${change.issue.number}: "${firstLine(change.comment.body)}"`);
        break;
      case "pull_request":
        narrate(who, `${PULL_VERBS[change.action](change.pull)} pull request #${change.pull.number} "${change.pull.title}" (${change.pull.headRef} @ ${change.pull.headSha.slice(0, 7)})`);
        break;
      case "pull_request_review.submitted":
        narrate(who, `reviews pull request #${change.pull.number}: ${change.review.state.toLowerCase().replace("_", " ")}${change.review.body ? ` — "${firstLine(change.review.body)}"` : ""}`);
        break;
      case "pull_request_review_comment.created":
        narrate(who, `${change.comment.inReplyTo === null ? "comments on" : "replies on"} ${change.comment.path}:${change.comment.line} of #${change.pull.number}: "${firstLine(change.comment.body)}"`);
        break;
      case "check_run":
        if (change.sender.login === botLogin) narrate(who, `${change.action === "created" ? "creates" : "completes"} its check run '${change.run.name}' on ${change.run.headSha.slice(0, 7)}`);
        break;
      case "push":
        narrate(who, `pushes ${change.after.slice(0, 7)} to ${change.ref.replace("refs/heads/", "")}`);
        break;
      case "check_suite.completed":
        break;
    }
  };
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "" && !l.startsWith("<!--")) ?? "";
  return line.length > 90 ? `${line.slice(0, 87)}…` : line;
}

export function narrateDelivery(narrate: Narrate): (record: WebhookDeliveryRecord) => void {
  return (record) => {
    const answer = record.status === null ? `failed: ${record.error ?? "no answer"}` : `answered ${record.status} in ${record.durationMs.toFixed(1)} ms`;
    narrate("github", `${record.redelivery ? "redelivers" : "delivers"} webhook ${record.event}${record.action ? `.${record.action}` : ""} (${record.id.slice(0, 8)}) → app ${answer}`);
  };
}

export function narrateLlm(narrate: Narrate): (event: LlmSimEvent) => void {
  return (event) => {
    if (event.type === "replied") {
      const u = event.usage;
      narrate("model", `${event.provider}/${event.model} answers (scripted reply ${event.replyId}): ${formatCount(u.inputTokens)} input, ${formatCount(u.cacheReadTokens)} cache read, ${formatCount(u.cacheWriteTokens)} cache write, ${formatCount(u.outputTokens)} output tokens`);
    } else if (event.type === "fault_injected") {
      narrate("model", `injects a fault: ${event.fault}${event.status === undefined ? "" : ` (HTTP ${event.status})`}`);
    } else if (event.type === "rejected" || event.type === "unmatched") {
      narrate("model", `refuses a request: ${event.type === "rejected" ? event.reason : event.message}`);
    } else if (event.type === "leak_detected") {
      narrate("model", `LEAK: a request contained ${event.strings.join(", ")}`);
    }
  };
}

export function narrateCi(narrate: Narrate): (event: CiSimEvent) => void {
  return (event) => {
    if (event.kind === "started") narrate("ci", `starts ${event.checks.join(", ")} on ${event.sha.slice(0, 7)}`);
    else narrate("ci", `check '${event.name}' on ${event.sha.slice(0, 7)}: ${event.conclusion}`);
  };
}

/** Reads the app's event log as it grows, so the story shows the engine's decisions in order. */
export class TaskEventFollower {
  readonly #db: Db;
  readonly #narrate: Narrate;
  readonly #timer: NodeJS.Timeout;
  #lastId = 0;

  constructor(db: Db, narrate: Narrate) {
    this.#db = db;
    this.#narrate = narrate;
    this.#timer = setInterval(() => {
      this.poll();
    }, 25);
    this.#timer.unref();
  }

  poll(): void {
    const rows = this.#db
      .prepare<[number], { id: number; task_id: number; kind: string; from_state: string | null; to_state: string | null; detail: string }>(
        "SELECT id, task_id, kind, from_state, to_state, detail FROM task_events WHERE id > ? ORDER BY id",
      )
      .all(this.#lastId);
    for (const row of rows) {
      this.#lastId = row.id;
      const detail = JSON.parse(row.detail) as Record<string, unknown>;
      if (row.kind === "created") {
        this.#narrate("app", `task ${row.task_id} created: @${String(detail.requestedBy)} has ${String(detail.permission)} access, so the label counts`);
      } else if (row.kind === "model_call") {
        this.#narrate("app", `task ${row.task_id}: ${String(detail.role)} call recorded, $${Number(detail.costUsd).toFixed(4)}, ${String(detail.durationMs)} ms`);
      } else if (row.kind === "route") {
        const chain = Array.isArray(detail.chain) ? detail.chain.map(String) : [];
        const fallbacks = chain.length > 1 ? `, then ${chain.slice(1).join(", ")}` : "";
        this.#narrate("app", `task ${row.task_id}: routes the ${String(detail.role)} to ${chain[0] ?? "?"}${fallbacks} (risk ${String(detail.risk)})`);
      } else if (row.kind === "fallback") {
        const passed = Array.isArray(detail.passedOver) ? detail.passedOver.map(String) : [];
        this.#narrate("app", `task ${row.task_id}: the ${String(detail.role)} fell back to ${String(detail.used)} after ${passed.join("; ")}`);
      } else if (row.to_state) {
        this.#narrate("app", `task ${row.task_id}: ${row.from_state ?? "new"} → ${row.to_state} (${row.kind})`);
      } else {
        this.#narrate("app", `task ${row.task_id}: ${row.kind.replace(/_/g, " ")}`);
      }
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
