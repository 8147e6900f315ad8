import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { z } from "zod";
import type { Scenario } from "./scenario-schema.js";
import { scenarioSchema } from "./scenario-schema.js";

export const fixturesDir = fileURLToPath(new URL("../../../fixtures/", import.meta.url));

export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
}

/** `happy` means fixtures/scenarios/happy.yml; anything with a slash or `.yml` is a path. */
export function resolveScenarioPath(nameOrPath: string): string {
  if (nameOrPath.includes("/") || /\.ya?ml$/.test(nameOrPath)) return resolve(nameOrPath);
  return join(fixturesDir, "scenarios", `${nameOrPath}.yml`);
}

export function listScenarios(): string[] {
  return readdirSync(join(fixturesDir, "scenarios"))
    .filter((f) => f.endsWith(".yml"))
    .map((f) => f.replace(/\.yml$/, ""))
    .sort();
}

function readScenarioData(path: string, seen: readonly string[]): Record<string, unknown> {
  if (!existsSync(path)) throw new ScenarioError(`No scenario at ${path}. Known scenarios: ${listScenarios().join(", ")}.`);
  if (seen.includes(path)) throw new ScenarioError(`Scenarios extend each other in a circle: ${[...seen, path].join(" → ")}.`);
  let data: unknown;
  try {
    data = parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ScenarioError(`${path} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new ScenarioError(`${path} must be a YAML mapping.`);
  const { extends: base, ...own } = data as Record<string, unknown>;
  if (base === undefined) return own;
  if (typeof base !== "string") throw new ScenarioError(`${path}: 'extends' names another scenario, e.g. extends: happy.`);
  return mergeScenarios(readScenarioData(resolveScenarioPath(base), [...seen, path]), own);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A scenario that extends another takes its keys and replaces those it sets itself, one level
 * deep (`repo: { files }` keeps the base's repository). Steps and expectations are replaced whole.
 * Model replies and faults are added in front of the base's, so the extension's entries are tried first.
 */
function mergeScenarios(base: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(own)) {
    const under = base[key];
    if (key === "steps" || key === "expect" || !isMapping(value) || !isMapping(under)) {
      merged[key] = value;
      continue;
    }
    const inner: Record<string, unknown> = { ...under, ...value };
    if (key === "llm") {
      for (const list of ["replies", "faults", "forbidden"]) {
        const mine = value[list];
        const theirs = under[list];
        if (Array.isArray(mine) && Array.isArray(theirs)) inner[list] = [...(mine as unknown[]), ...(theirs as unknown[])];
      }
    }
    merged[key] = inner;
  }
  return merged;
}

export function loadScenario(nameOrPath: string): Scenario {
  const path = resolveScenarioPath(nameOrPath);
  const data = readScenarioData(path, []);
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) throw new ScenarioError(`${path} is not a valid scenario:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Every file of a fixture repository, by path relative to its root. */
export function readFixtureRepo(fixture: string): Map<string, Buffer> {
  const root = join(fixturesDir, "repos", fixture);
  if (!existsSync(root)) throw new ScenarioError(`No fixture repository at ${root}.`);
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(relative(root, full).split("\\").join("/"), readFileSync(full));
    }
  };
  walk(root);
  return files;
}
