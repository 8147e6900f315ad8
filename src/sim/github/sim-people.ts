import type { GitHubSimulator } from "./github-simulator.js";
import type { SimIssue, SimPull, SimRepo, SimReview } from "./sim-model.js";
import { mergePull } from "./merge-pull.js";
import { SimError } from "./sim-world.js";

/**
 * What people do on GitHub in a scenario: open issues, label them, review and close pull
 * requests. Each action changes the world as the web UI would and emits the webhook-bearing change.
 */
export class SimPeople {
  readonly #sim: GitHubSimulator;

  constructor(sim: GitHubSimulator) {
    this.#sim = sim;
  }

  openIssue(repo: SimRepo, author: string, title: string, body: string): SimIssue {
    const world = this.#sim.world;
    const now = world.now();
    const issue: SimIssue = {
      id: world.nextId(), number: repo.nextNumber++, title, body, user: world.user(author), state: "open", labels: [], comments: 0,
      createdAt: now, updatedAt: now, closedAt: null, pullRequest: false,
    };
    repo.issues.set(issue.number, issue);
    return issue;
  }

  label(repo: SimRepo, issueNumber: number, by: string, name: string): void {
    const world = this.#sim.world;
    const issue = repo.issues.get(issueNumber);
    if (!issue) throw new SimError(`No issue #${issueNumber} in ${repo.owner.login}/${repo.name}.`);
    const label = world.ensureLabel(repo, name, "5319e7");
    // GitHub sends no event for a label the issue already has: remove it first.
    if (issue.labels.includes(name)) throw new SimError(`Issue #${issueNumber} already has the label '${name}'; unlabel it first.`);
    issue.labels.push(name);
    issue.updatedAt = world.now();
    this.#sim.emit({ kind: "issues.labeled", repo, issue, label, sender: world.user(by) });
  }

  unlabel(repo: SimRepo, issueNumber: number, by: string, name: string): void {
    const world = this.#sim.world;
    const issue = repo.issues.get(issueNumber);
    const label = repo.labels.get(name);
    if (!issue || !label || !issue.labels.includes(name)) throw new SimError(`Issue #${issueNumber} does not have the label '${name}'.`);
    issue.labels = issue.labels.filter((l) => l !== name);
    issue.updatedAt = world.now();
    this.#sim.emit({ kind: "issues.unlabeled", repo, issue, label, sender: world.user(by) });
  }

  closeIssue(repo: SimRepo, issueNumber: number, by: string): void {
    const world = this.#sim.world;
    const issue = repo.issues.get(issueNumber);
    if (!issue) throw new SimError(`No issue #${issueNumber} in ${repo.owner.login}/${repo.name}.`);
    const now = world.now();
    Object.assign(issue, { state: "closed", closedAt: now, updatedAt: now });
    this.#sim.emit({ kind: "issues.closed", repo, issue, sender: world.user(by) });
  }

  review(repo: SimRepo, pullNumber: number, by: string, event: "approve" | "request_changes" | "comment", body: string): SimReview {
    const world = this.#sim.world;
    const pull = this.#pull(repo, pullNumber);
    const state = event === "approve" ? "APPROVED" : event === "request_changes" ? "CHANGES_REQUESTED" : "COMMENTED";
    const review: SimReview = { id: world.nextId(), pullNumber, user: world.user(by), body, state, commitId: pull.headSha, submittedAt: world.now() };
    repo.reviews.set(review.id, review);
    this.#sim.emit({ kind: "pull_request_review.submitted", repo, pull, review, sender: review.user });
    return review;
  }

  close(repo: SimRepo, pullNumber: number, by: string, merge: boolean): void {
    const world = this.#sim.world;
    const pull = this.#pull(repo, pullNumber);
    if (merge) {
      mergePull(world, repo, pull, world.user(by), undefined, (change) => {
        this.#sim.emit(change);
      });
      return;
    }
    const now = world.now();
    Object.assign(pull, { state: "closed", closedAt: now, updatedAt: now });
    this.#sim.emit({ kind: "pull_request", action: "closed", repo, pull, sender: world.user(by) });
  }

  #pull(repo: SimRepo, pullNumber: number): SimPull {
    const pull = repo.pulls.get(pullNumber);
    if (!pull) throw new SimError(`No pull request #${pullNumber} in ${repo.owner.login}/${repo.name}.`);
    return pull;
  }
}
