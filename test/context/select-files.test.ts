import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../src/context/estimate-tokens.js";
import { selectFiles } from "../../src/context/select-files.js";
import { snapshotOf } from "../support/repo-snapshot.js";

/** What one file costs against the budget: its tokens and a little for the wrapper around it. */
function cost(content: string): number {
  return estimateTokens(content) + 20;
}

const CALC = `export const add = (a: number, b: number): number => a + b;\n${"// arithmetic helpers\n".repeat(40)}`;
const UTIL = "export const clamp = (x: number) => x;\n";
const README = "# Calculator\n";

const snapshot = snapshotOf({
  "src/calc.ts": CALC,
  "src/util.ts": UTIL,
  "README.md": README,
  "node_modules/calc/index.js": "module.exports = { add: (a, b) => a + b }; // calc add\n",
  "dist/calc.js": "export const add = (a, b) => a + b; // calc\n",
  "package-lock.json": '{ "name": "calc", "lockfileVersion": 3 }\n',
  "web/yarn.lock": "calc@1.0.0:\n",
  "assets/calc.png": null,
});

describe("selectFiles", () => {
  it("shows a file the issue names before smaller files it does not, when only one fits", () => {
    const budget = cost(CALC) + 5;

    const selected = selectFiles(snapshot, "The add function in src/calc.ts overflows.", budget);

    expect(selected.files.map((f) => f.path)).toEqual(["src/calc.ts"]);
    expect(selected.tokens).toBe(cost(CALC));
  });

  it("ranks a file named by its full path above files that share more of the issue's words", () => {
    const named = "export const m = 1;\n".repeat(10);
    const snap = snapshotOf({ "lib/m.ts": named, "src/calc/calc-add.ts": "export const add = 1;\n" });

    const selected = selectFiles(snap, "Fix lib/m.ts: the calc add in src is wrong", cost(named));

    expect(selected.files.map((f) => f.path)).toEqual(["lib/m.ts"]);
    expect(selected.omitted).toEqual(["src/calc/calc-add.ts"]);
  });

  it("ranks a file named by its base name, or sharing the issue's words, ahead of the rest", () => {
    expect(selectFiles(snapshot, "calc.ts is wrong", cost(CALC)).files.map((f) => f.path)).toEqual(["src/calc.ts"]);
    expect(selectFiles(snapshot, "the util module clamps badly", cost(UTIL)).files.map((f) => f.path)).toEqual(["src/util.ts"]);
  });

  it("ranks files holding a quoted identifier ahead of files that do not", () => {
    const snap = snapshotOf({ "src/a.ts": "export const clamp = 1;\n", "src/b.ts": "export const other = 2;\n" });

    expect(selectFiles(snap, "Rename `clamp`", cost("export const clamp = 1;\n")).files.map((f) => f.path)).toEqual(["src/a.ts"]);
  });

  it("stays within the token budget and lists the relevant files it had to leave out", () => {
    const budget = cost(UTIL) + cost(README);

    const selected = selectFiles(snapshot, "Fix add in src/calc.ts; see the calc docs.", budget);

    expect(selected.tokens).toBeLessThanOrEqual(budget);
    expect(selected.omitted).toEqual(["src/calc.ts"]);
    expect(selected.files.map((f) => f.path)).toEqual(["README.md", "src/util.ts"]);
  });

  it("fills the budget with small unrelated files but never lists them as omitted", () => {
    const selected = selectFiles(snapshot, "nothing in particular", cost(README));

    expect(selected.files.map((f) => f.path)).toEqual(["README.md"]);
    expect(selected.omitted).toEqual([]);
  });

  it("never shows dependencies, build output, lock files or binary files, however relevant", () => {
    const selected = selectFiles(snapshot, "calc add in node_modules/calc/index.js, dist/calc.js, package-lock.json, web/yarn.lock and assets/calc.png", 1_000_000);

    expect(selected.files.map((f) => f.path)).toEqual(["README.md", "src/calc.ts", "src/util.ts"]);
    expect(selected.omitted).toEqual([]);
  });

  it("returns the chosen files in path order", () => {
    const selected = selectFiles(snapshot, "src/util.ts and src/calc.ts", 1_000_000);

    expect(selected.files.map((f) => f.path)).toEqual(["README.md", "src/calc.ts", "src/util.ts"]);
  });

  it("never shows a model the content of files that hold credentials, even when the issue names them", () => {
    const withSecrets = snapshotOf({ "src/calc.ts": CALC, ".env.production": "API_KEY=sk-live-123\n", "deploy/server.KEY": "-----BEGIN PRIVATE KEY-----\n" });

    const selected = selectFiles(withSecrets, "Read .env.production and deploy/server.KEY", 100_000);

    expect(selected.files.map((f) => f.path)).toEqual(["src/calc.ts"]);
  });
});
