import { z } from "zod";
import { codeReviewSchema } from "../agents/code-reviewer.js";
import { planSchema } from "../agents/planner.js";
import { loadArtifact } from "../store/task-artifacts.js";
import type { Db } from "../store/open-database.js";
import { PermanentError } from "./errors.js";

/*
 * What the phases hand each other through the task's artifacts, each checked when read: the plan
 * and who wrote it, the plans sent back with their reasons, and every code review.
 */

const modelRefSchema = z.object({ provider: z.string(), model: z.string() });
export const authorsSchema = z.array(modelRefSchema);

export const planRevisionsSchema = z.array(z.object({ plan: planSchema, reasons: z.array(z.string()) }));
export const codeReviewsSchema = z.array(z.object({ review: codeReviewSchema, reviewer: modelRefSchema }));

export function readArtifact<T>(db: Db, taskId: number, kind: string, schema: z.ZodType<T>, fallback?: T): T {
  const raw = loadArtifact(db, taskId, kind);
  if (raw === undefined && fallback !== undefined) return fallback;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new PermanentError(`Task ${taskId} has no valid stored ${kind.replace(/_/g, " ")}.`);
  return parsed.data;
}

/** Models in `a` and `b`, each once. */
export function mergeAuthors(a: readonly z.infer<typeof modelRefSchema>[], b: readonly z.infer<typeof modelRefSchema>[]): z.infer<typeof modelRefSchema>[] {
  const out = [...a];
  for (const ref of b) if (!out.some((r) => r.provider === ref.provider && r.model === ref.model)) out.push(ref);
  return out;
}
