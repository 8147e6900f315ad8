import type { ActionsJob, WorkflowSuite } from "../actions-jobs.js";
import { findJob, findWorkflowRun, jobsOfRun, rerunJobs, workflowRunBusy } from "../actions-jobs.js";
import { latestRuns } from "../check-suites.js";
import { jobLogUrl } from "../job-logs.js";
import type { SimRepo } from "../sim-model.js";
import { jobView, workflowRunView } from "../views/index.js";
import type { RouteContext, RouteHandler } from "./route-context.js";
import { intParam, notFound, paginate, requireRepo, SimHttpError } from "./route-context.js";

/** Only GitHub Actions' check runs are jobs; any other id, an app's own check run included, is 404. */
function requireJob(ctx: RouteContext, repo: SimRepo): ActionsJob {
  const job = findJob(repo, intParam(ctx, "job_id"));
  if (!job) throw notFound();
  return job;
}

function requireWorkflowRun(ctx: RouteContext, repo: SimRepo): WorkflowSuite {
  const suite = findWorkflowRun(repo, intParam(ctx, "run_id"));
  if (!suite) throw notFound();
  return suite;
}

/** GitHub refuses to re-run any job of a workflow run while one of its jobs is still going. */
function refuseWhileBusy(ctx: RouteContext, repo: SimRepo, suite: WorkflowSuite): void {
  if (workflowRunBusy(repo, suite)) throw new SimHttpError(403, { message: "This workflow is already running", documentation_url: ctx.documentationUrl, status: "403" });
}

export const actionsRoutes: Record<string, RouteHandler> = {
  "actions/get-job-for-workflow-run": (ctx) => {
    const repo = requireRepo(ctx);
    const { run, suite } = requireJob(ctx, repo);
    return { status: 200, body: jobView(ctx.urls, repo, suite, run) };
  },
  /** A redirect to the plain-text log; GitHub has none to give until the job has completed. */
  "actions/download-job-logs-for-workflow-run": (ctx) => {
    const repo = requireRepo(ctx);
    const { run } = requireJob(ctx, repo);
    if (run.job.log === null) throw notFound();
    return { status: 302, headers: { location: jobLogUrl(ctx.urls, repo, run.id) } };
  },
  "actions/re-run-job-for-workflow-run": (ctx) => {
    const repo = requireRepo(ctx);
    const { run, suite } = requireJob(ctx, repo);
    refuseWhileBusy(ctx, repo, suite);
    rerunJobs(ctx.world, repo, suite, [run], ctx.emit);
    return { status: 201, body: {} };
  },
  "actions/re-run-workflow-failed-jobs": (ctx) => {
    const repo = requireRepo(ctx);
    const suite = requireWorkflowRun(ctx, repo);
    refuseWhileBusy(ctx, repo, suite);
    const failed = latestRuns(jobsOfRun(repo, suite)).filter((r) => r.conclusion !== "success" && r.conclusion !== "skipped" && r.conclusion !== "neutral");
    rerunJobs(ctx.world, repo, suite, failed, ctx.emit);
    return { status: 201, body: {} };
  },
  "actions/get-workflow-run": (ctx) => {
    const repo = requireRepo(ctx);
    return { status: 200, body: workflowRunView(ctx.urls, repo, requireWorkflowRun(ctx, repo)) };
  },
  /** `filter=latest` (the default) lists the latest job of each name, `all` every attempt's. */
  "actions/list-jobs-for-workflow-run": (ctx) => {
    const repo = requireRepo(ctx);
    const suite = requireWorkflowRun(ctx, repo);
    const jobs = jobsOfRun(repo, suite);
    const listed = ctx.query.get("filter") === "all" ? jobs : latestRuns(jobs);
    return { status: 200, body: { total_count: listed.length, jobs: paginate(ctx, listed).map((run) => jobView(ctx.urls, repo, suite, run)) } };
  },
};
