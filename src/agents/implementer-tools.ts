import { z } from "zod";
import type { Workspace, EditResult } from "../workspace/workspace.js";
import { defineTool } from "./tool-schema.js";

export const writeFileTool = defineTool(
  "write_file",
  "Create a file, or replace a file's whole content. Prefer replace_in_file for small changes to large files.",
  z.object({ path: z.string().min(1).describe("Path from the repository root"), content: z.string().describe("The complete new content") }),
);

export const replaceInFileTool = defineTool(
  "replace_in_file",
  "Replace one snippet of a file. `old` must occur exactly once in the file; include enough surrounding lines to make it unique.",
  z.object({ path: z.string().min(1), old: z.string().min(1).describe("The exact text to replace"), new: z.string().describe("The replacement text") }),
);

export const deleteFileTool = defineTool("delete_file", "Delete a file.", z.object({ path: z.string().min(1) }));

export const finishSchema = z.object({
  summary: z.string().min(1).describe("What was changed, for the pull request description"),
  commitMessage: z.string().min(1).max(500).describe("A commit message: a short subject line, then a blank line and details if needed"),
  replies: z
    .array(
      z.object({
        thread: z.number().int().min(1).describe("The number of a review thread, as the review request numbers them"),
        reply: z.string().min(1).max(2000).describe("What you did about that thread, or why you left it, in a sentence or two"),
      }),
    )
    .max(50)
    .optional()
    .describe("When revising from a person's review: one reply per review thread"),
});
export type FinishInput = z.infer<typeof finishSchema>;

export const finishTool = defineTool("finish", "Call once every edit is made and the plan is complete.", finishSchema);

export const implementerTools = [writeFileTool, replaceInFileTool, deleteFileTool, finishTool] as const;

/** Applies one edit tool call to the workspace; malformed input is an error the model sees, not an exception. */
export function applyEditTool(workspace: Workspace, name: string, input: unknown): EditResult {
  switch (name) {
    case writeFileTool.spec.name: {
      const parsed = writeFileTool.schema.safeParse(input);
      return parsed.success ? workspace.write(parsed.data.path, parsed.data.content) : { ok: false, message: `invalid input: ${parsed.error.message}` };
    }
    case replaceInFileTool.spec.name: {
      const parsed = replaceInFileTool.schema.safeParse(input);
      return parsed.success
        ? workspace.replace(parsed.data.path, parsed.data.old, parsed.data.new)
        : { ok: false, message: `invalid input: ${parsed.error.message}` };
    }
    case deleteFileTool.spec.name: {
      const parsed = deleteFileTool.schema.safeParse(input);
      return parsed.success ? workspace.delete(parsed.data.path) : { ok: false, message: `invalid input: ${parsed.error.message}` };
    }
    default:
      return { ok: false, message: `unknown tool ${name}` };
  }
}
