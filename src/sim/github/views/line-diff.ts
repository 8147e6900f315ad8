/** A line-level diff and its unified patch, as GitHub shows in a pull request's `files`. */
export interface LineEdit {
  readonly kind: " " | "-" | "+";
  /** The line with its "\n"; only a file's last line may lack one. */
  readonly line: string;
}

/** Past this many cells the quadratic search is skipped and the middle is shown as replaced. */
const MAX_CELLS = 4_000_000;
const CONTEXT = 3;

/** Keeps each line's "\n", so a missing final newline counts as a change, as in git. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const keep = (line: string): LineEdit => ({ kind: " ", line });
const remove = (line: string): LineEdit => ({ kind: "-", line });
const add = (line: string): LineEdit => ({ kind: "+", line });

/** A shortest edit script from `a` to `b` (longest common subsequence, removals before additions). */
export function diffLines(a: readonly string[], b: readonly string[]): LineEdit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  return [...a.slice(0, start).map(keep), ...middleEdits(a.slice(start, endA), b.slice(start, endB)), ...a.slice(endA).map(keep)];
}

function middleEdits(a: readonly string[], b: readonly string[]): LineEdit[] {
  const rows = a.length;
  const width = b.length + 1;
  if (rows === 0 || b.length === 0 || rows * b.length > MAX_CELLS) return [...a.map(remove), ...b.map(add)];
  // lcs[i * width + j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = new Uint32Array((rows + 1) * width);
  const at = (i: number, j: number): number => lcs[i * width + j] ?? 0;
  for (let i = rows - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i * width + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const edits: LineEdit[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < b.length) {
    const left = a[i];
    const right = b[j];
    if (left !== undefined && left === right) {
      edits.push(keep(left));
      i += 1;
      j += 1;
    } else if (left !== undefined && (right === undefined || at(i + 1, j) >= at(i, j + 1))) {
      edits.push(remove(left));
      i += 1;
    } else if (right !== undefined) {
      edits.push(add(right));
      j += 1;
    }
  }
  return edits;
}

/** `-12,3`: a hunk's start and length; git omits a length of 1 and starts an empty range at the line before. */
function range(start: number, count: number): string {
  if (count === 1) return `${start}`;
  return `${count === 0 ? start - 1 : start},${count}`;
}

/** The hunks of a unified diff with three lines of context and no file header, as GitHub's `patch`. */
export function unifiedPatch(edits: readonly LineEdit[]): string {
  const hunks: { from: number; to: number }[] = [];
  edits.forEach((edit, index) => {
    if (edit.kind === " ") return;
    const from = Math.max(0, index - CONTEXT);
    const to = Math.min(edits.length, index + CONTEXT + 1);
    const last = hunks.at(-1);
    if (last !== undefined && from <= last.to) last.to = Math.max(last.to, to);
    else hunks.push({ from, to });
  });

  const oldBefore: number[] = [];
  const newBefore: number[] = [];
  let oldLines = 0;
  let newLines = 0;
  for (const edit of edits) {
    oldBefore.push(oldLines);
    newBefore.push(newLines);
    if (edit.kind !== "+") oldLines += 1;
    if (edit.kind !== "-") newLines += 1;
  }

  const out: string[] = [];
  for (const { from, to } of hunks) {
    const slice = edits.slice(from, to);
    const oldCount = slice.filter((e) => e.kind !== "+").length;
    const newCount = slice.filter((e) => e.kind !== "-").length;
    out.push(`@@ -${range((oldBefore[from] ?? 0) + 1, oldCount)} +${range((newBefore[from] ?? 0) + 1, newCount)} @@`);
    for (const edit of slice) {
      const ended = edit.line.endsWith("\n");
      out.push(`${edit.kind}${ended ? edit.line.slice(0, -1) : edit.line}`);
      if (!ended) out.push("\\ No newline at end of file");
    }
  }
  return out.join("\n");
}
