import { ProbotOctokit } from "probot";
import { requestRetry } from "../github/request-retry.js";

/**
 * Probot's Octokit with its retry plugin swapped for `requestRetry`: the same retry policy, minus
 * the Bottleneck limiter the plugin puts around every request (about 5 ms of timer ticks per
 * request, failed or not: over half of the engine's time per task against the simulated GitHub).
 * `npm start` and the scenario harness both build Probot with it. One visible difference: added
 * after Probot's own plugins, the retry wraps their hooks, so Probot's debug log of requests has a
 * line for each attempt of a retried request instead of one for the last.
 */
export const AppOctokit = ProbotOctokit.plugin(requestRetry()).defaults({ retry: { enabled: false } });
