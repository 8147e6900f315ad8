import { describe, expect, it } from "vitest";
import { isRetryable, PermanentError } from "../../src/engine/errors.js";
import { agentRoles, defaultRepoConfig, parseRepoConfig, RepoConfigError, repoConfigJsonSchema } from "../../src/config/repo-config.js";

function refusal(text: string): RepoConfigError {
  try {
    parseRepoConfig(text);
  } catch (error) {
    if (error instanceof RepoConfigError) return error;
    throw error;
  }
  throw new Error("expected the configuration to be refused, but it parsed");
}

interface SchemaNode {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: boolean | SchemaNode;
  readonly required?: readonly string[];
  readonly default?: unknown;
  readonly enum?: readonly string[];
  readonly propertyNames?: SchemaNode;
}

function child(node: SchemaNode | undefined, key: string): SchemaNode {
  const found = node?.properties?.[key];
  if (found === undefined) throw new Error(`the schema has no property ${key}`);
  return found;
}

describe("parseRepoConfig: defaults", () => {
  it("gives the defaults for a missing, empty, blank or comment-only file", () => {
    for (const text of [null, undefined, "", "  \n\t\n", "# nothing configured yet\n", "~\n"]) {
      expect(parseRepoConfig(text)).toEqual(defaultRepoConfig);
    }
  });

  it("has the documented default values", () => {
    expect(defaultRepoConfig).toEqual({
      models: { fallback: [], by_risk: {}, by_area: {} },
      risk: { default: "medium", paths: [] },
      areas: {},
      budget: { task_usd: 5, task_tokens: 3_000_000, daily_usd: 50 },
      limits: { plan_rounds: 3, code_review_rounds: 3, implementer_turns: 12, max_files: 50, max_lines: 3000 },
      paths: { protected: [], allow: [] },
      redaction: { emails: false },
      ci: { fix_attempts: 3, draft_until_green: true, no_checks_minutes: 10, timeout_minutes: 120 },
      review: { reviewers: [], auto_merge: false },
      plan_approval: { risks: ["high"] },
      alerts: { budget_percent: [80, 100], stuck_minutes: 240 },
      trust: { allow_bots: [] },
      gates: [],
      gate: { fail_on: "warning", diff_only: true, no_cheating: true, semgrep: "auto", semgrep_config: "p/default" },
    });
  });

  it("fills what a partial file leaves out with the defaults", () => {
    const config = parseRepoConfig("budget:\n  task_usd: 2.5\nmodels:\n  planner: '  anthropic/claude-opus-5-5 '\n");

    expect(config.budget).toEqual({ task_usd: 2.5, task_tokens: 3_000_000, daily_usd: 50 });
    expect(config.models).toEqual({ planner: "anthropic/claude-opus-5-5", fallback: [], by_risk: {}, by_area: {} });
    expect(config.limits).toEqual(defaultRepoConfig.limits);
  });

  it("reads a full file", () => {
    const config = parseRepoConfig(
      [
        "models:",
        "  code_reviewer: openai/gpt-5.5",
        "  fallback: [openai/gpt-5.4]",
        "  by_risk: { high: { implementer: anthropic/claude-opus-5-5 } }",
        "  by_area: { billing: { planner: anthropic/claude-opus-5-5 } }",
        "risk: { default: low, paths: [{ pattern: 'src/auth/**', risk: high }] }",
        "areas: { billing: ['src/billing/**'] }",
        "limits: { max_files: 10 }",
        "paths: { protected: ['infra/**'], allow: ['package.json'] }",
        "redaction: { emails: true }",
      ].join("\n"),
    );

    expect(config.models.by_risk.high?.implementer).toBe("anthropic/claude-opus-5-5");
    expect(config.models.by_area.billing?.planner).toBe("anthropic/claude-opus-5-5");
    expect(config.risk).toEqual({ default: "low", paths: [{ pattern: "src/auth/**", risk: "high" }] });
    expect(config.areas).toEqual({ billing: ["src/billing/**"] });
    expect(config.limits.max_files).toBe(10);
    expect(config.paths).toEqual({ protected: ["infra/**"], allow: ["package.json"] });
    expect(config.redaction.emails).toBe(true);
  });
});

