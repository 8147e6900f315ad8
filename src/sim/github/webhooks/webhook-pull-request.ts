import type { SimPull, SimRepo, SimUrls } from "../sim-model.js";
import { pullRequestDetails, pullRequestFields, type FindUser } from "../views/pull-views.js";
import { webhookRepository } from "./delivery-envelope.js";

/** A webhook `pull-request`: the REST fields, with webhook repositories in head and base. */
export function webhookPullRequest(urls: SimUrls, repo: SimRepo, pull: SimPull, findUser?: FindUser) {
  return { ...pullRequestFields(urls, repo, pull, webhookRepository, findUser), ...pullRequestDetails(urls, repo, pull) };
}

/** A webhook `simple-pull-request` (pull_request_review events): no merge state or size. */
export function webhookSimplePullRequest(urls: SimUrls, repo: SimRepo, pull: SimPull, findUser?: FindUser) {
  return pullRequestFields(urls, repo, pull, webhookRepository, findUser);
}
