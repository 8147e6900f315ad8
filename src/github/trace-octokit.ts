import type { Tracing } from "../telemetry/tracing.js";

/** The part of Octokit's hook API that tracing uses. */
interface HookedOctokit {
  readonly hook: {
    wrap(
      name: "request",
      wrapper: (request: (options: Record<string, unknown>) => Promise<{ status: number; headers: Record<string, unknown> }>, options: Record<string, unknown>) => Promise<unknown>,
    ): void;
  };
}

const traced = new WeakSet<object>();

function statusOf(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null || !("status" in value)) return undefined;
  return typeof value.status === "number" ? value.status : undefined;
}

/**
 * Makes every request of this Octokit (REST and GraphQL, retries included) a span named by its
 * route template, e.g. `GitHub GET /repos/{owner}/{repo}/pulls`, with the method, the status and
 * GitHub's request id. An Octokit is wrapped once, however often it is handed in.
 */
export function traceOctokit<O extends object>(octokit: O, tracing: Tracing): O {
  if (traced.has(octokit) || !("hook" in octokit)) return octokit;
  traced.add(octokit);
  (octokit as unknown as HookedOctokit).hook.wrap("request", (request, options) => {
    const method = typeof options.method === "string" ? options.method : "GET";
    const route = typeof options.url === "string" ? options.url : "?";
    const repo = typeof options.owner === "string" && typeof options.repo === "string" ? `${options.owner}/${options.repo}` : undefined;
    return tracing.instrument(`GitHub ${method} ${route}`, "github", { "http.request.method": method, "url.template": route, ...(repo ? { "orchestrator.github.repo": repo } : {}) }, async (span) => {
      try {
        const response = await request(options);
        span.setAttribute("http.response.status_code", response.status);
        const requestId = response.headers["x-github-request-id"];
        if (typeof requestId === "string") span.setAttribute("github.request_id", requestId);
        return response;
      } catch (error) {
        const status = statusOf(error);
        if (status !== undefined) span.setAttribute("http.response.status_code", status);
        throw error;
      }
    });
  });
  return octokit;
}
