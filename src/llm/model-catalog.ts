import { readFileSync } from "node:fs";
import { z } from "zod";
import catalogJson from "./model-catalog.json" with { type: "json" };
import type { TokenUsage } from "./llm-client.js";

const pricesSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheWrite: z.number().nonnegative(),
  cacheRead: z.number().nonnegative(),
});

const modelSchema = z.object({
  provider: z.string().min(1),
  id: z.string().min(1),
  tier: z.enum(["fast", "balanced", "frontier"]),
  contextWindow: z.number().int().positive(),
  capabilities: z.array(z.string()),
  prices: pricesSchema,
  longPrompt: z.object({ thresholdTokens: z.number().int().positive(), prices: pricesSchema }).optional(),
});

const catalogSchema = z.object({ pricesAsOf: z.string(), note: z.string(), models: z.array(modelSchema).min(1) });

export class CatalogError extends Error {
  override readonly name = "CatalogError";
}

export type ModelEntry = z.infer<typeof modelSchema>;
export type ModelPrices = z.infer<typeof pricesSchema>;

export class ModelCatalog {
  readonly #models: ReadonlyMap<string, ModelEntry>;

  constructor(models: readonly ModelEntry[]) {
    this.#models = new Map(models.map((m) => [`${m.provider}/${m.id}`, m]));
  }

  /** The catalog shipped with Orchestrator (src/llm/model-catalog.json), checked once when loaded. */
  static builtIn(): ModelCatalog {
    return new ModelCatalog(catalogSchema.parse(catalogJson).models);
  }

  /**
   * The built-in catalog with the models of a JSON file (`{"models": [...]}`, entries shaped as in
   * model-catalog.json) added or replaced: self-hosted models behind an OpenAI-compatible endpoint,
   * or prices negotiated with a provider.
   */
  static withExtra(path: string | undefined): ModelCatalog {
    const builtIn = catalogSchema.parse(catalogJson).models;
    if (path === undefined) return new ModelCatalog(builtIn);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new CatalogError(`The model catalog ${path} could not be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = z.object({ models: z.array(modelSchema).min(1) }).safeParse(raw);
    if (!parsed.success) throw new CatalogError(`The model catalog ${path} is not valid: ${z.prettifyError(parsed.error)}`);
    return new ModelCatalog([...builtIn, ...parsed.data.models]);
  }

  find(provider: string, model: string): ModelEntry | undefined {
    return this.#models.get(`${provider}/${model}`) ?? this.#findByDatedId(provider, model);
  }

  list(): ModelEntry[] {
    return [...this.#models.values()];
  }

  /** Providers answer with dated ids (claude-haiku-4-5-20251001); price them as their alias. */
  #findByDatedId(provider: string, model: string): ModelEntry | undefined {
    const alias = model.replace(/-\d{8}$/, "");
    return alias === model ? undefined : this.#models.get(`${provider}/${alias}`);
  }
}

/** The prices that apply to one call: some models cost more per token once the prompt passes a size. */
export function pricesFor(model: ModelEntry, usage: TokenUsage): ModelPrices {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return model.longPrompt && prompt > model.longPrompt.thresholdTokens ? model.longPrompt.prices : model.prices;
}

/** Dollars for one call, from the usage the provider reported and the model's list prices. */
export function costOf(usage: TokenUsage, prices: ModelPrices): number {
  const perToken = 1 / 1_000_000;
  return (
    usage.inputTokens * prices.input * perToken +
    usage.outputTokens * prices.output * perToken +
    usage.cacheWriteTokens * prices.cacheWrite * perToken +
    usage.cacheReadTokens * prices.cacheRead * perToken
  );
}
