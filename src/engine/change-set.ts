import { z } from "zod";

/** What the implementer produced, stored between implementing and pushing (artifact "changes"). */
export const changeSetSchema = z.object({
  summary: z.string(),
  commitMessage: z.string(),
  changes: z.array(
    z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("write"), path: z.string(), content: z.string(), executable: z.boolean().optional() }),
      z.object({ kind: z.literal("delete"), path: z.string() }),
    ]),
  ),
  refusals: z.array(z.string()),
  /** The implementer's reply to each review thread it answered, by the thread's number in the review request. */
  replies: z.array(z.object({ thread: z.number().int(), reply: z.string() })).optional(),
  /** When the change set was made: the commit's date, so a retried push makes the same commit. */
  at: z.number().optional(),
});
export type ChangeSet = z.infer<typeof changeSetSchema>;
