import { z } from "zod";
import type { CheckAnnotation } from "./github-gateway.js";

/*
 * The REST responses the gateway reads, checked at the edge for the fields it uses; GitHub may add
 * fields freely.
 */

export const permissionSchema = z.object({ permission: z.string(), role_name: z.string().optional() });
export const branchSchema = z.object({ commit: z.object({ sha: z.string(), commit: z.object({ tree: z.object({ sha: z.string() }) }) }) });
export const shaSchema = z.object({ sha: z.string() });
export const gitCommitSchema = z.object({ sha: z.string(), tree: z.object({ sha: z.string() }) });
export const refSchema = z.object({ object: z.object({ sha: z.string() }) });
export const pullSchema = z.object({ number: z.number(), html_url: z.string(), head: z.object({ sha: z.string() }) });
export const commentSchema = z.object({ id: z.number(), body: z.string().optional(), user: z.object({ type: z.string() }).nullable().optional() });
export const idSchema = z.object({ id: z.number() });
export const contentSchema = z.object({ type: z.string(), content: z.string().optional(), encoding: z.string().optional() });
export const pullStateSchema = z.object({
  number: z.number(),
  node_id: z.string(),
  state: z.enum(["open", "closed"]),
  merged: z.boolean().nullable().optional(),
  merged_at: z.string().nullable().optional(),
  draft: z.boolean().optional(),
  head: z.object({ sha: z.string(), ref: z.string(), repo: z.object({ full_name: z.string() }).nullable().optional() }),
});
export const annotationsSchema = z.array(
  z.object({
    path: z.string(),
    start_line: z.number(),
    annotation_level: z.string().nullable(),
    title: z.string().nullable().optional(),
    message: z.string().nullable(),
  }),
);
export const reviewsSchema = z.array(
  z.object({
    id: z.number(),
    user: z.object({ login: z.string(), type: z.string() }).nullable(),
    state: z.string(),
    body: z.string().nullable().optional(),
    commit_id: z.string().nullable().optional(),
    submitted_at: z.string().nullable().optional(),
  }),
);
export const mergeSchema = z.object({ merged: z.boolean(), message: z.string() });
export const annotationLevels: readonly CheckAnnotation["level"][] = ["notice", "warning", "failure"];
