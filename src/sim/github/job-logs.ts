import { findJob } from "./actions-jobs.js";
import type { SimRepo, SimUrls } from "./sim-model.js";
import type { SimWorld } from "./sim-world.js";

/**
 * Where a job's log is served. GitHub answers the logs endpoint with a redirect to a short-lived
 * signed URL on its blob storage, fetched without the API's credentials; here the simulator's own
 * server plays that host, under a path no REST operation uses.
 */
const prefix = "/_actions-logs/";

/** The log's name in the request log: a download from the log host, not a REST call. */
export const jobLogOperation = "actions-logs/download";

export function isJobLogPath(pathname: string): boolean {
  return pathname.startsWith(prefix);
}

export function jobLogUrl(urls: SimUrls, repo: SimRepo, jobId: number): string {
  return `${urls.api}${prefix}${encodeURIComponent(repo.owner.login)}/${encodeURIComponent(repo.name)}/jobs/${jobId}`;
}

/** The plain-text log at a path made by `jobLogUrl`, or undefined when there is none (yet). */
export function jobLogAt(world: SimWorld, pathname: string): string | undefined {
  let parts: string[];
  try {
    parts = pathname.slice(prefix.length).split("/").map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [owner = "", name = "", jobs, id = ""] = parts;
  const repo = world.repo(owner, name);
  if (!repo || jobs !== "jobs" || !/^\d+$/.test(id)) return undefined;
  return findJob(repo, Number(id))?.run.job.log ?? undefined;
}
