import { describe, expect, it } from "vitest";
import type { AgentRole, RepoConfig, Risk } from "../../src/config/repo-config.js";
import { defaultRepoConfig, parseRepoConfig } from "../../src/config/repo-config.js";
import { ModelCatalog } from "../../src/llm/model-catalog.js";
import type { Assessment, ModelRef, RouteDecision } from "../../src/llm/router.js";
import { assessArea, assessRisk, refName, Router, RoutingError } from "../../src/llm/router.js";

const catalog = ModelCatalog.builtIn();
const SONNET: ModelRef = { provider: "anthropic", model: "claude-sonnet-5-5" };
const GPT_BALANCED: ModelRef = { provider: "openai", model: "gpt-5.4" };

function router(providers: readonly string[] = ["anthropic", "openai"], defaultModel = "anthropic/claude-sonnet-5-5"): Router {
  return new Router({ catalog, providers, defaultModel });
}

function risk(value: Risk): Assessment<Risk> {
  return { value, reason: `given ${value}` };
}

const noArea: Assessment<string | null> = { value: null, reason: "no area matched" };

function route(r: Router, role: AgentRole, options: { risk?: Risk; config?: RepoConfig; area?: string; avoid?: readonly ModelRef[] } = {}): RouteDecision {
  return r.route({
    role,
    config: options.config ?? defaultRepoConfig,
    risk: risk(options.risk ?? "medium"),
    area: options.area === undefined ? noArea : { value: options.area, reason: `given ${options.area}` },
    ...(options.avoid === undefined ? {} : { avoid: options.avoid }),
  });
}

