import { z } from "zod";
import type { CheckConclusion, CheckRunSummary } from "./github-gateway.js";

const statuses = ["queued", "in_progress", "completed", "waiting", "requested", "pending"] as const;
const conclusions = ["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required", "stale"] as const;

// GitHub adds values over time (startup_failure came late); an unknown one must not fail the task.
// Unknown statuses count as still running, unknown conclusions as red: fail closed.
const isStatus = (s: string): s is CheckRunSummary["status"] => (statuses as readonly string[]).includes(s);
const isConclusion = (c: string): c is CheckConclusion => (conclusions as readonly string[]).includes(c);
const status = z.string().transform((s): CheckRunSummary["status"] => (isStatus(s) ? s : "pending"));
const conclusion = z
  .string()
  .nullable()
  .transform((c): CheckConclusion | null => (c === null ? null : isConclusion(c) ? c : "failure"));

const checkRunSchema = z.object({
  id: z.number(),
  name: z.string(),
  external_id: z.string().nullable().optional(),
  status,
  conclusion,
  details_url: z.string().nullable().optional(),
  app: z.object({ id: z.number() }).nullable().optional(),
  output: z
    .object({
      title: z.string().nullable().optional(),
      summary: z.string().nullable().optional(),
      text: z.string().nullable().optional(),
      annotations_count: z.number().optional(),
    })
    .optional(),
});

export const checkRunsSchema = z.object({ total_count: z.number(), check_runs: z.array(checkRunSchema) });

export function toCheckRunSummary(run: z.infer<typeof checkRunSchema>): CheckRunSummary {
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    conclusion: run.conclusion,
    appId: run.app?.id ?? null,
    detailsUrl: run.details_url ?? null,
    output: {
      title: run.output?.title ?? null,
      summary: run.output?.summary ?? null,
      text: run.output?.text ?? null,
      annotationsCount: run.output?.annotations_count ?? 0,
    },
  };
}
