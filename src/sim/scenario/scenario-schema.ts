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

const ciConclusion = z.enum(["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required"]);

/**
 * One check (an Actions job) CI runs on every push to a pull request: either scripted — `conclusion`,
 * or `conclusions` for successive runs (the last repeating), with optional output — or real: `run`,
 * a shell command run in a checkout of the head commit, which passes on exit code 0.
 */
export const ciCheckSchema = z
  .strictObject({
    name: z.string().min(1),
    conclusion: ciConclusion.optional(),
    /** One conclusion per run of this check, in order (pushes and re-runs alike); the last repeats. */
    conclusions: z.array(ciConclusion).min(1).optional(),
    run: z.string().min(1).optional(),
    /** Runs the real quality gate (the gates: of the head's .github/orchestrator.yml) on the pull request's change, as the Action does. */
    gate: z.literal(true).optional(),
    /** How long `run` may take before it is stopped and the check times out; 60 s when not given. */
    timeoutMs: z.number().int().positive().max(600_000).optional(),
    /** How long a scripted check takes. */
    durationMs: z.number().int().min(0).max(60_000).default(30),
    summary: z.string().optional(),
    text: z.string().optional(),
    annotations: z
      .array(
        z.strictObject({
          path: z.string().min(1),
          line: z.number().int().positive(),
          level: z.enum(["notice", "warning", "failure"]).default("failure"),
          title: z.string().optional(),
          message: z.string().min(1),
        }),
      )
      .max(50)
      .optional(),
  })
  .refine((c) => [c.conclusion, c.conclusions, c.run, c.gate].filter((v) => v !== undefined).length === 1, {
    message: "give exactly one of `conclusion: failure` (a fixed outcome), `conclusions: [failure, success]` (one per run, the last repeating), `run: node --test` (a command whose exit code decides) or `gate: true` (the real quality gate)",
  })
  .refine((c) => c.run === undefined || (c.summary === undefined && c.text === undefined && c.annotations === undefined), {
    message: "`summary`, `text` and `annotations` script a fixed conclusion; a `run` check reports its command's own output",
  })
  .refine((c) => c.run !== undefined || c.timeoutMs === undefined, { message: "`timeoutMs` limits a `run` command; a scripted check takes `durationMs`" });

const stepSchema = z.union([
  z.strictObject({ label: z.strictObject({ by: login, name: z.string().optional() }) }),
  z.strictObject({ redeliver: z.strictObject({ event: z.string().min(1), action: z.string().optional() }) }),
  z.strictObject({
    waitFor: z.strictObject({
      state: taskState.optional(),
      /** Only once the task's event log has an event of this kind (e.g. request_revision): a state the task was already in does not count. */
      afterEvent: z.string().min(1).optional(),
      quiet: z.boolean().optional(),
      timeoutMs: z.number().int().positive().max(120_000).optional(),
    }),
  }),
  z.strictObject({
    review: z.strictObject({
      by: login,
      event: z.enum(["approve", "request_changes", "comment"]),
      body: z.string().default(""),
      /** Inline comments, each the start of a review thread on the pull request's diff. */
      comments: z.array(z.strictObject({ path: z.string().min(1), line: z.number().int().positive(), body: z.string().min(1) })).default([]),
    }),
  }),
  /** A comment on the issue, or on the task's pull request (`on: pr`): how people give commands. */
  z.strictObject({ comment: z.strictObject({ by: login, body: z.string().min(1), on: z.enum(["issue", "pr"]).default("issue") }) }),
  /** Someone edits the issue after it was labelled. */
  z.strictObject({ editIssue: z.strictObject({ by: login, title: z.string().optional(), body: z.string().optional() }) }),
  /** The next `count` deliveries of the event are lost (GitHub does not redeliver them). */
  z.strictObject({ dropWebhooks: z.strictObject({ event: z.string().min(1), action: z.string().optional(), count: z.number().int().positive().max(100).default(1) }) }),
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
  /** Orchestrator settings for this run, e.g. a short ORCHESTRATOR_RECONCILE_SECONDS. */
  settings: z.record(z.string().regex(/^ORCHESTRATOR_[A-Z_]+$/, "an ORCHESTRATOR_* setting"), z.string()).default({}),
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
      /** CI fix commits the task made. */
      fixAttempts: z.number().int().min(0).optional(),
      maxFixAttempts: z.number().int().min(0).optional(),
      /** Revisions after a person requested changes. */
      revisions: z.number().int().min(0).optional(),
      /** Replies the app posted to review threads. */
      threadReplies: z.number().int().min(0).optional(),
      /** Text each of which some reply to a review thread must contain. */
      threadReplyContains: z.array(z.string()).optional(),
      /** Files changed by the pull request. */
      prFileCount: z.number().int().min(0).optional(),
      /** REST calls that wrote the pull request's content and opened it. */
      maxPrCreationCalls: z.number().int().min(0).optional(),
      /** Text the task's failure (why it stopped) must contain. */
      failureContains: z.array(z.string()).optional(),
    })
    .default({}),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioStep = z.infer<typeof stepSchema>;
export type CiCheckScript = z.infer<typeof ciCheckSchema>;
