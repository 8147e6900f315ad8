/*
 * Reads `git diff` output into files, hunks and the lines each hunk adds and removes, with their
 * line numbers. The `diff` package parses the hunks; git's extended headers (`new file mode`,
 * `deleted file mode`, `rename from`, `Binary files … differ`) are read here, because `parsePatch`
 * skips them and merges a file that has no hunks (a pure rename, an empty file) into the next one.
 */

import { parsePatch } from "diff";
import { ReportFormatError } from "./finding.js";

export interface DiffLine {
  /** 1-based: in the new file for an added line, in the old file for a removed one. */
  readonly line: number;
  /** The line without its `+`/`-` marker. */
  readonly text: string;
}

export interface DiffHunk {
  readonly oldStart: number;
  readonly newStart: number;
  readonly addedLines: readonly DiffLine[];
  readonly removedLines: readonly DiffLine[];
}

export interface DiffFile {
  /** Repository-relative, without git's `a/` prefix; null when the file is added. */
  readonly oldPath: string | null;
  /** Repository-relative, without git's `b/` prefix; null when the file is deleted. */
  readonly newPath: string | null;
  readonly added: boolean;
  readonly deleted: boolean;
  readonly renamed: boolean;
  /** Git printed no lines for it (`Binary files … differ`), so its hunks are empty. */
  readonly binary: boolean;
  readonly hunks: readonly DiffHunk[];
}

/** Throws `ReportFormatError` when the text is not a unified diff that can be read. */
export function parseUnifiedDiff(diff: string): DiffFile[] {
  const text = diff.replace(/\r\n/g, "\n");
  const sections = splitGitSections(text);
  if (sections.length === 0) return parsePlainDiff(text);
  return sections.map(parseGitSection);
}

export function addedLinesOf(file: DiffFile): DiffLine[] {
  return file.hunks.flatMap((hunk) => hunk.addedLines);
}

export function removedLinesOf(file: DiffFile): DiffLine[] {
  return file.hunks.flatMap((hunk) => hunk.removedLines);
}

/** One string per `diff --git` header, up to the next; the text before the first is dropped. */
function splitGitSections(text: string): string[] {
  const starts = [...text.matchAll(/^diff --git /gm)].map((match) => match.index);
  return starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length));
}

function parseGitSection(section: string): DiffFile {
  const lines = section.split("\n");
  const fromHeader = parseGitHeaderPaths(lines[0]?.slice("diff --git ".length) ?? "");
  let oldPath: string | null = fromHeader.oldPath;
  let newPath: string | null = fromHeader.newPath;
  let added = false;
  let deleted = false;
  let renamed = false;
  let binary = false;
  for (const line of lines.slice(1)) {
    if (line.startsWith("@@")) break;
    if (line.startsWith("new file mode")) added = true;
    else if (line.startsWith("deleted file mode")) deleted = true;
    else if (line.startsWith("rename from ")) [renamed, oldPath] = [true, unquote(line.slice("rename from ".length))];
    else if (line.startsWith("rename to ")) [renamed, newPath] = [true, unquote(line.slice("rename to ".length))];
    else if (line.startsWith("Binary files ") || line === "GIT binary patch") binary = true;
    else if (line.startsWith("--- ")) oldPath = headerPath(line, "a/");
    else if (line.startsWith("+++ ")) newPath = headerPath(line, "b/");
  }
  return {
    oldPath: added ? null : oldPath,
    newPath: deleted ? null : newPath,
    added,
    deleted,
    renamed,
    binary,
    hunks: binary ? [] : parseHunks(section),
  };
}

/** A diff without git headers (`diff -u`): only `---`/`+++` names, `/dev/null` for an added or deleted file. */
function parsePlainDiff(text: string): DiffFile[] {
  return readPatches(text)
    .filter((patch) => patch.hunks.length > 0)
    .map((patch) => {
      const oldPath = plainPath(patch.oldFileName, "a/");
      const newPath = plainPath(patch.newFileName, "b/");
      return {
        oldPath,
        newPath,
        added: oldPath === null,
        deleted: newPath === null,
        renamed: oldPath !== null && newPath !== null && oldPath !== newPath,
        binary: false,
        hunks: patch.hunks.map(toHunk),
      };
    });
}

