import { z } from "zod";
import { allTaskStates } from "../../engine/task-states.js";
import type { TaskState } from "../../engine/task-states.js";
import { llmScriptSchema } from "../llm/script.js";

const login = z.string().regex(/^[A-Za-z0-9-]+$/, "a GitHub login: letters, digits and dashes");
const taskState = z.string().refine((s): s is TaskState => (allTaskStates as readonly string[]).includes(s), { message: `one of ${allTaskStates.join(", ")}` });

const actorSchema = z.strictObject({
  login,
  permission: z.enum(["admin", "maintain", "write", "triage", "read"]),
  role: z.string().optional(),
  bot: z.boolean().default(false),
});

const ciCheckSchema = z.strictObject({
  name: z.string().min(1),
  conclusion: z.enum(["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required"]),
  durationMs: z.number().int().min(0).max(60_000).default(30),
  summary: z.string().optional(),
});

const stepSchema = z.union([
  z.strictObject({ label: z.strictObject({ by: login, name: z.string().optional() }) }),
  z.strictObject({ redeliver: z.strictObject({ event: z.string().min(1), action: z.string().optional() }) }),
  z.strictObject({ waitFor: z.strictObject({ state: taskState.optional(), quiet: z.boolean().optional(), timeoutMs: z.number().int().positive().max(120_000).optional() }) }),
  z.strictObject({ review: z.strictObject({ by: login, event: z.enum(["approve", "request_changes", "comment"]), body: z.string().default("") }) }),
  z.strictObject({ close: z.strictObject({ by: login, merge: z.boolean().default(false) }) }),
  z.strictObject({ closeIssue: z.strictObject({ by: login }) }),
  z.strictObject({ unlabel: z.strictObject({ by: login, name: z.string().optional() }) }),
  /**
   * Kills the app's process with SIGKILL (the scenario then runs the app as a child process) once a
   * model call hangs or the task reaches a state, and starts a new one on the same database.
   */
  z.strictObject({ crash: z.strictObject({ whenHanging: z.boolean().optional(), whenState: taskState.optional() }) }),
]);

export const providerNames = ["anthropic", "openai"] as const;

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  repo: z.strictObject({
    owner: login,
    name: z.string().regex(/^[A-Za-z0-9._-]+$/),
    /** A folder under fixtures/repos/ whose files make up the default branch. */
    fixture: z.string().regex(/^[A-Za-z0-9._-]+$/),
    defaultBranch: z.string().default("main"),
    /** Files added to (or replacing those of) the fixture, by path: a config file, a planted secret. */
    files: z.record(z.string().min(1), z.string()).default({}),
  }),
  /** The providers the app holds keys for, the first being the default model's. */
  providers: z.array(z.enum(providerNames)).min(1).default(["anthropic", "openai"]),
  actors: z.array(actorSchema).min(1),
  issue: z.strictObject({ title: z.string().min(1), body: z.string(), author: login }),
  llm: llmScriptSchema,
  ci: z.strictObject({ checks: z.array(ciCheckSchema).default([{ name: "test", conclusion: "success", durationMs: 30 }]) }).default({ checks: [{ name: "test", conclusion: "success", durationMs: 30 }] }),
  steps: z.array(stepSchema).min(1),
  expect: z
    .strictObject({
      state: taskState.optional(),
      tasksCreated: z.number().int().min(0).optional(),
      modelCalls: z.number().int().min(0).optional(),
      minModelCalls: z.number().int().min(0).optional(),
      comments: z.number().int().min(0).optional(),
      invalidRequests: z.number().int().min(0).optional(),
      leaks: z.number().int().min(0).optional(),
      rounds: z.strictObject({ plan: z.number().int().min(0).optional(), codeReview: z.number().int().min(0).optional() }).optional(),
      crossReviewViolations: z.number().int().min(0).optional(),
      duplicateCalls: z.number().int().min(0).optional(),
      duplicateSideEffects: z.number().int().min(0).optional(),
      /** Providers that served or failed calls. */
      providers: z.number().int().min(0).optional(),
      /** Paths that must not be in the pull request. */
      prFilesExclude: z.array(z.string()).optional(),
      /** Text each file must contain at the pull request's head. */
      prFileContains: z.record(z.string(), z.string()).optional(),
      /** Text some comment on the issue must contain. */
      commentContains: z.array(z.string()).optional(),
    })
    .default({}),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioStep = z.infer<typeof stepSchema>;
export type CiCheckScript = z.infer<typeof ciCheckSchema>;
