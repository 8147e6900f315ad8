import { z } from "zod";
import { codeReviewSchema } from "../agents/code-reviewer.js";
import { planSchema } from "../agents/planner.js";
import { loadArtifact } from "../store/task-artifacts.js";
import type { Db } from "../store/open-database.js";
import { PermanentError } from "./errors.js";
import { failureCategories } from "./ci-evidence.js";

/*
 * What the phases hand each other through the task's artifacts, each checked when read: the plan
 * and who wrote it, the plans sent back with their reasons, and every code review.
 */

const modelRefSchema = z.object({ provider: z.string(), model: z.string() });
export const authorsSchema = z.array(modelRefSchema);

/** Plans sent back: by the plan reviewer (no `by`), or by a person with `/orchestrator replan` (`by` their login; not a review round). */
/** `summary` is the plan reviewer's (absent for a person's replan, and in tasks from before it was kept). */
export const planRevisionsSchema = z.array(z.object({ plan: planSchema, reasons: z.array(z.string()), by: z.string().optional(), summary: z.string().optional() }));
/** `cycle` counts the person's revisions before the review: each revision gets its own rounds. */
/** `diff` is the change the review was of (absent in tasks from before it was kept). */
export const codeReviewsSchema = z.array(
  z.object({ review: codeReviewSchema, reviewer: modelRefSchema, cycle: z.number().int().default(0), diff: z.string().optional() }),
);

const annotationSchema = z.object({ path: z.string(), startLine: z.number(), level: z.enum(["notice", "warning", "failure"]), title: z.string().nullable(), message: z.string() });
export const ciFailureSchema = z.object({
  headSha: z.string(),
  signature: z.string(),
  /** What the engine did about it: a fix attempt, a re-run of infrastructure failures, or a stop; `reset` marks green CI (the loop's end). */
  action: z.enum(["fix", "rerun", "stop", "reset"]),
  checks: z.array(
    z.object({
      checkRunId: z.number(),
      name: z.string(),
      conclusion: z.string(),
      category: z.enum(failureCategories),
      rerunnable: z.boolean(),
      title: z.string().nullable(),
      summary: z.string().nullable(),
      annotations: z.array(annotationSchema),
      text: z.string(),
    }),
  ),
});
export const ciFailuresSchema = z.array(ciFailureSchema);
export type StoredCiFailure = z.infer<typeof ciFailureSchema>;

/** A person's request for changes on the pull request, and the threads the revision answers. */
export const revisionRequestSchema = z.object({
  reviewId: z.number(),
  reviewer: z.string(),
  body: z.string(),
  threads: z.array(z.object({ commentId: z.number(), path: z.string(), line: z.number().nullable(), comments: z.array(z.object({ author: z.string().nullable(), body: z.string() })) })),
  /** Set once the revision is committed: the commit the thread replies name. */
  commitSha: z.string().nullable().default(null),
  summary: z.string().nullable().default(null),
  /** Threads already answered (top comment ids), so a retried push never answers twice. */
  replied: z.array(z.number()).default([]),
});
export const revisionRequestsSchema = z.array(revisionRequestSchema);
export type RevisionRequest = z.infer<typeof revisionRequestSchema>;


export function readArtifact<T>(db: Db, taskId: number, kind: string, schema: z.ZodType<T>, fallback?: T): T {
  const raw = loadArtifact(db, taskId, kind);
  if (raw === undefined && fallback !== undefined) return fallback;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new PermanentError(`Task ${taskId} has no valid stored ${kind.replace(/_/g, " ")}.`);
  return parsed.data;
}

/**
 * The code-review cycle the task is in: each revision a person asked for on the pull request, and
 * each `/orchestrator replan`, starts a new one, with its own rounds and no carry-over of an earlier
 * cycle's requests for changes.
 */
export function reviewCycle(db: Db, taskId: number): number {
  const revisions = readArtifact(db, taskId, "revision_requests", revisionRequestsSchema, []).length;
  const replans = readArtifact(db, taskId, "plan_revisions", planRevisionsSchema, []).filter((r) => r.by !== undefined).length;
  return revisions + replans;
}

/** Models in `a` and `b`, each once. */
export function mergeAuthors(a: readonly z.infer<typeof modelRefSchema>[], b: readonly z.infer<typeof modelRefSchema>[]): z.infer<typeof modelRefSchema>[] {
  const out = [...a];
  for (const ref of b) if (!out.some((r) => r.provider === ref.provider && r.model === ref.model)) out.push(ref);
  return out;
}
