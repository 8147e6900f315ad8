import picomatch from "picomatch";
import type { AgentRole, RepoConfig, Risk } from "../config/repo-config.js";
import { riskLevels } from "../config/repo-config.js";
import type { ModelCatalog, ModelEntry } from "./model-catalog.js";

/*
 * Which model does each role of a task use? Risk and area pick a tier and honour the repository's
 * overrides; the cross-review invariant keeps a reviewer off every model that wrote what it
 * reviews, on another provider where one is available. The answer is a chain: the first model,
 * then the ones that take over when its provider fails. Every answer says why.
 */

export interface ModelRef {
  readonly provider: string;
  readonly model: string;
}

export interface RouteDecision {
  readonly role: AgentRole;
  readonly risk: Risk;
  readonly area: string | null;
  /** The model to use first, then the fallbacks in order. Never empty. */
  readonly chain: readonly ModelRef[];
  readonly reason: string;
}

export interface Assessment<T> {
  readonly value: T;
  readonly reason: string;
}

export class RoutingError extends Error {
  override readonly name = "RoutingError";
}

export function refName(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}

const tierByRisk: Record<"author" | "reviewer", Record<Risk, ModelEntry["tier"]>> = {
  author: { low: "balanced", medium: "balanced", high: "frontier" },
  reviewer: { low: "fast", medium: "balanced", high: "frontier" },
};

const tierOrder: readonly ModelEntry["tier"][] = ["fast", "balanced", "frontier"];

const reviewerRoles: ReadonlySet<AgentRole> = new Set(["plan_reviewer", "code_reviewer"]);

/** Risk from a `risk:<level>` label (the highest wins), else from the paths the task touches, else the repository's default. */
export function assessRisk(config: RepoConfig, labels: readonly string[], paths: readonly string[]): Assessment<Risk> {
  const rank = (risk: Risk): number => riskLevels.indexOf(risk);
  const labelled = labels.flatMap((l): Risk[] => {
    const level = /^risk:\s*(low|medium|high)$/i.exec(l.trim())?.[1]?.toLowerCase();
    return level === "low" || level === "medium" || level === "high" ? [level] : [];
  });
  if (labelled.length > 0) {
    const top = labelled.reduce((a, b) => (rank(b) > rank(a) ? b : a));
    return { value: top, reason: `label risk:${top}` };
  }
  let best: { risk: Risk; pattern: string; path: string } | undefined;
  for (const rule of config.risk.paths) {
    const matches = picomatch(rule.pattern, { dot: true });
    const path = paths.find((p) => matches(p));
    if (path !== undefined && (best === undefined || rank(rule.risk) > rank(best.risk))) best = { risk: rule.risk, pattern: rule.pattern, path };
  }
  if (best && rank(best.risk) >= rank(config.risk.default)) return { value: best.risk, reason: `${best.path} matches ${best.pattern}` };
  return { value: config.risk.default, reason: "the repository's default" };
}

/** Area from an `area:<name>` label, else the configured area that covers the most touched paths. */
export function assessArea(config: RepoConfig, labels: readonly string[], paths: readonly string[]): Assessment<string | null> {
  const labelled = labels.map((l) => /^area:\s*([a-z0-9][a-z0-9_-]*)$/i.exec(l.trim())?.[1]?.toLowerCase()).find((a) => a !== undefined);
  if (labelled !== undefined) return { value: labelled, reason: `label area:${labelled}` };
  let best: { name: string; count: number } | undefined;
  for (const [name, globs] of Object.entries(config.areas)) {
    const matches = picomatch(globs, { dot: true });
    const count = paths.filter((p) => matches(p)).length;
    if (count > 0 && (best === undefined || count > best.count)) best = { name, count };
  }
  return best ? { value: best.name, reason: `${best.count} of ${paths.length} touched paths are in ${best.name}` } : { value: null, reason: "no area matched" };
}

export interface RouterOptions {
  readonly catalog: ModelCatalog;
  /** Providers the app holds a key for, in order of preference; the first is the primary. */
  readonly providers: readonly string[];
  /** The default authoring model (ORCHESTRATOR_MODEL): `provider/model` or a catalog id. */
  readonly defaultModel: string;
}

export class Router {
  readonly #catalog: ModelCatalog;
  readonly #providers: readonly string[];
  readonly #primary: ModelEntry;

  constructor(options: RouterOptions) {
    if (options.providers.length === 0) throw new RoutingError("No model provider is configured: set ANTHROPIC_API_KEY or OPENAI_API_KEY.");
    this.#catalog = options.catalog;
    const primary = this.resolve(options.defaultModel);
    // The default model's provider comes first: it is the primary one.
    this.#providers = [...options.providers].sort((a, b) => Number(b === primary.provider) - Number(a === primary.provider));
    if (!this.#providers.includes(primary.provider)) {
      throw new RoutingError(`The default model ${primary.provider}/${primary.id} needs the ${primary.provider} provider, which has no API key here.`);
    }
    this.#primary = primary;
  }

  get providers(): readonly string[] {
    return this.#providers;
  }

  /** A model named in config or settings, checked against the catalog so its cost can be counted. */
  resolve(ref: string): ModelEntry {
    const slash = ref.indexOf("/");
    if (slash > 0) {
      const found = this.#catalog.find(ref.slice(0, slash), ref.slice(slash + 1));
      if (found) return found;
    } else {
      const matches = this.#catalog.list().filter((m) => m.id === ref);
      if (matches.length === 1 && matches[0]) return matches[0];
      if (matches.length > 1) throw new RoutingError(`The model '${ref}' is offered by several providers; write it as provider/model (${matches.map((m) => `${m.provider}/${m.id}`).join(" or ")}).`);
    }
    throw new RoutingError(`The model '${ref}' is not in the model catalog, so its cost could not be counted. Known models: ${this.#catalog.list().map((m) => `${m.provider}/${m.id}`).join(", ")}.`);
  }

