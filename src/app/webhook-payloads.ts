import { z } from "zod";
import { actorSchema } from "../engine/job-kinds.js";

/*
 * The parts of GitHub's webhook payloads Orchestrator reads, checked once where they enter. GitHub
 * sends far more; unknown fields pass through untouched and unread.
 */
const actor = actorSchema;
const installation = z.object({ id: z.number().int() });
const repository = z.object({ name: z.string(), owner: z.object({ login: z.string(), type: z.string() }), default_branch: z.string() });

export const issuesLabeledSchema = z.object({
  action: z.literal("labeled"),
  label: z.object({ name: z.string() }).optional(),
  issue: z.object({
    number: z.number().int(),
    title: z.string(),
    body: z.string().nullable().optional(),
    state: z.string(),
    labels: z.array(z.object({ name: z.string() })).optional(),
  }),
  repository,
  sender: actor,
  installation,
});

export const issuesClosedSchema = z.object({
  action: z.literal("closed"),
  issue: z.object({ number: z.number().int() }),
  repository,
  sender: actor,
  installation,
});

export const checkSuiteCompletedSchema = z.object({
  action: z.literal("completed"),
  check_suite: z.object({ head_sha: z.string(), app: z.object({ id: z.number().int() }).nullable().optional() }),
  repository,
  installation,
});

export const checkRunCompletedSchema = z.object({
  action: z.literal("completed"),
  check_run: z.object({ head_sha: z.string(), app: z.object({ id: z.number().int() }).nullable().optional() }),
  repository,
  installation,
});

export const workflowRunCompletedSchema = z.object({
  action: z.literal("completed"),
  workflow_run: z.object({ head_sha: z.string() }),
  repository,
  installation,
});

export const issueCommentCreatedSchema = z.object({
  action: z.literal("created"),
  issue: z.object({ number: z.number().int(), pull_request: z.looseObject({}).nullable().optional() }),
  comment: z.object({ id: z.number().int(), body: z.string(), created_at: z.string(), user: actor.nullable() }),
  repository,
  sender: actor,
  installation,
});

export const pullRequestReviewSubmittedSchema = z.object({
  action: z.literal("submitted"),
  review: z.object({
    id: z.number().int(),
    state: z.string().transform((s) => s.toLowerCase()),
    user: actor.nullable(),
    body: z.string().nullable().optional(),
    commit_id: z.string().nullable().optional(),
  }),
  pull_request: z.object({ number: z.number().int() }),
  repository,
  installation,
});

export const pullRequestClosedSchema = z.object({
  action: z.literal("closed"),
  pull_request: z.object({ number: z.number().int(), merged: z.boolean().nullable().optional() }),
  repository,
  sender: actor,
  installation,
});

export const installationEventSchema = z.object({
  action: z.enum(["created", "deleted", "suspend", "unsuspend", "new_permissions_accepted"]),
  installation: z.object({ id: z.number().int(), account: z.object({ login: z.string(), type: z.string() }).nullable() }),
});

/** What every delivery is read for before its handler: the action, and the installation with the account it belongs to. */
export const envelopeSchema = z.object({
  action: z.string().optional(),
  installation: installation.optional(),
  repository: z.object({ owner: z.object({ login: z.string(), type: z.string() }) }).optional(),
});
