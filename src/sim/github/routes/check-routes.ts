import { z } from "zod";
import { branchOf, latestRuns, runsOfSuite, settleSuite, suiteFor } from "../check-suites.js";
import type { SimAnnotation, SimCheckRun, SimRepo } from "../sim-model.js";
import { annotationView, checkRunView, checkSuiteView } from "../views/index.js";
import type { RouteContext, RouteHandler } from "./route-context.js";
import { intParam, notFound, paginate, param, requireRepo, SimHttpError, unprocessable } from "./route-context.js";

const conclusion = z.enum(["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required"]);
const annotation = z.object({
  path: z.string(),
  start_line: z.number().int(),
  end_line: z.number().int(),
  start_column: z.number().int().optional(),
  end_column: z.number().int().optional(),
  annotation_level: z.enum(["notice", "warning", "failure"]),
  message: z.string(),
  title: z.string().optional(),
  raw_details: z.string().optional(),
});
const output = z.object({ title: z.string().optional(), summary: z.string(), text: z.string().optional(), annotations: z.array(annotation).optional() });
const runFields = z.object({
  name: z.string().optional(),
  details_url: z.string().optional(),
  external_id: z.string().optional(),
  status: z.enum(["queued", "in_progress", "completed", "waiting", "requested", "pending"]).optional(),
  started_at: z.string().optional(),
  conclusion: conclusion.optional(),
  completed_at: z.string().optional(),
  output: output.optional(),
});
const createFields = runFields.extend({ name: z.string(), head_sha: z.string() });

/** GitHub's limits on check run output: 65535 characters a field, 50 annotations a request. */
function checkOutput(ctx: RouteContext, fields: z.infer<typeof runFields>): void {
  for (const key of ["summary", "text"] as const) {
    const value = fields.output?.[key];
    if (value !== undefined && value.length > 65_535) throw unprocessable(ctx, "CheckRun", `output.${key}`, "custom", `Only 65535 characters are allowed; ${value.length} were supplied.`);
  }
  if ((fields.output?.annotations?.length ?? 0) > 50) throw unprocessable(ctx, "CheckRun", "output.annotations", "custom", "Only 50 annotations are allowed per request.");
  if (fields.conclusion !== undefined && fields.status !== undefined && fields.status !== "completed") {
    throw unprocessable(ctx, "CheckRun", "conclusion", "custom", "Conclusion can only be set when the status is completed.");
  }
  if (fields.status === "completed" && fields.conclusion === undefined) throw unprocessable(ctx, "CheckRun", "conclusion", "missing_field");
}

function toAnnotation(a: z.infer<typeof annotation>): SimAnnotation {
  return {
    path: a.path,
    startLine: a.start_line,
    endLine: a.end_line,
    startColumn: a.start_column ?? null,
    endColumn: a.end_column ?? null,
    level: a.annotation_level,
    title: a.title ?? null,
    message: a.message,
    rawDetails: a.raw_details ?? null,
  };
}

function apply(ctx: RouteContext, run: SimCheckRun, fields: z.infer<typeof runFields>): void {
  if (fields.external_id !== undefined) run.externalId = fields.external_id;
  if (fields.details_url !== undefined) run.detailsUrl = fields.details_url;
  if (fields.output) {
    run.output = {
      title: fields.output.title ?? run.output.title,
      summary: fields.output.summary,
      text: fields.output.text ?? run.output.text,
      // GitHub adds each request's annotations to those the run already has.
      annotations: [...run.output.annotations, ...(fields.output.annotations ?? []).map(toAnnotation)],
    };
  }
  if (fields.conclusion !== undefined) {
    run.status = "completed";
    run.conclusion = fields.conclusion;
    run.completedAt = fields.completed_at ?? ctx.world.now();
  } else if (fields.status === "queued" || fields.status === "in_progress") {
    run.status = fields.status;
  }
}

function requireRun(ctx: RouteContext, repo: SimRepo): SimCheckRun {
  const run = repo.checkRuns.get(intParam(ctx, "check_run_id"));
  if (!run) throw notFound();
  return run;
}

/** `check_name` and `status` narrow a list; `filter=latest` (GitHub's default) keeps the most recent run of each check, `all` every run. */
function filterRuns(ctx: RouteContext, runs: readonly SimCheckRun[]): SimCheckRun[] {
  const name = ctx.query.get("check_name");
  const status = ctx.query.get("status");
  const matching = runs.filter((r) => (name === null || r.name === name) && (status === null || r.status === status));
  return ctx.query.get("filter") === "all" ? matching : latestRuns(matching);
}

function runsForRef(ctx: RouteContext, repo: SimRepo): SimCheckRun[] {
  const ref = param(ctx, "ref");
  const sha = repo.git.refs.get(`refs/heads/${ref}`) ?? ref;
  return filterRuns(ctx, [...repo.checkRuns.values()].filter((r) => r.headSha === sha));
}

