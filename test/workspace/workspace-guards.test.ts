import { describe, expect, it } from "vitest";
import { PathPolicy } from "../../src/workspace/path-policy.js";
import { changedLineCount, changeSetLineCount, renderUnifiedDiff } from "../../src/workspace/render-diff.js";
import { Workspace } from "../../src/workspace/workspace.js";
import { snapshotOf } from "../support/repo-snapshot.js";

// Built at run time, so this file does not itself look like it holds a key.
const githubToken = ["ghp", "Ab3De6Gh9Jk2Mn5Pq8St1Vw4Yz7Bc0Ef3Hi6"].join("_");

const snapshot = snapshotOf({
  "src/calc.js": "export const add = (a, b) => a + b;\n",
  "src/legacy.js": `// kept for the old deploy script\nexport const token = "${githubToken}";\n`,
  "README.md": "# Calculator\n\nOne.\nTwo.\nThree.\n",
});

function workspace(limits = { maxFiles: 50, maxLines: 3000 }): Workspace {
  return new Workspace(snapshot, new PathPolicy(), limits);
}

describe("Workspace guards", () => {
  it("refuses content that brings a secret into the repository, and says why", () => {
    const ws = workspace();
    const result = ws.write("src/config.js", `export const key = "${githubToken}";\n`);
    expect(result).toEqual({ ok: false, message: "refused: the content contains what looks like a secret (github-token); keep keys out of the repository and read them from the environment" });
    expect(ws.exists("src/config.js")).toBe(false);
    expect(ws.refusals).toEqual([expect.stringMatching(/^src\/config\.js: the content contains what looks like a secret/)]);
  });

  it("lets a file that already held a secret be edited elsewhere, without adding another", () => {
    const ws = workspace();
    expect(ws.replace("src/legacy.js", "// kept for the old deploy script", "// kept for the old deploy script (to be removed)").ok).toBe(true);
    expect(ws.changes()).toHaveLength(1);
  });

  it("refuses to write a redaction placeholder back into a file", () => {
    const ws = workspace();
    const result = ws.write("src/legacy.js", 'export const token = "[REDACTED:github-token]";\n');
    expect(result.ok).toBe(false);
    expect(result.message).toContain("placeholder");
    expect(ws.read("src/legacy.js")).toContain(githubToken);
  });

  it("refuses an edit that would touch more files than the limit, keeping the earlier ones", () => {
    const ws = workspace({ maxFiles: 2, maxLines: 3000 });
    expect(ws.write("a.js", "1\n").ok).toBe(true);
    expect(ws.write("b.js", "2\n").ok).toBe(true);
    const third = ws.write("c.js", "3\n");
    expect(third).toEqual({ ok: false, message: "refused: the change would touch 3 files, more than the limit of 2; keep the change smaller" });
    // Rewriting a file already in the change does not count twice.
    expect(ws.write("a.js", "1\n1\n").ok).toBe(true);
    expect(ws.changes().map((c) => c.path)).toEqual(["a.js", "b.js"]);
  });

  it("refuses an edit that would change more lines than the limit", () => {
    const ws = workspace({ maxFiles: 50, maxLines: 4 });
    expect(ws.write("a.js", "1\n2\n3\n").ok).toBe(true);
    const result = ws.write("b.js", "1\n2\n");
    expect(result).toEqual({ ok: false, message: "refused: the change would add and remove 5 lines, more than the limit of 4; keep the change smaller" });
    expect(ws.delete("README.md")).toEqual({ ok: false, message: "refused: the change would add and remove 8 lines, more than the limit of 4; keep the change smaller" });
  });

  it("restores an earlier change set, counting it toward the limits", () => {
    const ws = workspace({ maxFiles: 1, maxLines: 3000 });
    ws.restore([{ kind: "write", path: "src/calc.js", content: "export const add = (a, b) => b + a;\n" }]);
    expect(ws.read("src/calc.js")).toBe("export const add = (a, b) => b + a;\n");
    expect(ws.write("src/other.js", "x\n").ok).toBe(false);
  });
});

describe("diffs", () => {
  it("counts added and removed lines", () => {
    expect(changedLineCount("a\nb\nc\n", "a\nB\nc\nd\n")).toBe(3);
    expect(changedLineCount("same\n", "same\n")).toBe(0);
    expect(changeSetLineCount(snapshot, [{ kind: "delete", path: "README.md" }, { kind: "write", path: "new.js", content: "1\n" }])).toBe(6);
  });

  it("renders a unified diff with new, changed and deleted files", () => {
    const diff = renderUnifiedDiff(snapshot, [
      { kind: "write", path: "src/calc.js", content: "export const add = (a, b) => b + a;\n" },
      { kind: "write", path: "src/new.js", content: "export {};\n" },
      { kind: "delete", path: "README.md" },
    ]);
    expect(diff).toContain("--- a/src/calc.js\n+++ b/src/calc.js\n@@ -1,1 +1,1 @@\n-export const add = (a, b) => a + b;\n+export const add = (a, b) => b + a;");
    expect(diff).toContain("--- /dev/null\n+++ b/src/new.js");
    expect(diff).toContain("--- a/README.md\n+++ /dev/null");
  });
});
