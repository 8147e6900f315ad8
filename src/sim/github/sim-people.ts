import { addIssueComment } from "./add-issue-comment.js";
import type { GitHubSimulator } from "./github-simulator.js";
import { mergePull } from "./merge-pull.js";
import { anchorInDiff } from "./review-anchor.js";
import { replyInThread, submitReview } from "./review-threads.js";
import type { SimIssueEdits } from "./sim-changes.js";
import type { SimComment, SimIssue, SimPull, SimRepo, SimReview, SimReviewComment } from "./sim-model.js";
import { SimError } from "./sim-world.js";

/** A line comment a person leaves with a review: on `line` of `path` as the pull request's head has it. */
export interface LineComment {
  readonly path: string;
  readonly line: number;
  readonly body: string;
}

/**
 * What people do on GitHub in a scenario: open, edit and comment on issues, label them, review
 * pull requests with line comments, reply to and resolve review threads, close pull requests. Each action changes the world as the web UI would and emits the webhook-bearing change.
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

  /** Edits an issue's title or body (pull requests send pull_request.edited, which is not modelled). */
  editIssue(repo: SimRepo, issueNumber: number, by: string, edit: { readonly title?: string; readonly body?: string }): SimIssue {
    const world = this.#sim.world;
    const issue = repo.issues.get(issueNumber);
    if (!issue || issue.pullRequest) throw new SimError(`No issue #${issueNumber} in ${repo.owner.login}/${repo.name}${issue ? " (it is a pull request)" : ""}.`);
    const changes: SimIssueEdits = {
      ...(edit.title === undefined || edit.title === issue.title ? {} : { title: { from: issue.title } }),
      // GitHub reports an issue that had no body as having had an empty one.
      ...(edit.body === undefined || edit.body === issue.body ? {} : { body: { from: issue.body ?? "" } }),
    };
    // GitHub sends nothing for an edit that changes nothing.
    if (changes.title === undefined && changes.body === undefined) throw new SimError(`Editing issue #${issueNumber} this way changes nothing.`);
    if (edit.title !== undefined) issue.title = edit.title;
    if (edit.body !== undefined) issue.body = edit.body;
    issue.updatedAt = world.now();
    this.#sim.emit({ kind: "issues.edited", repo, issue, changes, sender: world.user(by) });
    return issue;
  }

  /** Comments on an issue or on a pull request's conversation. */
  comment(repo: SimRepo, issueNumber: number, by: string, body: string): SimComment {
    const world = this.#sim.world;
    const issue = repo.issues.get(issueNumber);
    if (!issue) throw new SimError(`No issue or pull request #${issueNumber} in ${repo.owner.login}/${repo.name}.`);
    return addIssueComment(world, repo, issue, world.user(by), body, (change) => {
      this.#sim.emit(change);
    });
  }

  /** Reviews the pull request's head; each line comment starts a thread and must be on a line of the diff. */
  review(repo: SimRepo, pullNumber: number, by: string, event: "approve" | "request_changes" | "comment", body: string, comments: readonly LineComment[] = []): SimReview {
    const world = this.#sim.world;
    const pull = this.#pull(repo, pullNumber);
    const state = event === "approve" ? "APPROVED" : event === "request_changes" ? "CHANGES_REQUESTED" : "COMMENTED";
    const anchored = comments.map((c) => {
      const anchor = anchorInDiff(repo, pull, pull.headSha, c.path, { line: c.line });
      if ("error" in anchor) throw new SimError(`Cannot comment on ${c.path}:${c.line} of #${pullNumber}: ${anchor.error}.`);
      return { ...anchor, path: c.path, body: c.body };
    });
    const submitted = submitReview(world, repo, pull, { user: world.user(by), state, body, commitId: pull.headSha }, anchored, (change) => {
      this.#sim.emit(change);
    });
    return submitted.review;
  }

  /** Replies in a review thread; `commentId` must be the thread's top comment, as GitHub requires. */
  reply(repo: SimRepo, pullNumber: number, commentId: number, by: string, body: string): SimReviewComment {
    const world = this.#sim.world;
    const pull = this.#pull(repo, pullNumber);
    const top = this.#reviewComment(repo, commentId);
    if (top.pullNumber !== pullNumber || top.inReplyTo !== null) throw new SimError(`Review comment ${commentId} is not the top comment of a thread on #${pullNumber}.`);
    return replyInThread(world, repo, pull, top, world.user(by), body, (change) => {
      this.#sim.emit(change);
    });
  }

  /** Resolves the thread a review comment belongs to. */
  resolveThread(repo: SimRepo, commentId: number): void {
    const comment = this.#reviewComment(repo, commentId);
    const top = comment.inReplyTo ?? comment.id;
    if (repo.resolvedThreads.has(top)) throw new SimError(`The thread of review comment ${commentId} is already resolved.`);
    repo.resolvedThreads.add(top);
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

  #reviewComment(repo: SimRepo, commentId: number): SimReviewComment {
    const comment = repo.reviewComments.get(commentId);
    if (!comment) throw new SimError(`No review comment ${commentId} in ${repo.owner.login}/${repo.name}.`);
    return comment;
  }

  #pull(repo: SimRepo, pullNumber: number): SimPull {
    const pull = repo.pulls.get(pullNumber);
    if (!pull) throw new SimError(`No pull request #${pullNumber} in ${repo.owner.login}/${repo.name}.`);
    return pull;
  }
}