export const checkRoutes: Record<string, RouteHandler> = {
  "checks/create": (ctx) => {
    const repo = requireRepo(ctx);
    const fields = createFields.parse(ctx.body);
    checkOutput(ctx, fields);
    if (repo.git.get(fields.head_sha)?.type !== "commit") throw unprocessable(ctx, "CheckRun", "head_sha", "invalid", "No commit found for SHA: " + fields.head_sha);
    const suite = suiteFor(ctx.world, repo, ctx.app.id, fields.head_sha, branchOf(repo, fields.head_sha));
    const run: SimCheckRun = {
      id: ctx.world.nextId(), suiteId: suite.id, appId: ctx.app.id, name: fields.name, headSha: fields.head_sha, status: "queued", conclusion: null,
      externalId: null, detailsUrl: null, startedAt: fields.started_at ?? ctx.world.now(), completedAt: null, output: { title: null, summary: null, text: null, annotations: [] },
    };
    apply(ctx, run, fields);
    repo.checkRuns.set(run.id, run);
    ctx.emit({ kind: "check_run", action: "created", repo, run, sender: ctx.app.bot });
    if (run.status === "completed") ctx.emit({ kind: "check_run", action: "completed", repo, run, sender: ctx.app.bot });
    settleSuite(ctx.world, repo, suite, ctx.app.bot, ctx.emit);
    return { status: 201, body: checkRunView(ctx.urls, repo, run, ctx.app) };
  },
  "checks/update": (ctx) => {
    const repo = requireRepo(ctx);
    const run = requireRun(ctx, repo);
    if (run.appId !== ctx.app.id) throw new SimHttpError(403, { message: `Invalid app_id \`${ctx.app.id}\` - check run can only be modified by the GitHub App that created it.`, documentation_url: ctx.documentationUrl, status: "403" });
    const fields = runFields.parse(ctx.body);
    checkOutput(ctx, fields);
    const wasCompleted = run.status === "completed";
    apply(ctx, run, fields);
    if (run.status === "completed" && !wasCompleted) ctx.emit({ kind: "check_run", action: "completed", repo, run, sender: ctx.app.bot });
    const suite = repo.checkSuites.get(run.suiteId);
    if (suite) settleSuite(ctx.world, repo, suite, ctx.app.bot, ctx.emit);
    return { status: 200, body: checkRunView(ctx.urls, repo, run, ctx.app) };
  },
  "checks/get": (ctx) => {
    const repo = requireRepo(ctx);
    const run = requireRun(ctx, repo);
    return { status: 200, body: checkRunView(ctx.urls, repo, run, ctx.world.app(run.appId)) };
  },
  "checks/list-for-ref": (ctx) => {
    const repo = requireRepo(ctx);
    const runs = runsForRef(ctx, repo);
    return { status: 200, body: { total_count: runs.length, check_runs: runs.map((r) => checkRunView(ctx.urls, repo, r, ctx.world.app(r.appId))) } };
  },
  "checks/list-for-suite": (ctx) => {
    const repo = requireRepo(ctx);
    const suite = repo.checkSuites.get(intParam(ctx, "check_suite_id"));
    if (!suite) throw notFound();
    const runs = filterRuns(ctx, runsOfSuite(repo, suite));
    return { status: 200, body: { total_count: runs.length, check_runs: runs.map((r) => checkRunView(ctx.urls, repo, r, ctx.world.app(r.appId))) } };
  },
  "checks/list-suites-for-ref": (ctx) => {
    const repo = requireRepo(ctx);
    const ref = param(ctx, "ref");
    const sha = repo.git.refs.get(`refs/heads/${ref}`) ?? ref;
    const suites = [...repo.checkSuites.values()].filter((s) => s.headSha === sha);
    return { status: 200, body: { total_count: suites.length, check_suites: suites.map((s) => checkSuiteView(ctx.urls, repo, s, ctx.world.app(s.appId))) } };
  },
  "checks/create-suite": (ctx) => {
    const repo = requireRepo(ctx);
    const { head_sha } = z.object({ head_sha: z.string() }).parse(ctx.body);
    const existed = [...repo.checkSuites.values()].some((s) => s.appId === ctx.app.id && s.headSha === head_sha);
    const suite = suiteFor(ctx.world, repo, ctx.app.id, head_sha, branchOf(repo, head_sha));
    return { status: existed ? 200 : 201, body: checkSuiteView(ctx.urls, repo, suite, ctx.app) };
  },
  "checks/list-annotations": (ctx) => {
    const repo = requireRepo(ctx);
    const run = requireRun(ctx, repo);
    return { status: 200, body: paginate(ctx, run.output.annotations).map((a) => annotationView(ctx.urls, repo, run, a)) };
  },
};
