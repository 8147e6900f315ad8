// Part 1 of the engine benchmark: tokens per task and prompt caching, per scenario, from the kept SQLite database.
import { join } from "node:path";
import { listScenarios, loadScenario } from "../src/sim/scenario/load-scenario.js";
import { runScenario } from "../src/sim/scenario/run-scenario.js";
import type { ModelCall } from "../src/store/model-calls.js";
import { listModelCalls } from "../src/store/model-calls.js";
import { openDatabase } from "../src/store/open-database.js";
import { count, pct, share, table } from "./engine-stats.js";

/** Final states of a task that ran its course: the scenarios worth counting tokens for. */
const countedStates: readonly string[] = ["done", "needs_human"];

export interface Tokens {
  readonly calls: number;
  readonly input: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly output: number;
  readonly costUsd: number;
  /**
   * Input tokens a provider cached without reporting a write (OpenAI before GPT-5.6), as shown by
   * the next call of the phase reading them back: counted inside the prefix, as a reported write is.
   */
  readonly impliedWrite: number;
}

/** All succeeded calls of one role in one task, e.g. a repair round, implementer turns, or plan revisions. */
export interface Phase {
  readonly scenario: string;
  readonly role: string;
  readonly providers: readonly string[];
  /** True when no other role's call sits between them (repair rounds, turns); false for review rounds. */
  readonly consecutive: boolean;
  readonly tokens: Tokens;
}

export interface ScenarioTokens {
  readonly scenario: string;
  readonly state: string;
  readonly tasks: number;
  readonly tokens: Tokens;
  readonly multiCall: readonly Phase[];
}

export interface TokensSection {
  readonly scenarios: readonly ScenarioTokens[];
  /** Scenarios left out, with the state they ended in (or the error they threw). */
  readonly skipped: readonly { readonly scenario: string; readonly outcome: string }[];
}

export function sumTokens(calls: readonly ModelCall[]): Tokens {
  return {
    calls: calls.length,
    input: calls.reduce((n, c) => n + c.inputTokens, 0),
    cacheRead: calls.reduce((n, c) => n + c.cacheReadTokens, 0),
    cacheWrite: calls.reduce((n, c) => n + c.cacheWriteTokens, 0),
    output: calls.reduce((n, c) => n + c.outputTokens, 0),
    costUsd: calls.reduce((n, c) => n + c.costUsd, 0),
    impliedWrite: 0,
  };
}

/**
 * A call that reported no cache write but whose prefix the next call of its phase read back did
 * write it: the provider caches on its own. Counted up to that call's own uncached input.
 */
export function impliedWrites(calls: readonly ModelCall[]): number {
  return calls.reduce((sum, call, i) => {
    const next = calls[i + 1];
    if (next === undefined || call.cacheWriteTokens > 0 || next.provider !== call.provider || next.model !== call.model) return sum;
    return sum + Math.min(call.inputTokens, Math.max(0, next.cacheReadTokens - call.cacheReadTokens));
  }, 0);
}

function addTokens(items: readonly Tokens[]): Tokens {
  return items.reduce(
    (a, b) => ({
      calls: a.calls + b.calls,
      input: a.input + b.input,
      cacheRead: a.cacheRead + b.cacheRead,
      cacheWrite: a.cacheWrite + b.cacheWrite,
      output: a.output + b.output,
      costUsd: a.costUsd + b.costUsd,
      impliedWrite: a.impliedWrite + b.impliedWrite,
    }),
    { calls: 0, input: 0, cacheRead: 0, cacheWrite: 0, output: 0, costUsd: 0, impliedWrite: 0 },
  );
}

const promptTokens = (t: Tokens): number => t.input + t.cacheRead + t.cacheWrite;
/** Share of prompt tokens inside a cache-marked stable prefix: written to the cache (reported, or shown by a later read) or read from it. */
export const prefixShare = (t: Tokens): number => share(t.cacheRead + t.cacheWrite + t.impliedWrite, promptTokens(t));
/** The same share from the providers' reports alone. */
export const reportedPrefixShare = (t: Tokens): number => share(t.cacheRead + t.cacheWrite, promptTokens(t));
/** Share of prompt tokens a provider's cache actually served. */
export const readShare = (t: Tokens): number => share(t.cacheRead, promptTokens(t));