  /**
   * The chain for one role. `avoid` lists the models that wrote what a reviewer reviews: none of
   * them appears anywhere in a reviewer's chain.
   */
  route(input: { role: AgentRole; config: RepoConfig; risk: Assessment<Risk>; area: Assessment<string | null>; avoid?: readonly ModelRef[] }): RouteDecision {
    const { role, config, risk, area } = input;
    const avoid = new Set((input.avoid ?? []).map(refName));
    const isReviewer = reviewerRoles.has(role);
    const authorProviders = new Set((input.avoid ?? []).map((r) => r.provider));
    const notes: string[] = [];
    const usable = (entry: ModelEntry, why: string): boolean => {
      const name = `${entry.provider}/${entry.id}`;
      if (!this.#providers.includes(entry.provider)) {
        notes.push(`${why} ${name} skipped: no API key for ${entry.provider}`);
        return false;
      }
      if (avoid.has(name)) {
        notes.push(`${why} ${name} skipped: it wrote what this role reviews`);
        return false;
      }
      return true;
    };

    let first: { entry: ModelEntry; why: string } | undefined;
    // Overrides cascade: the area's, then the risk's, then the role's; one that cannot serve gives way to the next.
    const overrides: [string | undefined, string][] = [
      [area.value ? config.models.by_area[area.value]?.[role] : undefined, `models.by_area.${area.value ?? ""}.${role}`],
      [config.models.by_risk[risk.value]?.[role], `models.by_risk.${risk.value}.${role}`],
      [config.models[role], `models.${role}`],
    ];
    for (const [ref, key] of overrides) {
      if (ref === undefined || first) continue;
      const entry = this.resolve(ref);
      if (usable(entry, `configured (${key})`)) first = { entry, why: `configured in ${key}` };
    }
    const tier = tierByRisk[isReviewer ? "reviewer" : "author"][risk.value];
    first ??= this.#byDefault(role, tier, authorProviders, avoid);
    if (!first) throw new RoutingError(`No model can serve ${role}: every candidate is unavailable or wrote what it would review (${notes.join("; ")}).`);

    const chain: ModelEntry[] = [first.entry];
    const add = (entry: ModelEntry): void => {
      const name = `${entry.provider}/${entry.id}`;
      if (chain.some((c) => `${c.provider}/${c.id}` === name)) return;
      if (!this.#providers.includes(entry.provider) || avoid.has(name)) return;
      chain.push(entry);
    };
    for (const ref of config.models.fallback) add(this.resolve(ref));
    // Then the nearest tier at every other provider, so an outage of one provider is not the end.
    const distance = (m: ModelEntry): number => Math.abs(tierOrder.indexOf(m.tier) - tierOrder.indexOf(first.entry.tier));
    for (const provider of this.#providers) {
      if (provider === first.entry.provider) continue;
      const nearest = this.#catalog
        .list()
        .filter((m) => m.provider === provider && !avoid.has(`${m.provider}/${m.id}`))
        .sort((a, b) => distance(a) - distance(b))[0];
      if (nearest) add(nearest);
    }
    const names = chain.map((c) => `${c.provider}/${c.id}`);
    const reason = [
      `risk ${risk.value} (${risk.reason})`,
      `area ${area.value ?? "none"} (${area.reason})`,
      `${role} → ${names[0] ?? ""} (${first.why})`,
      names.length > 1 ? `fallbacks ${names.slice(1).join(", ")}` : "no fallback",
      ...notes,
    ].join("; ");
    return { role, risk: risk.value, area: area.value, chain: chain.map((c) => ({ provider: c.provider, model: c.id })), reason };
  }

  #byDefault(role: AgentRole, tier: ModelEntry["tier"], authorProviders: ReadonlySet<string>, avoid: ReadonlySet<string>): { entry: ModelEntry; why: string } | undefined {
    const ok = (m: ModelEntry): boolean => this.#providers.includes(m.provider) && !avoid.has(`${m.provider}/${m.id}`);
    if (!reviewerRoles.has(role)) {
      if (tier === this.#primary.tier && ok(this.#primary)) return { entry: this.#primary, why: "the default model" };
      const sameProvider = this.#catalog.list().find((m) => m.provider === this.#primary.provider && m.tier === tier && ok(m));
      if (sameProvider) return { entry: sameProvider, why: `the default provider's ${tier} model` };
    }
    // A reviewer comes from a provider that did not write the work, when there is one.
    const others = this.#providers.filter((p) => !authorProviders.has(p));
    for (const provider of others) {
      const found = this.#catalog.list().find((m) => m.provider === provider && m.tier === tier && ok(m));
      if (found) return { entry: found, why: authorProviders.size > 0 ? `${tier} tier from a provider other than the author's` : `${tier} tier` };
    }
    const anyTier = this.#catalog.list().filter(ok);
    const found = anyTier.find((m) => m.tier === tier) ?? anyTier.find((m) => !authorProviders.has(m.provider)) ?? anyTier[0];
    return found ? { entry: found, why: `the nearest available model (no ${tier} model from another provider)` } : undefined;
  }
}
