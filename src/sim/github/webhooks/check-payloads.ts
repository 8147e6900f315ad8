import type { SimApp, SimCheckRun, SimCheckSuite, SimPull, SimRepo, SimUrls } from "../sim-model.js";
import { checkRunView, checkSuiteFields } from "../views/check-views.js";
import { deliveryEnvelope, type DeliveryContext } from "./delivery-envelope.js";

interface CheckContext extends DeliveryContext {
  readonly suite: SimCheckSuite;
  readonly app: SimApp;
  /** The open pull requests whose head is the checked commit. */
  readonly pulls: readonly SimPull[];
}

/** `check_suite` / completed, requested; `runs` are the suite's latest check runs. */
export function checkSuitePayload(urls: SimUrls, input: CheckContext & { readonly action: "completed" | "requested"; readonly runs: readonly SimCheckRun[] }) {
  return {
    action: input.action,
    check_suite: checkSuiteFields(urls, input.repo, input.suite, input.app, input.pulls, input.runs.length),
    ...deliveryEnvelope(urls, input),
  };
}

/** The suite as nested in a check_run delivery: without head commit, run count and rerequest flags. */
function runSuite(urls: SimUrls, repo: SimRepo, suite: SimCheckSuite, app: SimApp, pulls: readonly SimPull[]) {
  const {
    head_commit: _headCommit,
    latest_check_runs_count: _runCount,
    check_runs_url: _runsUrl,
    rerequestable: _rerequestable,
    runs_rerequestable: _runsRerequestable,
    ...nested
  } = checkSuiteFields(urls, repo, suite, app, pulls, 0);
  return nested;
}

/** `check_run` / created, completed. */
export function checkRunPayload(urls: SimUrls, input: CheckContext & { readonly action: "created" | "completed"; readonly run: SimCheckRun }) {
  return {
    action: input.action,
    check_run: { ...checkRunView(urls, input.repo, input.run, input.app, input.pulls), check_suite: runSuite(urls, input.repo, input.suite, input.app, input.pulls) },
    ...deliveryEnvelope(urls, input),
  };
}
