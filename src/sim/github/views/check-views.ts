import type { JobCheckRun, WorkflowSuite } from "../actions-jobs.js";
import { isJob, isWorkflowSuite } from "../actions-jobs.js";
import { latestRuns, runsOfSuite } from "../check-suites.js";
import type { SimAnnotation, SimApp, SimCheckRun, SimCheckSuite, SimPull, SimRepo, SimUrls } from "../sim-model.js";
import { appHomepage, integrationView } from "./app-views.js";
import { readCommit } from "./read-git-object.js";
import { repositoryView } from "./repo-views.js";
import { encodePath, isoSeconds, nodeId, repoApiUrl, repoWebUrl } from "./view-urls.js";

/** `simple-commit` (a check suite's head_commit); also a webhook `commit-simple`. */
export function simpleCommitView(repo: SimRepo, sha: string) {
  const commit = readCommit(repo, sha);
  return {
    id: sha,
    tree_id: commit.tree,
    message: commit.message,
    timestamp: isoSeconds(commit.committer.date),
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
  };
}

/** `pull-request-minimal`; also a webhook `check-run-pull-request`. */
export function pullRequestMinimalView(urls: SimUrls, repo: SimRepo, pull: SimPull) {
  const repoRef = { id: repo.id, url: repoApiUrl(urls, repo), name: repo.name };
  return {
    url: `${repoApiUrl(urls, repo)}/pulls/${pull.number}`,
    id: pull.id,
    number: pull.number,
    head: { ref: pull.headRef, sha: pull.headSha, repo: repoRef },
    base: { ref: pull.baseRef, sha: pull.baseSha, repo: repoRef },
  };
}

/** GitHub lists the open pull requests whose head is the checked commit. */
export function openPullsAt(repo: SimRepo, sha: string): SimPull[] {
  return [...repo.pulls.values()].filter((pull) => pull.state === "open" && pull.headSha === sha);
}

/**
 * A suite's `before` is the branch's previous head in the push that made it. The model does not
 * record pushes, so the head commit's first parent stands in (null for a root commit).
 */
function suiteBefore(repo: SimRepo, suite: SimCheckSuite): string | null {
  return readCommit(repo, suite.headSha).parents[0] ?? null;
}

/** The fields a REST `check-suite` and a webhook `check_suite` share. */
export function checkSuiteFields(urls: SimUrls, repo: SimRepo, suite: SimCheckSuite, app: SimApp, pulls: readonly SimPull[], runCount: number) {
  const url = `${repoApiUrl(urls, repo)}/check-suites/${suite.id}`;
  return {
    id: suite.id,
    node_id: nodeId("CheckSuite", suite.id),
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status: suite.status,
    conclusion: suite.conclusion,
    url,
    before: suiteBefore(repo, suite),
    after: suite.headSha,
    pull_requests: pulls.map((pull) => pullRequestMinimalView(urls, repo, pull)),
    app: integrationView(urls, app),
    created_at: suite.createdAt,
    updated_at: suite.updatedAt,
    rerequestable: true,
    runs_rerequestable: true,
    latest_check_runs_count: runCount,
    check_runs_url: `${url}/check-runs`,
    head_commit: simpleCommitView(repo, suite.headSha),
  };
}

/** `check-suite`; it counts the latest run of each check, as GitHub does after re-runs. */
export function checkSuiteView(urls: SimUrls, repo: SimRepo, suite: SimCheckSuite, app: SimApp) {
  const runCount = latestRuns(runsOfSuite(repo, suite)).length;
  return { ...checkSuiteFields(urls, repo, suite, app, openPullsAt(repo, suite.headSha), runCount), repository: repositoryView(urls, repo) };
}

/** A GitHub Actions job's page, which is also its check run's `details_url`. */
export function jobHtmlUrl(urls: SimUrls, repo: SimRepo, suite: WorkflowSuite, run: JobCheckRun): string {
  return `${repoWebUrl(urls, repo)}/actions/runs/${suite.workflowRun.id}/job/${run.id}`;
}

/** Where a check run's "Details" link goes: what its app set, a job's page, or the app's homepage. */
function detailsUrl(urls: SimUrls, repo: SimRepo, run: SimCheckRun, app: SimApp): string {
  if (run.detailsUrl !== null) return run.detailsUrl;
  const suite = repo.checkSuites.get(run.suiteId);
  if (isJob(run) && suite && isWorkflowSuite(suite)) return jobHtmlUrl(urls, repo, suite, run);
  return appHomepage(urls, app);
}

/** `check-annotation`. */
export function annotationView(urls: SimUrls, repo: SimRepo, run: SimCheckRun, annotation: SimAnnotation) {
  return {
    path: annotation.path,
    blob_href: `${repoWebUrl(urls, repo)}/blob/${run.headSha}/${encodePath(annotation.path)}`,
    start_line: annotation.startLine,
    end_line: annotation.endLine,
    start_column: annotation.startColumn,
    end_column: annotation.endColumn,
    annotation_level: annotation.level,
    title: annotation.title,
    message: annotation.message,
    raw_details: annotation.rawDetails,
  };
}

/** `check-run`. */
export function checkRunView(urls: SimUrls, repo: SimRepo, run: SimCheckRun, app: SimApp, pulls: readonly SimPull[] = openPullsAt(repo, run.headSha)) {
  const url = `${repoApiUrl(urls, repo)}/check-runs/${run.id}`;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("CheckRun", run.id),
    head_sha: run.headSha,
    // GitHub sends an empty string, not null, when the app set no external id.
    external_id: run.externalId ?? "",
    url,
    html_url: `${repoWebUrl(urls, repo)}/runs/${run.id}`,
    details_url: detailsUrl(urls, repo, run, app),
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    check_suite: { id: run.suiteId },
    app: integrationView(urls, app),
    pull_requests: pulls.map((pull) => pullRequestMinimalView(urls, repo, pull)),
  };
}
