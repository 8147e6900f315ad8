import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { PermanentError } from "../engine/errors.js";
import { gatePolicySchema, gatesSchema } from "../gates/gate-config.js";

/*
 * `.github/orchestrator.yml`: how one repository wants Orchestrator to work. It names models, never
 * keys (keys live in the app's environment). It is read from the task's base commit on the default
 * branch, so a pull request cannot change the rules it is judged by, and frozen for the task's life.
 */

export const agentRoles = ["planner", "plan_reviewer", "implementer", "code_reviewer"] as const;
export type AgentRole = (typeof agentRoles)[number];

export const riskLevels = ["low", "medium", "high"] as const;
export type Risk = (typeof riskLevels)[number];

/** `provider/model` or a bare model id from the catalog. */
const modelRef = z.string().trim().min(1).max(200).describe("A model: provider/model (anthropic/claude-sonnet-5-5) or a model id from the catalog");

const roleModels = z
  .strictObject({
    planner: modelRef.optional(),
    plan_reviewer: modelRef.optional(),
    implementer: modelRef.optional(),
    code_reviewer: modelRef.optional(),
  })
  .describe("Models per role; roles left out are chosen by risk from the catalog");

const areaName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "lowercase letters, digits, '-' and '_'");
const glob = z.string().trim().min(1).max(300);

