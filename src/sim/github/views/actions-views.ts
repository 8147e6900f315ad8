import type { JobCheckRun, WorkflowSuite } from "../actions-jobs.js";
import type { SimRepo, SimUrls } from "../sim-model.js";
import { jobHtmlUrl, openPullsAt, pullRequestMinimalView, simpleCommitView } from "./check-views.js";
import { repositoryView } from "./repo-views.js";
import { userView } from "./user-views.js";
import { nodeId, repoApiUrl, repoWebUrl } from "./view-urls.js";

/** The hosted runner every simulated job runs on. */
const runner = { labels: ["ubuntu-latest"], id: 1, name: "GitHub Actions 1", groupId: 2, groupName: "GitHub Actions" } as const;

export function workflowRunApiUrl(urls: SimUrls, repo: SimRepo, suite: WorkflowSuite): string {
  return `${repoApiUrl(urls, repo)}/actions/runs/${suite.workflowRun.id}`;
}

/**
 * A job's steps: setting up, the one step that does the work (failing when the job fails), and
 * completing; each follows the job through its states.
 */
function stepViews(run: JobCheckRun) {
  const started = run.status !== "queued";
  const done = run.status === "completed";
  const step = (number: number, name: string, status: "queued" | "in_progress" | "completed", conclusion: string | null, startedAt: string | null, completedAt: string | null) => ({
    name,
    status,
    conclusion,
    number,
    started_at: startedAt,
    completed_at: completedAt,
  });
  return [
    step(1, "Set up job", started ? "completed" : "queued", started ? "success" : null, started ? run.startedAt : null, started ? run.startedAt : null),
    step(2, run.job.stepName, run.status, run.conclusion, started ? run.startedAt : null, run.completedAt),
    step(3, "Complete job", done ? "completed" : "queued", done ? "success" : null, run.completedAt, run.completedAt),
  ];
}

/** `job`. */
export function jobView(urls: SimUrls, repo: SimRepo, suite: WorkflowSuite, run: JobCheckRun) {
  const assigned = run.status !== "queued";
  return {
    id: run.id,
    run_id: suite.workflowRun.id,
    run_url: workflowRunApiUrl(urls, repo, suite),
    run_attempt: run.job.runAttempt,
    node_id: nodeId("WorkflowJob", run.id),
    head_sha: run.headSha,
    url: `${repoApiUrl(urls, repo)}/actions/jobs/${run.id}`,
    html_url: jobHtmlUrl(urls, repo, suite, run),
    status: run.status,
    conclusion: run.conclusion,
    created_at: run.job.createdAt,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    name: run.name,
    steps: stepViews(run),
    check_run_url: `${repoApiUrl(urls, repo)}/check-runs/${run.id}`,
    labels: [...runner.labels],
    runner_id: assigned ? runner.id : null,
    runner_name: assigned ? runner.name : null,
    runner_group_id: assigned ? runner.groupId : null,
    runner_group_name: assigned ? runner.groupName : null,
    workflow_name: suite.workflowRun.name,
    head_branch: suite.headBranch,
  };
}

/** `workflow-run`: its status and conclusion are its check suite's. */
export function workflowRunView(urls: SimUrls, repo: SimRepo, suite: WorkflowSuite) {
  const run = suite.workflowRun;
  const url = workflowRunApiUrl(urls, repo, suite);
  const repository = repositoryView(urls, repo);
  const head = simpleCommitView(repo, suite.headSha);
  const pulls = openPullsAt(repo, suite.headSha);
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("WorkflowRun", run.id),
    check_suite_id: suite.id,
    check_suite_node_id: nodeId("CheckSuite", suite.id),
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    path: run.path,
    run_number: run.runNumber,
    run_attempt: run.attempt,
    event: run.event,
    status: suite.status,
    conclusion: suite.conclusion,
    workflow_id: run.workflowId,
    url,
    html_url: `${repoWebUrl(urls, repo)}/actions/runs/${run.id}`,
    pull_requests: pulls.map((pull) => pullRequestMinimalView(urls, repo, pull)),
    created_at: suite.createdAt,
    updated_at: suite.updatedAt,
    actor: userView(urls, run.actor),
    triggering_actor: userView(urls, run.actor),
    run_started_at: suite.createdAt,
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${repoApiUrl(urls, repo)}/check-suites/${suite.id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: run.attempt > 1 ? `${url}/attempts/${run.attempt - 1}` : null,
    workflow_url: `${repoApiUrl(urls, repo)}/actions/workflows/${run.workflowId}`,
    head_commit: head,
    repository,
    head_repository: repository,
    head_repository_id: repo.id,
    // A pull request's runs are titled after it, others after their head commit.
    display_title: pulls[0]?.title ?? head.message.split("\n")[0] ?? "",
  };
}