function parseHunks(section: string): DiffHunk[] {
  return readPatches(section).flatMap((patch) => patch.hunks.map(toHunk));
}

function readPatches(text: string): ReturnType<typeof parsePatch> {
  try {
    return parsePatch(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ReportFormatError(`The diff could not be read as unified diff output (${reason}); pass the output of \`git diff\`.`, { cause: error });
  }
}

function toHunk(hunk: ReturnType<typeof parsePatch>[number]["hunks"][number]): DiffHunk {
  const addedLines: DiffLine[] = [];
  const removedLines: DiffLine[] = [];
  let oldLine = hunk.oldStart;
  let newLine = hunk.newStart;
  for (const line of hunk.lines) {
    const marker = line[0] ?? " ";
    if (marker === "+") addedLines.push({ line: newLine++, text: line.slice(1) });
    else if (marker === "-") removedLines.push({ line: oldLine++, text: line.slice(1) });
    else if (marker !== "\\") [oldLine, newLine] = [oldLine + 1, newLine + 1];
  }
  return { oldStart: hunk.oldStart, newStart: hunk.newStart, addedLines, removedLines };
}

/** `--- a/src/x.ts` or `+++ /dev/null`; git ends the name with a tab when it holds a space. */
function headerPath(line: string, prefix: string): string | null {
  return plainPath(unquote(line.slice(4).split("\t")[0] ?? ""), prefix);
}

function plainPath(name: string | undefined, prefix: string): string | null {
  if (name === undefined || name === "/dev/null") return null;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * `a/x b/y` from the `diff --git` line: the only place git names a file whose diff has no `---`
 * lines (an empty file, a mode change). Unquoted names are ambiguous when they hold ` b/`; git
 * prints such a line only when both names are the same, so the split that gives equal halves wins.
 */
function parseGitHeaderPaths(rest: string): { oldPath: string | null; newPath: string | null } {
  const quoted = /^("(?:\\.|[^"\\])*"|\S+) ("(?:\\.|[^"\\])*"|\S+)$/.exec(rest);
  if (quoted?.[1] !== undefined && quoted[2] !== undefined && (quoted[1].startsWith('"') || quoted[2].startsWith('"'))) {
    return { oldPath: plainPath(unquote(quoted[1]), "a/"), newPath: plainPath(unquote(quoted[2]), "b/") };
  }
  const half = (rest.length - 1) / 2;
  const [left, right] = [rest.slice(0, half), rest.slice(half + 1)];
  if (Number.isInteger(half) && left.slice(2) === right.slice(2)) {
    return { oldPath: plainPath(left, "a/"), newPath: plainPath(right, "b/") };
  }
  const split = rest.indexOf(" b/");
  if (split < 0) return { oldPath: null, newPath: null };
  return { oldPath: plainPath(rest.slice(0, split), "a/"), newPath: plainPath(rest.slice(split + 1), "b/") };
}

const escapes: Readonly<Record<string, number>> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** Git quotes a name holding special or non-ASCII characters, C-style, with UTF-8 bytes in octal. */
function unquote(name: string): string {
  if (!name.startsWith('"') || !name.endsWith('"') || name.length < 2) return name;
  const bytes: number[] = [];
  const body = name.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? "";
    if (char !== "\\") {
      bytes.push(...Buffer.from(char, "utf8"));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1))?.[0];
    const next = body[i + 1] ?? "";
    bytes.push(octal !== undefined ? parseInt(octal, 8) : (escapes[next] ?? next.charCodeAt(0)));
    i += octal !== undefined ? 3 : 1;
  }
  return Buffer.from(bytes).toString("utf8");
}