/** Groups a task's calls (ordered by id) by role; a role with two or more calls is a multi-call phase. */
export function multiCallPhases(scenario: string, calls: readonly ModelCall[]): Phase[] {
  const byKey = new Map<string, ModelCall[]>();
  for (const call of calls) {
    const key = `${String(call.taskId)}\u0000${call.role}`;
    byKey.set(key, [...(byKey.get(key) ?? []), call]);
  }
  const phases: Phase[] = [];
  for (const group of byKey.values()) {
    const first = group[0];
    if (group.length < 2 || first === undefined) continue;
    const taskCalls = calls.filter((c) => c.taskId === first.taskId);
    const positions = group.map((c) => taskCalls.indexOf(c));
    const consecutive = positions.every((p, i) => i === 0 || p === (positions[i - 1] ?? -2) + 1);
    const tokens = { ...sumTokens(group), impliedWrite: impliedWrites(group) };
    phases.push({ scenario, role: first.role, providers: [...new Set(group.map((c) => c.provider))], consecutive, tokens });
  }
  return phases;
}

async function measureScenario(name: string, dir: string): Promise<ScenarioTokens | { scenario: string; outcome: string }> {
  const databasePath = join(dir, `tokens-${name}.db`);
  try {
    const result = await runScenario(loadScenario(name), { databasePath });
    const state = result.task?.state ?? "no task";
    if (!result.task || !countedStates.includes(state)) return { scenario: name, outcome: state };
    const db = openDatabase(databasePath);
    try {
      const taskId = result.task.id;
      const calls = listModelCalls(db, taskId).filter((c) => c.status === "succeeded");
      const multiCall = multiCallPhases(name, calls);
      const impliedWrite = multiCall.reduce((n, p) => n + p.tokens.impliedWrite, 0);
      return { scenario: name, state, tasks: result.tasksCreated, tokens: { ...sumTokens(calls), impliedWrite }, multiCall };
    } finally {
      db.close();
    }
  } catch (error) {
    return { scenario: name, outcome: `error: ${error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error)}` };
  }
}

export async function measureTokens(dir: string, log: (line: string) => void): Promise<TokensSection> {
  const scenarios: ScenarioTokens[] = [];
  const skipped: { scenario: string; outcome: string }[] = [];
  for (const name of listScenarios()) {
    const measured = await measureScenario(name, dir);
    if ("tokens" in measured) scenarios.push(measured);
    else skipped.push(measured);
    log(`tokens: ${name} → ${"tokens" in measured ? measured.state : measured.outcome}`);
  }
  return { scenarios, skipped };
}

export function tokensSummary(section: TokensSection): Record<string, number> {
  const all = addTokens(section.scenarios.map((s) => s.tokens));
  const phases = section.scenarios.flatMap((s) => s.multiCall);
  const multi = addTokens(phases.map((p) => p.tokens));
  const consecutive = addTokens(phases.filter((p) => p.consecutive).map((p) => p.tokens));
  return {
    scenarios: section.scenarios.length,
    tokensPerTask: Math.round((all.input + all.cacheRead + all.cacheWrite + all.output) / Math.max(1, section.scenarios.length)),
    prefixShare: prefixShare(all),
    readShare: readShare(all),
    multiCallPhases: phases.length,
    multiCallPrefixShare: prefixShare(multi),
    multiCallReportedPrefixShare: reportedPrefixShare(multi),
    multiCallReadShare: readShare(multi),
    consecutivePrefixShare: prefixShare(consecutive),
    costUsd: Number(all.costUsd.toFixed(6)),
  };
}

const tokenCells = (t: Tokens): string[] => [
  count(t.input + t.cacheRead + t.cacheWrite + t.output),
  count(t.input),
  count(t.cacheRead),
  count(t.cacheWrite),
  count(t.output),
  `$${t.costUsd.toFixed(4)}`,
];

