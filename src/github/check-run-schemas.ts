import { z } from "zod";
import type { CheckRunSummary } from "./github-gateway.js";

const checkRunSchema = z.object({
  id: z.number(),
  name: z.string(),
  external_id: z.string().nullable().optional(),
  status: z.enum(["queued", "in_progress", "completed", "waiting", "requested", "pending"]),
  conclusion: z.enum(["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required", "stale"]).nullable(),
  details_url: z.string().nullable().optional(),
  app: z.object({ id: z.number() }).nullable().optional(),
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
  };
}