function names(decision: RouteDecision): string[] {
  return decision.chain.map(refName);
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-error: ${String(error)}`, { cause: error });
  }
  throw new Error("expected an error, but none was thrown");
}

describe("Router: authors", () => {
  it("gives a medium-risk author the default model, with the other provider's balanced model as its fallback", () => {
    const decision = route(router(), "planner");

    expect(names(decision)).toEqual(["anthropic/claude-sonnet-5-5", "openai/gpt-5.4"]);
    expect(decision).toMatchObject({ role: "planner", risk: "medium", area: null });
  });

  it("gives a high-risk author the default provider's frontier model", () => {
    expect(names(route(router(), "implementer", { risk: "high" }))).toEqual(["anthropic/claude-opus-5-5", "openai/gpt-5.5"]);
  });

  it("orders the default model's provider first, whatever order the keys were given in", () => {
    expect(router(["openai", "anthropic"]).providers).toEqual(["anthropic", "openai"]);
    const openaiFirst = router(["anthropic", "openai"], "openai/gpt-5.4");

    expect(openaiFirst.providers).toEqual(["openai", "anthropic"]);
    expect(names(route(openaiFirst, "planner"))).toEqual(["openai/gpt-5.4", "anthropic/claude-sonnet-5-5"]);
  });

  it("explains the decision with the risk, its reason, the area and the chosen model", () => {
    const decision = route(router(), "implementer", { risk: "high" });

    expect(decision.reason).toContain("risk high (given high)");
    expect(decision.reason).toContain("area none (no area matched)");
    expect(decision.reason).toContain("implementer → anthropic/claude-opus-5-5 (the default provider's frontier model)");
    expect(decision.reason).toContain("fallbacks openai/gpt-5.5");
  });
});

describe("Router: reviewers and the cross-review invariant", () => {
  it("gives a low-risk reviewer the fast tier", () => {
    expect(names(route(router(), "code_reviewer", { risk: "low" }))).toEqual(["anthropic/claude-haiku-5-5", "openai/gpt-5.4-mini"]);
  });

  it("takes a reviewer from the provider that did not write the work", () => {
    const decision = route(router(), "plan_reviewer", { avoid: [SONNET] });

    expect(names(decision)[0]).toBe("openai/gpt-5.4");
    expect(decision.reason).toContain("balanced tier from a provider other than the author's");
  });

  it("with one provider, gives the reviewer another model of that provider and no fallback", () => {
    const decision = route(router(["anthropic"]), "plan_reviewer", { avoid: [SONNET] });

    expect(names(decision)).toEqual(["anthropic/claude-sonnet-4-6"]);
    expect(decision.reason).toContain("no fallback");
  });

  it("keeps every avoided model out of the whole chain, configured fallbacks included", () => {
    const config = parseRepoConfig("models:\n  fallback: [anthropic/claude-sonnet-5-5, openai/gpt-5.4, anthropic/claude-haiku-5-5]\n");

    const decision = route(router(), "code_reviewer", { config, avoid: [SONNET, GPT_BALANCED] });

    expect(names(decision)).toEqual(["anthropic/claude-sonnet-4-6", "anthropic/claude-haiku-5-5", "openai/gpt-5.6-terra"]);
    for (const ref of decision.chain) expect([SONNET, GPT_BALANCED].map(refName)).not.toContain(refName(ref));
  });

  it("skips a configured reviewer that wrote the work, and says so", () => {
    const config = parseRepoConfig("models:\n  code_reviewer: anthropic/claude-sonnet-5-5\n");

    const decision = route(router(), "code_reviewer", { config, avoid: [SONNET] });

    expect(names(decision)).toEqual(["openai/gpt-5.4", "anthropic/claude-sonnet-4-6"]);
    expect(decision.reason).toContain("configured (models.code_reviewer) anthropic/claude-sonnet-5-5 skipped: it wrote what this role reviews");
  });

  it("refuses when every model is avoided", () => {
    const only = new Router({ catalog: new ModelCatalog(catalog.list().filter((m) => m.id === "claude-sonnet-5-5")), providers: ["anthropic"], defaultModel: "claude-sonnet-5-5" });

    const error = thrown(() => route(only, "code_reviewer", { avoid: [SONNET] }));

    expect(error).toBeInstanceOf(RoutingError);
    expect(error.message).toContain("No model can serve code_reviewer");
  });
});

describe("Router: configuration", () => {
  const layered = parseRepoConfig(
    [
      "models:",
      "  planner: anthropic/claude-haiku-5-5",
      "  implementer: anthropic/claude-haiku-5-5",
      "  by_risk:",
      "    high:",
      "      planner: openai/gpt-5.4-mini",
      "      implementer: openai/gpt-5.4-mini",
      "  by_area:",
      "    billing:",
      "      planner: openai/gpt-5.5",
    ].join("\n"),
  );

  it("prefers the area's model over the risk's, the risk's over the role's, and the role's over the default", () => {
    const r = router();

    expect(names(route(r, "planner", { config: layered, risk: "high", area: "billing" }))[0]).toBe("openai/gpt-5.5");
    expect(names(route(r, "implementer", { config: layered, risk: "high", area: "billing" }))[0]).toBe("openai/gpt-5.4-mini");
    expect(names(route(r, "planner", { config: layered, risk: "high", area: "docs" }))[0]).toBe("openai/gpt-5.4-mini");
    expect(names(route(r, "planner", { config: layered, risk: "medium" }))[0]).toBe("anthropic/claude-haiku-5-5");
    expect(names(route(r, "plan_reviewer", { config: layered, risk: "medium" }))[0]).toBe("anthropic/claude-sonnet-5-5");
    expect(route(r, "planner", { config: layered, risk: "high", area: "billing" }).reason).toContain("planner → openai/gpt-5.5 (configured in models.by_area.billing.planner)");
  });

  it("passes over a configured model whose provider has no key, and keeps that provider out of the chain", () => {
    const config = parseRepoConfig("models:\n  planner: openai/gpt-5.5\n  fallback: [openai/gpt-5.4]\n");

    const decision = route(router(["anthropic"]), "planner", { config });

    expect(names(decision)).toEqual(["anthropic/claude-sonnet-5-5"]);
    expect(decision.reason).toContain("configured (models.planner) openai/gpt-5.5 skipped: no API key for openai");
  });

  it("puts the configured fallbacks before the other providers' nearest models", () => {
    const config = parseRepoConfig("models:\n  fallback: [anthropic/claude-haiku-5-5]\n");

    expect(names(route(router(), "planner", { config }))).toEqual(["anthropic/claude-sonnet-5-5", "anthropic/claude-haiku-5-5", "openai/gpt-5.4"]);
  });
});

describe("Router: resolving model names", () => {
  it("resolves provider/model and a bare catalog id to the catalog entry", () => {
    const r = router();

    expect(r.resolve("openai/gpt-5.4")).toMatchObject({ provider: "openai", id: "gpt-5.4", tier: "balanced" });
    expect(r.resolve("claude-haiku-5-5")).toMatchObject({ provider: "anthropic", id: "claude-haiku-5-5", tier: "fast" });
  });

  it("refuses a model missing from the catalog, naming every model it knows", () => {
    const error = thrown(() => router().resolve("anthropic/claude-imaginary-9"));

    expect(error).toBeInstanceOf(RoutingError);
    expect(error.message).toContain("'anthropic/claude-imaginary-9' is not in the model catalog");
    for (const m of catalog.list()) expect(error.message).toContain(`${m.provider}/${m.id}`);
  });

  it("refuses an unknown model named in the repository's configuration", () => {
    const config = parseRepoConfig("models:\n  planner: gpt-imaginary\n");

    expect(() => route(router(), "planner", { config })).toThrow(RoutingError);
  });

  it("asks for provider/model when a bare id is offered by several providers, and accepts the qualified name", () => {
    const prices = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
    const shared = new ModelCatalog([
      { provider: "ollama", id: "qwen3", tier: "balanced", contextWindow: 32_000, capabilities: ["tools"], prices },
      { provider: "vllm", id: "qwen3", tier: "balanced", contextWindow: 32_000, capabilities: ["tools"], prices },
    ]);
    const r = new Router({ catalog: shared, providers: ["ollama", "vllm"], defaultModel: "vllm/qwen3" });

    const error = thrown(() => r.resolve("qwen3"));

    expect(error).toBeInstanceOf(RoutingError);
    expect(error.message).toContain("offered by several providers; write it as provider/model (ollama/qwen3 or vllm/qwen3)");
    expect(r.resolve("ollama/qwen3").provider).toBe("ollama");
  });

  it("refuses to start without a provider, or with a default model whose provider has no key", () => {
    expect(thrown(() => router([])).message).toContain("No model provider is configured");
    const error = thrown(() => router(["openai"]));
    expect(error).toBeInstanceOf(RoutingError);
    expect(error.message).toContain("needs the anthropic provider, which has no API key here");
  });
});

describe("assessRisk", () => {
  const config = parseRepoConfig(
    "risk:\n  default: medium\n  paths:\n    - { pattern: 'docs/**', risk: low }\n    - { pattern: '.github/workflows/**', risk: high }\n    - { pattern: 'src/auth/**', risk: high }\n",
  );

  it("takes the highest risk label, whatever its case", () => {
    expect(assessRisk(config, ["risk:low", "Risk: HIGH", "bug"], [])).toEqual({ value: "high", reason: "label risk:high" });
    expect(assessRisk(config, ["RISK:low"], [".github/workflows/ci.yml"])).toEqual({ value: "low", reason: "label risk:low" });
  });

  it("raises the risk when a touched path matches a rule, dot folders included", () => {
    expect(assessRisk(config, ["risk:extreme"], ["README.md", ".github/workflows/ci.yml"])).toEqual({
      value: "high",
      reason: ".github/workflows/ci.yml matches .github/workflows/**",
    });
  });

  it("falls back to the repository's default, which a lower path rule does not undercut", () => {
    expect(assessRisk(config, [], ["docs/guide.md"])).toEqual({ value: "medium", reason: "the repository's default" });
    expect(assessRisk(parseRepoConfig("risk:\n  default: low\n"), [], ["src/auth/login.ts"])).toEqual({ value: "low", reason: "the repository's default" });
  });
});

describe("assessArea", () => {
  const config = parseRepoConfig("areas:\n  web: ['web/**']\n  api: ['src/api/**', 'src/server/**']\n");

  it("takes the area from an area label, lower-cased", () => {
    expect(assessArea(config, ["bug", "Area:Billing"], ["web/index.ts"])).toEqual({ value: "billing", reason: "label area:billing" });
  });

  it("takes the configured area that covers the most touched paths", () => {
    expect(assessArea(config, [], ["web/index.ts", "src/api/users.ts", "src/server/main.ts"])).toEqual({ value: "api", reason: "2 of 3 touched paths are in api" });
  });

  it("finds no area when no glob matches", () => {
    expect(assessArea(config, ["area:"], ["README.md"])).toEqual({ value: null, reason: "no area matched" });
  });
});

describe("override cascade", () => {
  it("falls through to the risk's reviewer when the area's reviewer wrote the work", () => {
    const config = parseRepoConfig(
      "areas:\n  docs: ['**/*.md']\nmodels:\n  by_area:\n    docs: { code_reviewer: anthropic/claude-sonnet-5-5 }\n  by_risk:\n    medium: { code_reviewer: anthropic/claude-haiku-5-5 }\n",
    );
    const decision = new Router({ catalog: ModelCatalog.builtIn(), providers: ["anthropic", "openai"], defaultModel: "claude-sonnet-5-5" }).route({
      role: "code_reviewer",
      config,
      risk: assessRisk(config, [], ["README.md"]),
      area: assessArea(config, [], ["README.md"]),
      avoid: [{ provider: "anthropic", model: "claude-sonnet-5-5" }],
    });
    expect(decision.chain[0]).toEqual({ provider: "anthropic", model: "claude-haiku-5-5" });
    expect(decision.reason).toContain("configured in models.by_risk.medium.code_reviewer");
  });
});
