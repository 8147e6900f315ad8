import { isAbsolute, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What `node --test` said, read from its default reporters' output: TAP (Node 20 when the output
 * is not a terminal) or spec (a terminal, and Node 23 on). Only what a reader of the log would pick
 * out; anything it cannot read is left out, never guessed.
 */
export interface TestFailure {
  readonly name: string;
  readonly message: string;
  /** The file and line it failed at, relative to the checkout; null when the output names none in it. */
  readonly path: string | null;
  readonly line: number | null;
}

export interface TestReport {
  readonly tests: number | null;
  readonly failed: number | null;
  readonly failures: readonly TestFailure[];
}

interface Place {
  readonly path: string;
  readonly line: number;
}

const fileRef = /(file:\/\/[^\s()'"]+?|[^\s()'"]+?):(\d+):(\d+)/g;

/** The first place in `text` that is a file of the checkout (outside node_modules). */
function placeIn(text: string, workspace: string): Place | null {
  for (const match of text.matchAll(fileRef)) {
    const [, ref = "", line = "0"] = match;
    if (ref.startsWith("node:") || ref.includes("node_modules/")) continue;
    let path: string;
    try {
      path = ref.startsWith("file://") ? fileURLToPath(ref) : ref;
    } catch {
      continue;
    }
    const inside = isAbsolute(path) ? relative(workspace, path) : path;
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) continue;
    return { path: inside.split("\\").join("/"), line: Number(line) };
  }
  return null;
}

/** Where a failure happened: its stack's first frame in the checkout, else where the test is. */
function placeOf(stack: string, location: string, workspace: string): Place | null {
  return placeIn(stack, workspace) ?? placeIn(location, workspace);
}

function dedent(lines: readonly string[]): string {
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^\s*/.exec(l)?.[0].length ?? 0);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines
    .map((l) => l.slice(cut))
    .join("\n")
    .trim();
}

/** A TAP diagnostic block (`---` … `...`): its keys, with block scalars and quoted strings read. */
function yamlBlock(lines: readonly string[], start: number, indent: number): Map<string, string> {
  const fields = new Map<string, string>();
  const pad = " ".repeat(indent);
  if (lines[start] !== `${pad}---`) return fields;
  for (let i = start + 1; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    if (line === `${pad}...`) break;
    const key = new RegExp(`^${pad}(\\w+): ?(.*)$`).exec(line);
    if (!key) continue;
    const [, name = "", value = ""] = key;
    if (/^[|>][-+]?$/.test(value)) {
      const body: string[] = [];
      while (i + 1 < lines.length && ((lines[i + 1] ?? "").startsWith(`${pad} `) || (lines[i + 1] ?? "").trim() === "")) {
        i += 1;
        body.push(lines[i] ?? "");
      }
      fields.set(name, dedent(body));
    } else if (value.startsWith("'") && value.endsWith("'")) {
      fields.set(name, value.slice(1, -1).replaceAll("''", "'"));
    } else {
      fields.set(name, value);
    }
  }
  return fields;
}

function tapFailures(lines: readonly string[], workspace: string): TestFailure[] {
  const failures: TestFailure[] = [];
  lines.forEach((line, i) => {
    const match = /^(\s*)not ok \d+ - (.*)$/.exec(line);
    if (!match || /\s# TODO\b/i.test(match[2] ?? "")) return;
    const fields = yamlBlock(lines, i + 1, (match[1] ?? "").length + 2);
    // A suite fails because a test in it did; the test is reported on its own.
    if (fields.get("failureType") === "subtestsFailed") return;
    const place = placeOf(fields.get("stack") ?? "", fields.get("location") ?? "", workspace);
    failures.push({ name: (match[2] ?? "").replaceAll("\\#", "#"), message: fields.get("error") ?? "", path: place?.path ?? null, line: place?.line ?? null });
  });
  return failures;
}

/** The spec reporter's closing list: `test at <file>:<line>:<col>`, `✖ <name> (<ms>)`, the error, its stack. */
function specFailures(lines: readonly string[], workspace: string): TestFailure[] {
  const start = lines.findIndex((l) => /^\s*✖ failing tests:\s*$/.test(l));
  if (start === -1) return [];
  const failures: TestFailure[] = [];
  let location = "";
  for (let i = start + 1; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    const at = /^\s*test at (.+)$/.exec(line);
    if (at) {
      location = at[1] ?? "";
      continue;
    }
    const head = /^\s*✖ (.*?)(?: \([\d.]+m?s\))?$/.exec(line);
    if (!head) continue;
    const message: string[] = [];
    const stack: string[] = [];
    while (i + 1 < lines.length && !/^\s*(?:test at |✖ )/.test(lines[i + 1] ?? "")) {
      i += 1;
      const next = lines[i] ?? "";
      if (stack.length > 0 || /^\s+at\s/.test(next)) stack.push(next);
      else message.push(next);
    }
    const place = placeOf(stack.join("\n"), location, workspace);
    failures.push({ name: head[1] ?? "", message: dedent(message).replace(/^AssertionError \[ERR_ASSERTION\]: /, ""), path: place?.path ?? null, line: place?.line ?? null });
    location = "";
  }
  return failures;
}

/** The last count of this kind in the run's totals (`# fail 2` in TAP, `ℹ fail 2` in spec). */
function total(lines: readonly string[], kind: string): number | null {
  const pattern = new RegExp(`^(?:#|ℹ) ${kind} (\\d+)$`);
  let found: number | null = null;
  for (const line of lines) {
    const match = pattern.exec(line.trim());
    if (match) found = Number(match[1]);
  }
  return found;
}

export function readNodeTestReport(lines: readonly string[], workspace: string): TestReport {
  const tap = tapFailures(lines, workspace);
  return { tests: total(lines, "tests"), failed: total(lines, "fail"), failures: tap.length > 0 ? tap : specFailures(lines, workspace) };
}
