import { describe, expect, it } from "vitest";
import { ReportFormatError } from "../../src/gates/finding.js";
import { parseUnifiedDiff } from "../../src/gates/unified-diff.js";
import { gitDiff } from "../support/git-diff.js";

describe("parseUnifiedDiff", () => {
  it("numbers added lines in the new file and removed lines in the old one", () => {
    const diff = gitDiff({ "src/a.ts": "one\ntwo\nthree\nfour\n" }, { write: { "src/a.ts": "one\n2\nthree\nfour\nfive\n" } });
    const [file] = parseUnifiedDiff(diff);
    expect(file).toMatchObject({ oldPath: "src/a.ts", newPath: "src/a.ts", added: false, deleted: false, renamed: false, binary: false });
    expect(file?.hunks.flatMap((hunk) => hunk.addedLines)).toEqual([
      { line: 2, text: "2" },
      { line: 5, text: "five" },
    ]);
    expect(file?.hunks.flatMap((hunk) => hunk.removedLines)).toEqual([{ line: 2, text: "two" }]);
  });

  it("numbers lines by each hunk's own start when a file has several hunks", () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const changed = [...lines.slice(0, 2), "inserted", ...lines.slice(2, 27), ...lines.slice(28)];
    const [file] = parseUnifiedDiff(gitDiff({ "a.txt": `${lines.join("\n")}\n` }, { write: { "a.txt": `${changed.join("\n")}\n` } }));
    expect(file?.hunks).toHaveLength(2);
    expect(file?.hunks[0]?.addedLines).toEqual([{ line: 3, text: "inserted" }]);
    expect(file?.hunks[1]?.removedLines).toEqual([{ line: 28, text: "line 28" }]);
  });

  it("reads an added file as having no old path", () => {
    const [file] = parseUnifiedDiff(gitDiff({}, { write: { "new.ts": "a\nb\n" } }));
    expect(file).toMatchObject({ oldPath: null, newPath: "new.ts", added: true, deleted: false });
    expect(file?.hunks[0]?.addedLines.map((line) => line.line)).toEqual([1, 2]);
  });

  it("reads a deleted file as having no new path, its lines removed with their old numbers", () => {
    const [file] = parseUnifiedDiff(gitDiff({ "gone.ts": "a\nb\n" }, { remove: ["gone.ts"] }));
    expect(file).toMatchObject({ oldPath: "gone.ts", newPath: null, added: false, deleted: true });
    expect(file?.hunks[0]?.removedLines).toEqual([
      { line: 1, text: "a" },
      { line: 2, text: "b" },
    ]);
  });

  it("keeps a pure rename, which has no hunks, apart from the file after it", () => {
    const diff = gitDiff({ "a/old.ts": "same\n", "z.ts": "x\n" }, { move: { "a/old.ts": "b/new.ts" }, write: { "z.ts": "y\n" } });
    const files = parseUnifiedDiff(diff);
    expect(files.map((file) => [file.oldPath, file.newPath, file.renamed, file.hunks.length])).toEqual([
      ["a/old.ts", "b/new.ts", true, 0],
      ["z.ts", "z.ts", false, 1],
    ]);
  });

  it("reads a rename with edits as one renamed file with hunks", () => {
    const text = "1\n2\n3\n4\n5\n6\n7\n8\n";
    const [file] = parseUnifiedDiff(gitDiff({ "old.ts": text }, { move: { "old.ts": "new.ts" }, write: { "new.ts": text.replace("4", "four") } }));
    expect(file).toMatchObject({ oldPath: "old.ts", newPath: "new.ts", renamed: true });
    expect(file?.hunks[0]?.addedLines).toEqual([{ line: 4, text: "four" }]);
  });

  it("reads empty and binary files, which git prints without hunks", () => {
    const diff = gitDiff({ "empty.txt": "" }, { remove: ["empty.txt"], write: { "image.bin": "\u0000\u0001\u0002" } });
    expect(parseUnifiedDiff(diff).map((file) => [file.oldPath, file.newPath, file.deleted, file.added, file.binary])).toEqual([
      ["empty.txt", null, true, false, false],
      [null, "image.bin", false, true, true],
    ]);
  });

  it("unquotes paths git quotes for spaces and non-ASCII characters", () => {
    const diff = gitDiff({ "docs/é t.md": "a\n" }, { write: { "docs/é t.md": "b\n" } });
    expect(diff).toContain('"a/docs/\\303\\251 t.md"');
    expect(parseUnifiedDiff(diff)[0]).toMatchObject({ oldPath: "docs/é t.md", newPath: "docs/é t.md" });
  });

  it("skips the no-newline marker without counting it as a line", () => {
    const [file] = parseUnifiedDiff(gitDiff({ "a.txt": "a\nb" }, { write: { "a.txt": "a\nc\nd" } }));
    expect(file?.hunks[0]?.addedLines).toEqual([
      { line: 2, text: "c" },
      { line: 3, text: "d" },
    ]);
  });

  it("reads a plain unified diff without git headers", () => {
    const diff = ["--- a/x.ts", "+++ b/x.ts", "@@ -1 +1 @@", "-old", "+new", ""].join("\n");
    expect(parseUnifiedDiff(diff)).toEqual([
      { oldPath: "x.ts", newPath: "x.ts", added: false, deleted: false, renamed: false, binary: false, hunks: [{ oldStart: 1, newStart: 1, addedLines: [{ line: 1, text: "new" }], removedLines: [{ line: 1, text: "old" }] }] },
    ]);
  });

  it("reads an empty diff as no files", () => {
    expect(parseUnifiedDiff("")).toEqual([]);
  });

  it("rejects a hunk whose line counts do not match its header, saying to pass git diff output", () => {
    const diff = ["diff --git a/x.ts b/x.ts", "--- a/x.ts", "+++ b/x.ts", "@@ -1,3 +1,3 @@", "-old", "+new", "not a diff line", ""].join("\n");
    expect(() => parseUnifiedDiff(diff)).toThrow(ReportFormatError);
    expect(() => parseUnifiedDiff(diff)).toThrow(/git diff/);
  });
});
