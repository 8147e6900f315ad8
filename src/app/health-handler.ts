import type { IncomingMessage, ServerResponse } from "node:http";
import { countJobs } from "../store/jobs.js";
import type { Db } from "../store/open-database.js";

/**
 * `GET /healthz`: 200 when the database answers, with the queue's depth; 503 when it does not, so
 * a load balancer stops sending webhooks to an instance that could not persist them.
 */
export function createHealthHandler(
  db: Db,
  workerRunning: () => boolean,
  onError: (error: unknown) => void = () => undefined,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/healthz") return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    let body: Record<string, unknown>;
    let status = 200;
    try {
      body = { status: "ok", database: "ok", worker: workerRunning() ? "running" : "stopped", queue: { pending: countJobs(db, "pending"), dead: countJobs(db, "dead") } };
    } catch (error) {
      // The reason goes to the logs, not the answer: this endpoint is public.
      onError(error);
      status = 503;
      body = { status: "unavailable", database: "unreachable" };
    }
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : JSON.stringify(body));
    return true;
  };
}
