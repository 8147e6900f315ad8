import { describe, expect, it } from "vitest";
import catalogJson from "../../src/llm/model-catalog.json" with { type: "json" };
import type { ModelEntry, ModelPrices } from "../../src/llm/model-catalog.js";
import { CatalogError, costOf, ModelCatalog, pricesFor } from "../../src/llm/model-catalog.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TokenUsage } from "../../src/store/model-calls.js";

const catalog = ModelCatalog.builtIn();

function entry(provider: string, id: string): ModelEntry {
  const found = catalog.find(provider, id);
  if (!found) throw new Error(`${provider}/${id} is not in the catalog`);
  return found;
}

function usage(overrides: Partial<TokenUsage>): TokenUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, ...overrides };
}

describe("the model catalog", () => {
  it("loads every model of the shipped catalog file", () => {
    expect(catalog.list().map((m) => `${m.provider}/${m.id}`)).toEqual(catalogJson.models.map((m) => `${m.provider}/${m.id}`));
    expect(entry("anthropic", "claude-haiku-5-5")).toMatchObject({ tier: "fast", prices: { input: 0.1, output: 0.5 } });
  });

  it("prices a dated model id as its alias", () => {
    expect(catalog.find("anthropic", "claude-haiku-5-5-20260101")).toBe(entry("anthropic", "claude-haiku-5-5"));
  });

  it("knows no model under another provider, an unknown alias or a suffix that is not a date", () => {
    expect(catalog.find("openai", "claude-haiku-5-5")).toBeUndefined();
    expect(catalog.find("anthropic", "claude-haiku-9-9-20260101")).toBeUndefined();
    expect(catalog.find("anthropic", "claude-haiku-5-5-latest")).toBeUndefined();
    expect(catalog.find("anthropic", "claude-haiku-5-5-2026")).toBeUndefined();
  });

  it("serves a catalog built from other entries", () => {
    const custom = new ModelCatalog([{ provider: "ollama", id: "qwen3", tier: "fast", contextWindow: 32_000, capabilities: ["tools"], prices: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 } }]);

    expect(custom.find("ollama", "qwen3")?.contextWindow).toBe(32_000);
    expect(custom.find("anthropic", "claude-haiku-5-5")).toBeUndefined();
  });
});

describe("pricesFor", () => {
  const haiku = entry("anthropic", "claude-haiku-5-5");
  const threshold = haiku.longPrompt?.thresholdTokens ?? Number.NaN;

  it("uses the standard band up to the long-prompt threshold", () => {
    expect(threshold).toBe(100_000);
    expect(pricesFor(haiku, usage({ inputTokens: threshold, outputTokens: 50_000 }))).toEqual(haiku.prices);
  });

  it("uses the long-prompt band once input, cache reads and cache writes together pass the threshold", () => {
    expect(pricesFor(haiku, usage({ inputTokens: 40_000, cacheReadTokens: 50_000, cacheWriteTokens: 10_001 }))).toEqual(haiku.longPrompt?.prices);
    expect(pricesFor(haiku, usage({ inputTokens: threshold + 1 }))).toEqual({ input: 0.5, output: 2.5, cacheWrite: 0.625, cacheRead: 0.05 });
  });

  it("does not count output toward the threshold", () => {
    expect(pricesFor(haiku, usage({ inputTokens: 10, outputTokens: 500_000 }))).toEqual(haiku.prices);
  });

  it("always uses the standard band for a model without a long-prompt band", () => {
    const sonnet = entry("anthropic", "claude-sonnet-5-5");

    expect(sonnet.longPrompt).toBeUndefined();
    expect(pricesFor(sonnet, usage({ inputTokens: 900_000 }))).toEqual(sonnet.prices);
  });
});

describe("costOf", () => {
  it("charges each kind of token at its own price per million", () => {
    const prices: ModelPrices = { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 };

    expect(costOf(usage({ inputTokens: 1_000_000 }), prices)).toBeCloseTo(3, 12);
    expect(costOf(usage({ outputTokens: 1_000_000 }), prices)).toBeCloseTo(15, 12);
    expect(costOf(usage({ cacheWriteTokens: 1_000_000 }), prices)).toBeCloseTo(3.75, 12);
    expect(costOf(usage({ cacheReadTokens: 1_000_000 }), prices)).toBeCloseTo(0.3, 12);
    // 2 000 × 3 + 500 × 15 + 10 000 × 3.75 + 40 000 × 0.3 = 63 000 millionths of a dollar.
    expect(costOf({ inputTokens: 2_000, outputTokens: 500, cacheWriteTokens: 10_000, cacheReadTokens: 40_000 }, prices)).toBeCloseTo(0.063, 12);
  });

  it("costs nothing for no tokens", () => {
    expect(costOf(usage({}), entry("openai", "gpt-5.5").prices)).toBe(0);
  });
});

describe("ModelCatalog.withExtra", () => {
  const dir = mkdtempSync(join(tmpdir(), "orchestrator-catalog-"));
  const write = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it("adds self-hosted models to the built-in ones and replaces an entry with the same provider and id", () => {
    const path = write(
      "extra.json",
      JSON.stringify({
        models: [
          { provider: "openai", id: "qwen3-coder", tier: "balanced", contextWindow: 128000, capabilities: ["tools"], prices: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 } },
          { provider: "openai", id: "gpt-5.4", tier: "balanced", contextWindow: 1000000, capabilities: ["tools"], prices: { input: 2, output: 12, cacheWrite: 2, cacheRead: 0.2 } },
        ],
      }),
    );
    const catalog = ModelCatalog.withExtra(path);
    expect(catalog.find("openai", "qwen3-coder")?.prices.output).toBe(0);
    expect(catalog.find("openai", "gpt-5.4")?.prices.output).toBe(12);
    expect(catalog.find("anthropic", "claude-sonnet-5-5")).toBeDefined();
    expect(catalog.list()).toHaveLength(ModelCatalog.builtIn().list().length + 1);
  });

  it("refuses a file that is not JSON or not shaped like the catalog, naming the file and the field", () => {
    expect(() => ModelCatalog.withExtra(write("broken.json", "{ models: "))).toThrow(CatalogError);
    expect(() => ModelCatalog.withExtra(write("shape.json", JSON.stringify({ models: [{ provider: "openai", id: "x", tier: "huge" }] })))).toThrow(/shape\.json is not valid[\s\S]*tier/);
    expect(ModelCatalog.withExtra(undefined).list()).toEqual(ModelCatalog.builtIn().list());
  });
});
