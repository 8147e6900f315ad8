import { z } from "zod";
import type { NewJob } from "../store/jobs.js";

/** Every kind of job the worker runs, with the payload each carries (checked when the job is run). */
export const JobKind = {
  intake: "intake",
  advance: "advance",
  ciCompleted: "ci_completed",
  reviewSubmitted: "review_submitted",
  pullRequestClosed: "pull_request_closed",
  issueClosed: "issue_closed",
  command: "command",
  /** Reads a waiting task's pull request, checks and reviews once: what missed webhooks would have said. */
  reconcile: "reconcile",
  /** Tells people about an alert raised outside a task's own jobs (a task stuck): a comment on its issue. */
  alert: "alert",
} as const;
export type JobKind = (typeof JobKind)[keyof typeof JobKind];

export const actorSchema = z.object({ login: z.string(), type: z.string() });
const actor = actorSchema;

export const intakePayloadSchema = z.object({
  deliveryId: z.string(),
  installationId: z.number().int(),
  owner: z.string(),
  repo: z.string(),
  defaultBranch: z.string(),
  issueNumber: z.number().int(),
  issueTitle: z.string(),
  issueBody: z.string(),
  /** Jobs queued before labels were recorded carry none. */
  issueLabels: z.array(z.string()).default([]),
  sender: actor,
  receivedAt: z.number(),
});
export type IntakePayload = z.infer<typeof intakePayloadSchema>;

export const advancePayloadSchema = z.object({ taskId: z.number().int() });

export const ciCompletedPayloadSchema = z.object({ taskId: z.number().int(), headSha: z.string(), deliveryId: z.string() });
export type CiCompletedPayload = z.infer<typeof ciCompletedPayloadSchema>;

export const reviewStateSchema = z.enum(["approved", "changes_requested", "commented", "dismissed"]);

export const reviewSubmittedPayloadSchema = z.object({
  taskId: z.number().int(),
  deliveryId: z.string(),
  reviewId: z.number().int(),
  reviewer: actor,
  state: reviewStateSchema,
  commitId: z.string().nullable(),
  /** Jobs queued before bodies were carried have none. */
  body: z.string().default(""),
});
export type ReviewSubmittedPayload = z.infer<typeof reviewSubmittedPayloadSchema>;

export const pullRequestClosedPayloadSchema = z.object({ taskId: z.number().int(), deliveryId: z.string(), merged: z.boolean(), by: z.string() });
export type PullRequestClosedPayload = z.infer<typeof pullRequestClosedPayloadSchema>;

export const issueClosedPayloadSchema = z.object({ taskId: z.number().int(), deliveryId: z.string(), by: z.string() });
export type IssueClosedPayload = z.infer<typeof issueClosedPayloadSchema>;

export const commandPayloadSchema = z.object({
  deliveryId: z.string(),
  installationId: z.number().int(),
  owner: z.string(),
  repo: z.string(),
  /** The issue or pull request the comment is on. */
  issueNumber: z.number().int(),
  taskId: z.number().int().nullable(),
  commentId: z.number().int(),
  commentCreatedAt: z.string(),
  author: actor,
  /** The comment's text (the command is parsed from it when the job runs). */
  body: z.string(),
});
export type CommandPayload = z.infer<typeof commandPayloadSchema>;

export const reconcilePayloadSchema = z.object({ taskId: z.number().int() });

export const alertPayloadSchema = z.object({ alertId: z.number().int() });

/** Not tied to the task (no task id): a stuck task's alert must not wait behind its stuck job. */
export function alertJob(alertId: number, runAt: number): NewJob {
  return { kind: JobKind.alert, payload: { alertId }, taskId: null, runAt, uniqueKey: `alert:${alertId}` };
}

/** The job that carries a task on from its state, or, in a waiting or final state, brings GitHub's view of it up to date. */
export function advanceJob(taskId: number, runAt: number): NewJob {
  return { kind: JobKind.advance, payload: { taskId }, taskId, runAt };
}