export const repoConfigSchema = z
  .strictObject({
    models: z
      .strictObject({
        ...roleModels.shape,
        fallback: z.array(modelRef).max(10).default([]).describe("Models tried, in order, when a role's model's provider fails"),
        by_risk: z.partialRecord(z.enum(riskLevels), roleModels).default({}).describe("Per-risk overrides of the role models"),
        by_area: z.record(areaName, roleModels).default({}).describe("Per-area overrides; they win over by_risk"),
      })
      .default({ fallback: [], by_risk: {}, by_area: {} }),
    risk: z
      .strictObject({
        default: z.enum(riskLevels).default("medium"),
        paths: z.array(z.strictObject({ pattern: glob, risk: z.enum(riskLevels) })).max(100).default([]).describe("Paths whose change raises a task's risk"),
      })
      .default({ default: "medium", paths: [] }),
    areas: z.record(areaName, z.array(glob).min(1)).default({}).describe("Named areas by path globs (also set by an area:<name> label)"),
    budget: z
      .strictObject({
        task_usd: z.number().positive().max(10_000).default(5).describe("Most a task may spend on model calls, in USD"),
        task_tokens: z.number().int().positive().max(1_000_000_000).default(3_000_000).describe("Most tokens a task may use (input, cache and output)"),
        daily_usd: z.number().positive().max(1_000_000).default(50).describe("Most this repository's tasks may spend per UTC day, in USD"),
      })
      .default({ task_usd: 5, task_tokens: 3_000_000, daily_usd: 50 }),
    limits: z
      .strictObject({
        plan_rounds: z.number().int().min(1).max(10).default(3).describe("Plans written before the plan reviewer must approve"),
        code_review_rounds: z.number().int().min(1).max(10).default(3).describe("Implementations before the code reviewer must approve"),
        implementer_turns: z.number().int().min(1).max(50).default(12).describe("Model turns per implementation"),
        max_files: z.number().int().min(1).max(1000).default(50).describe("Most files one task may change"),
        max_lines: z.number().int().min(1).max(100_000).default(3000).describe("Most lines one task may add and remove"),
      })
      .default({ plan_rounds: 3, code_review_rounds: 3, implementer_turns: 12, max_files: 50, max_lines: 3000 }),
    paths: z
      .strictObject({
        protected: z.array(glob).max(200).default([]).describe("Paths agents may not write, added to the built-in list"),
        allow: z.array(glob).max(200).default([]).describe("Built-in protected patterns to lift (never .git/**)"),
      })
      .default({ protected: [], allow: [] }),
    redaction: z
      .strictObject({ emails: z.boolean().default(false).describe("Also mask e-mail addresses in what models, logs and comments see") })
      .default({ emails: false }),
    ci: z
      .strictObject({
        required_checks: z
          .array(z.string().trim().min(1).max(200))
          .max(100)
          .optional()
          .describe("Check names that must pass; left out, every check on the head commit except Orchestrator's own"),
        fix_attempts: z.number().int().min(0).max(10).default(3).describe("Fix commits made for red CI before the task waits for a person (a repeated failure stops it sooner)"),
        draft_until_green: z.boolean().default(true).describe("Open the pull request as a draft and mark it ready for review when the required checks pass"),
        no_checks_minutes: z.number().positive().max(1440).default(10).describe("With no required_checks: if no check at all has reported this long after a push, the repository is taken to have no CI and the pull request goes to review"),
        timeout_minutes: z.number().int().min(5).max(10_080).default(120).describe("A required check still unfinished this long after a push hands the task to a person"),
      })
      .default({ fix_attempts: 3, draft_until_green: true, no_checks_minutes: 10, timeout_minutes: 120 }),
    review: z
      .strictObject({
        reviewers: z.array(z.string().regex(/^[A-Za-z0-9-]+$/, "a GitHub login")).max(15).default([]).describe("People asked to review when CI is green; left empty, the person who added the label"),
        auto_merge: z.boolean().default(false).describe("Merge the pull request when a person with write access approves it and the required checks are green"),
      })
      .default({ reviewers: [], auto_merge: false }),
    plan_approval: z
      .strictObject({
        risks: z.array(z.enum(riskLevels)).max(3).default(["high"]).describe("Risk levels whose plan waits for `/orchestrator approve-plan` before implementation"),
      })
      .default({ risks: ["high"] }),
    gates: gatesSchema.refine((gates) => new Set(gates.map((g) => g.name.toLowerCase())).size === gates.length, { message: "gate names must be unique" }),
    gate: gatePolicySchema.describe("How the quality gate judges findings"),
    alerts: z
      .strictObject({
        budget_percent: z
          .array(z.number().int().min(1).max(100))
          .max(5)
          .default([80, 100])
          .describe("Shares of the task's budget (percent) at which people are told, each once: a comment on the issue, a note on the check run and a log line. 100 also covers a call the budget refused"),
        stuck_minutes: z.number().int().min(5).max(10_080).default(240).describe("A task working (not waiting on CI or people) with no progress this long raises an alert"),
      })
      .default({ budget_percent: [80, 100], stuck_minutes: 240 }),
    trust: z
      .strictObject({
        allow_bots: z.array(z.string().trim().min(1).max(100)).max(20).default([]).describe("Bot accounts (login, e.g. renovate[bot]) whose labels, reviews and commands count; other bots are ignored"),
      })
      .default({ allow_bots: [] }),
  })
  .describe("Orchestrator's configuration for this repository (.github/orchestrator.yml)");

export type RepoConfig = z.infer<typeof repoConfigSchema>;

export const repoConfigPath = ".github/orchestrator.yml";

export const defaultRepoConfig: RepoConfig = repoConfigSchema.parse({});

/** The file is not valid: the message names the key and the shape it should have. */
export class RepoConfigError extends PermanentError {}

/** Parses the file's text; a missing or empty file is the defaults. */
export function parseRepoConfig(text: string | null | undefined): RepoConfig {
  if (text === null || text === undefined || text.trim() === "") return defaultRepoConfig;
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 50 });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : "";
    throw new RepoConfigError(`${repoConfigPath} is not valid YAML${where}: ${error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error)}`);
  }
  if (raw === null || raw === undefined) return defaultRepoConfig;
  const parsed = repoConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    return `\`${key}\`: ${issue.message}`;
  });
  throw new RepoConfigError(`${repoConfigPath} has ${problems.length === 1 ? "a problem" : `${problems.length} problems`}: ${problems.join("; ")}. See the configuration reference in Orchestrator's README.`);
}

/** The JSON Schema editors use to check the file (written to schema/orchestrator.schema.json by `npm run schema`). */
export function repoConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(repoConfigSchema, { target: "draft-7", io: "input" });
}