describe("parseRepoConfig: refusals", () => {
  it("names the line of a YAML syntax error", () => {
    const error = refusal("risk:\n  default: low\n\tbudget: 1\n");

    expect(error).toBeInstanceOf(PermanentError);
    expect(isRetryable(error)).toBe(false);
    expect(error.message).toMatch(/^\.github\/orchestrator\.yml is not valid YAML at line 3: Tabs are not allowed as indentation/);
    expect(error.message).not.toContain("\n");
  });

  it("refuses a file that multiplies aliases to exhaust memory", () => {
    const evil = ["a: &a [x, x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]"].join("\n");

    expect(refusal(evil).message).toContain("is not valid YAML: Excessive alias count");
  });

  it("names an unknown top-level key", () => {
    const error = refusal("modles:\n  planner: anthropic/claude-opus-5-5\n");

    expect(error.message).toContain('`(top level)`: Unrecognized key: "modles"');
    expect(error.message).toContain("has a problem:");
  });

  it("names an unknown nested key and the object it is in", () => {
    expect(refusal("budget:\n  task_usdd: 3\n").message).toContain('`budget`: Unrecognized key: "task_usdd"');
    expect(refusal("models:\n  by_risk:\n    high:\n      reviewer: x\n").message).toContain('`models.by_risk.high`: Unrecognized key: "reviewer"');
  });

  it("names the dotted path of a value of the wrong type", () => {
    expect(refusal("budget:\n  task_usd: lots\n").message).toContain("`budget.task_usd`: Invalid input: expected number, received string");
    expect(refusal("models:\n  by_risk:\n    high:\n      planner: 5\n").message).toContain("`models.by_risk.high.planner`");
    expect(refusal("risk:\n  paths:\n    - pattern: 'a/**'\n      risk: huge\n").message).toContain("`risk.paths.0.risk`");
  });

  it("refuses values out of range", () => {
    expect(refusal("budget:\n  task_usd: 0\n").message).toContain("`budget.task_usd`");
    expect(refusal("limits:\n  plan_rounds: 11\n").message).toContain("`limits.plan_rounds`");
    expect(refusal("areas:\n  web: []\n").message).toContain("`areas.web`");
  });

  it("counts and lists every problem", () => {
    const error = refusal("budget:\n  task_usd: lots\n  daily_usd: -1\nmodles: {}\n");

    expect(error.message).toContain("has 3 problems:");
    expect(error.message).toContain("`budget.task_usd`");
    expect(error.message).toContain("`budget.daily_usd`");
    expect(error.message).toContain('Unrecognized key: "modles"');
  });

  it("refuses a file that is not a mapping", () => {
    expect(refusal("- planner\n- implementer\n").message).toContain("`(top level)`: Invalid input: expected object, received array");
  });
});

describe("repoConfigJsonSchema", () => {
  const schema = repoConfigJsonSchema() as SchemaNode & { readonly $schema?: string; readonly description?: string };

  it("is a draft-7 schema of a closed object with nothing required", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.type).toBe("object");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toBeUndefined();
    expect(schema.description).toContain(".github/orchestrator.yml");
  });

  it("contains every documented key", () => {
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(["alerts", "areas", "budget", "ci", "gate", "gates", "limits", "models", "paths", "plan_approval", "redaction", "review", "risk", "trust"]);
    expect(Object.keys(child(schema, "models").properties ?? {}).sort()).toEqual([...agentRoles, "by_area", "by_risk", "fallback"].sort());
    expect(Object.keys(child(schema, "risk").properties ?? {}).sort()).toEqual(["default", "paths"]);
    expect(Object.keys(child(schema, "budget").properties ?? {}).sort()).toEqual(["daily_usd", "task_tokens", "task_usd"]);
    expect(Object.keys(child(schema, "limits").properties ?? {}).sort()).toEqual(["code_review_rounds", "implementer_turns", "max_files", "max_lines", "plan_rounds"]);
    expect(Object.keys(child(schema, "paths").properties ?? {}).sort()).toEqual(["allow", "protected"]);
    expect(Object.keys(child(schema, "redaction").properties ?? {})).toEqual(["emails"]);
    expect(Object.keys(child(schema, "ci").properties ?? {}).sort()).toEqual(["draft_until_green", "fix_attempts", "no_checks_minutes", "required_checks", "timeout_minutes"]);
    expect(Object.keys(child(schema, "review").properties ?? {}).sort()).toEqual(["auto_merge", "reviewers"]);
    expect(Object.keys(child(schema, "plan_approval").properties ?? {})).toEqual(["risks"]);
    expect(Object.keys(child(schema, "trust").properties ?? {})).toEqual(["allow_bots"]);
    expect(Object.keys(child(schema, "alerts").properties ?? {})).toEqual(["budget_percent", "stuck_minutes"]);
    expect(Object.keys(child(schema, "gate").properties ?? {}).sort()).toEqual(["coverage", "diff_only", "fail_on", "no_cheating", "semgrep", "semgrep_config"]);
  });

  it("carries defaults, closed nested objects and the risk levels", () => {
    const budget = child(schema, "budget");
    expect(budget.additionalProperties).toBe(false);
    expect(child(budget, "task_usd").default).toBe(5);
    expect(child(child(schema, "risk"), "default").enum).toEqual(["low", "medium", "high"]);
    expect(child(child(schema, "models"), "by_risk").propertyNames?.enum).toEqual(["low", "medium", "high"]);
  });
});

describe("parseRepoConfig: quality gates", () => {
  it("reads the gates in the documented shape, with defaults", () => {
    const config = parseRepoConfig(
      [
        "gates:",
        "  - name: tests",
        "    run: npm test -- --reporter=junit --outputFile=junit.xml",
        "    format: junit",
        "    report: junit.xml",
        "    required: true",
        "  - name: lint",
        "    run: npx eslint -f json .",
        "    format: eslint",
        "gate:",
        "  fail_on: error",
      ].join("\n"),
    );
    expect(config.gates.map((g) => [g.name, g.format, g.report, g.required, g.allow_warnings, g.timeout_minutes])).toEqual([
      ["tests", "junit", "junit.xml", true, false, 30],
      ["lint", "eslint", undefined, true, false, 30],
    ]);
    expect(config.gate).toMatchObject({ fail_on: "error", diff_only: true, no_cheating: true, semgrep: "auto" });
  });

  it("names the bad key of a gate and the formats it accepts", () => {
    expect(() => parseRepoConfig("gates:\n  - name: lint\n    run: eslint .\n    format: checkstyle\n")).toThrow(/`gates\.0\.format`: .*eslint.*exit-code/);
    expect(() => parseRepoConfig("gates:\n  - { name: a, run: x, format: tap }\n  - { name: A, run: y, format: tap }\n")).toThrow(/gate names must be unique/);
  });
});