export function renderTokens(section: TokensSection): string {
  const rows = section.scenarios.map((s) => {
    const multi = addTokens(s.multiCall.map((p) => p.tokens));
    return [
      s.scenario,
      s.state,
      String(s.tokens.calls),
      ...tokenCells(s.tokens),
      pct(prefixShare(s.tokens)),
      pct(readShare(s.tokens)),
      s.multiCall.length === 0 ? "none" : s.multiCall.map((p) => `${p.role} ×${p.tokens.calls}`).join(", "),
      pct(prefixShare(multi)),
      pct(readShare(multi)),
    ];
  });
  const all = addTokens(section.scenarios.map((s) => s.tokens));
  const phases = section.scenarios.flatMap((s) => s.multiCall);
  const multi = addTokens(phases.map((p) => p.tokens));
  rows.push(["**all**", "", String(all.calls), ...tokenCells(all), pct(prefixShare(all)), pct(readShare(all)), `${phases.length} phases`, pct(prefixShare(multi)), pct(readShare(multi))]);
  const phaseRows = phases.map((p) => [
    p.scenario,
    p.role,
    String(p.tokens.calls),
    p.providers.join(", "),
    p.consecutive ? "back to back" : "between review rounds",
    count(p.tokens.input),
    count(p.tokens.cacheRead),
    count(p.tokens.cacheWrite),
    count(p.tokens.impliedWrite),
    `$${p.tokens.costUsd.toFixed(4)}`,
    pct(reportedPrefixShare(p.tokens)),
    pct(prefixShare(p.tokens)),
    pct(readShare(p.tokens)),
  ]);
  const byShape = (consecutive: boolean): Tokens => addTokens(phases.filter((p) => p.consecutive === consecutive).map((p) => p.tokens));
  const byProvider = (provider: string): Tokens => addTokens(phases.filter((p) => p.providers.length === 1 && p.providers[0] === provider).map((p) => p.tokens));
  const without = section.scenarios.filter((s) => s.multiCall.length === 0).map((s) => s.scenario);
  return [
    `Every scenario whose task ends \`done\` or \`needs_human\` (${section.scenarios.length} of ${section.scenarios.length + section.skipped.length}), played once on the simulators; succeeded calls of that task, read from its kept SQLite database (\`model_calls\`, by id). Prefix share = (cache read + cache write) / (input + cache read + cache write): the prompt tokens inside a cache-marked stable prefix. A provider that caches on its own without reporting writes (OpenAI before GPT-5.6) counts as written what the next call of the same phase and model read back of that call's uncached input; "reported" leaves those out. Cache-read share = cache read / the same denominator: what a provider's cache actually served. A multi-call phase is a task's calls of one role when there are two or more (failed calls, which carry no tokens, are not counted).`,
    "",
    table(["scenario", "final state", "calls", "total tokens", "input", "cache read", "cache write", "output", "cost", "prefix share", "cache-read share", "multi-call phases", "prefix share (multi-call)", "cache-read share (multi-call)"], rows),
    "",
    `Left out: ${section.skipped.map((s) => `${s.scenario} (${s.outcome})`).join(", ") || "none"}. Scenarios with no multi-call phase (every role called once): ${without.join(", ") || "none"}.`,
    "",
    "Multi-call phases:",
    "",
    table(
      ["scenario", "role", "calls", "provider", "calls are", "input", "cache read", "cache write", "unreported write, read later", "cost", "prefix share (reported)", "prefix share", "cache-read share"],
      phaseRows,
    ),
    "",
    `Multi-call phases together: prefix share ${pct(prefixShare(multi))} (goal ≥ 85 %; ${pct(reportedPrefixShare(multi))} from the providers' reports alone), cache-read share ${pct(readShare(multi))}, cost $${multi.costUsd.toFixed(4)}. Back-to-back calls (repair rounds, implementer turns) ${pct(prefixShare(byShape(true)))}; calls separated by a review round ${pct(prefixShare(byShape(false)))}. Anthropic-only phases ${pct(prefixShare(byProvider("anthropic")))}, OpenAI-only phases ${pct(prefixShare(byProvider("openai")))}. Every user turn ends a breakpoint (the next call of a conversation reads all of it), so with reported writes the prefix share of a phase is all its prompt once it passes a provider's minimum; the cache-read share, at most (n − 1)/n of an n-call phase, is what was served.`,
  ].join("\n");
}
