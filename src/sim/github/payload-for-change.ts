import type { SimChange } from "./sim-changes.js";
import type { SimInstallation, SimPull, SimRepo, SimUrls } from "./sim-model.js";
import type { SimWorld } from "./sim-world.js";
import {
  checkRunPayload,
  checkSuitePayload,
  issueCommentCreatedPayload,
  issuesClosedPayload,
  issuesEditedPayload,
  issuesLabeledPayload,
  issuesUnlabeledPayload,
  pullRequestPayload,
  pullRequestReviewCommentCreatedPayload,
  pullRequestReviewSubmittedPayload,
} from "./webhooks/index.js";

function openPullsAt(repo: SimRepo, sha: string): SimPull[] {
  return [...repo.pulls.values()].filter((p) => p.state === "open" && p.headSha === sha);
}

/** The webhook a change becomes for one installation, or undefined when GitHub sends none we model. */
export function payloadForChange(
  urls: SimUrls,
  world: SimWorld,
  change: SimChange,
  installation: SimInstallation,
): { event: string; payload: Record<string, unknown> } | undefined {
  const findUser = (login: string): ReturnType<SimWorld["users"]["get"]> => world.users.get(login);
  const base = { repo: change.repo, sender: change.sender, installation };
  switch (change.kind) {
    case "issues.labeled":
      return { event: "issues", payload: issuesLabeledPayload(urls, { ...base, issue: change.issue, label: change.label }) };
    case "issues.unlabeled":
      return { event: "issues", payload: issuesUnlabeledPayload(urls, { ...base, issue: change.issue, label: change.label }) };
    case "issues.closed":
      return { event: "issues", payload: issuesClosedPayload(urls, { ...base, issue: change.issue }) };
    case "issues.edited":
      return { event: "issues", payload: issuesEditedPayload(urls, { ...base, issue: change.issue, changes: change.changes }) };
    case "issue_comment.created":
      return { event: "issue_comment", payload: issueCommentCreatedPayload(urls, { ...base, issue: change.issue, comment: change.comment }) };
    case "pull_request":
      return {
        event: "pull_request",
        payload: pullRequestPayload(urls, {
          ...base,
          action: change.action,
          pull: change.pull,
          findUser,
          ...(change.before === undefined ? {} : { before: change.before }),
          ...(change.after === undefined ? {} : { after: change.after }),
        }),
      };
    case "pull_request_review.submitted":
      return { event: "pull_request_review", payload: pullRequestReviewSubmittedPayload(urls, { ...base, pull: change.pull, review: change.review, findUser }) };
    case "pull_request_review_comment.created":
      return { event: "pull_request_review_comment", payload: pullRequestReviewCommentCreatedPayload(urls, { ...base, pull: change.pull, comment: change.comment, findUser }) };
    case "check_run": {
      const suite = change.repo.checkSuites.get(change.run.suiteId);
      if (!suite) return undefined;
      return {
        event: "check_run",
        payload: checkRunPayload(urls, { ...base, action: change.action, run: change.run, suite, app: world.app(change.run.appId), pulls: openPullsAt(change.repo, change.run.headSha) }),
      };
    }
    case "check_suite.completed": {
      const runs = [...change.repo.checkRuns.values()].filter((r) => r.suiteId === change.suite.id);
      return {
        event: "check_suite",
        payload: checkSuitePayload(urls, { ...base, action: "completed", suite: change.suite, app: world.app(change.suite.appId), runs, pulls: openPullsAt(change.repo, change.suite.headSha) }),
      };
    }
    case "push":
      // Orchestrator's manifest does not subscribe to push; nothing is delivered.
      return undefined;
  }
}
