import { describe, expect, it } from "vitest";
import { PathPolicy } from "../../src/workspace/path-policy.js";
import { Workspace } from "../../src/workspace/workspace.js";
import { snapshotOf } from "../support/repo-snapshot.js";

const CALC = "export const add = (a, b) => a + b;\nexport const twice = (a) => a + a;\n";
const snapshot = snapshotOf({
  "src/calc.js": CALC,
  "README.md": "# Calculator\n",
  "bin/run.sh": { content: "#!/bin/sh\nnode src/calc.js\n", executable: true },
  "assets/logo.png": null,
});

function workspace(): Workspace {
  return new Workspace(snapshot, new PathPolicy());
}

describe("Workspace", () => {
  it("creates and rewrites files, reading its own writes", () => {
    const ws = workspace();

    expect(ws.write("src/sub.js", "export const sub = (a, b) => a - b;\n")).toEqual({ ok: true, message: "created src/sub.js" });
    expect(ws.write("README.md", "# Calc\n")).toEqual({ ok: true, message: "rewrote README.md" });

    expect(ws.read("src/sub.js")).toBe("export const sub = (a, b) => a - b;\n");
    expect(ws.read("README.md")).toBe("# Calc\n");
    expect(ws.exists("src/sub.js")).toBe(true);
  });

  it("replaces a snippet that occurs exactly once", () => {
    const ws = workspace();

    expect(ws.replace("src/calc.js", "a + b", "b + a")).toEqual({ ok: true, message: "edited src/calc.js" });

    expect(ws.read("src/calc.js")).toBe("export const add = (a, b) => b + a;\nexport const twice = (a) => a + a;\n");
  });

  it("takes the replacement text literally", () => {
    const ws = workspace();

    ws.replace("README.md", "Calculator", "$& and $1");

    expect(ws.read("README.md")).toBe("# $& and $1\n");
  });

  it.each([
    { case: "a snippet that is not there", path: "src/calc.js", old: "a * b", message: "the text to replace was not found in src/calc.js" },
    { case: "a snippet that occurs more than once", path: "src/calc.js", old: "export const", message: "the text to replace occurs more than once in src/calc.js; include more surrounding lines" },
    { case: "an empty snippet", path: "src/calc.js", old: "", message: "the text to replace is empty; use write_file to create or rewrite a file" },
    { case: "a binary file", path: "assets/logo.png", old: "PNG", message: "assets/logo.png is binary or too large to edit" },
    { case: "a missing file", path: "src/nope.js", old: "x", message: "src/nope.js does not exist" },
  ])("refuses to replace $case and changes nothing", ({ path, old, message }) => {
    const ws = workspace();

    expect(ws.replace(path, old, "new")).toEqual({ ok: false, message });

    expect(ws.changes()).toEqual([]);
  });

  it("deletes a file, which then neither exists nor can be edited", () => {
    const ws = workspace();

    expect(ws.delete("README.md")).toEqual({ ok: true, message: "deleted README.md" });

    expect(ws.exists("README.md")).toBe(false);
    expect(ws.read("README.md")).toBeUndefined();
    expect(ws.replace("README.md", "Calculator", "Calc")).toEqual({ ok: false, message: "README.md does not exist" });
    expect(ws.delete("README.md")).toEqual({ ok: false, message: "README.md does not exist" });
  });

  it("reports the net change, sorted by path, keeping the executable bit", () => {
    const ws = workspace();
    ws.write("src/sub.js", "sub\n");
    ws.delete("README.md");
    ws.replace("bin/run.sh", "node", "exec node");

    expect(ws.changes()).toEqual([
      { kind: "write", path: "bin/run.sh", content: "#!/bin/sh\nexec node src/calc.js\n", executable: true },
      { kind: "delete", path: "README.md" },
      { kind: "write", path: "src/sub.js", content: "sub\n" },
    ]);
  });

  it("counts a file rewritten to its original content as no change", () => {
    const ws = workspace();
    ws.replace("src/calc.js", "a + b", "a - b");
    ws.replace("src/calc.js", "a - b", "a + b");
    ws.write("README.md", "# Calculator\n");

    expect(ws.changes()).toEqual([]);
  });

  it("counts a file created and then deleted as no change", () => {
    const ws = workspace();
    ws.write("notes.md", "temporary\n");
    ws.delete("notes.md");

    expect(ws.exists("notes.md")).toBe(false);
    expect(ws.changes()).toEqual([]);
  });

  it("counts a file deleted and written back unchanged as no change", () => {
    const ws = workspace();
    ws.delete("src/calc.js");
    ws.write("src/calc.js", CALC);

    expect(ws.changes()).toEqual([]);
  });

  it("records each refused path with its reason and leaves the file alone", () => {
    const ws = workspace();

    const write = ws.write(".github/workflows/ci.yml", "on: never\n");
    const remove = ws.delete("../etc/passwd");
    const replace = ws.replace(".env", "A=1", "A=2");

    expect(write).toMatchObject({ ok: false, message: expect.stringMatching(/^refused: \.github\/workflows\/ci\.yml is protected/) as unknown });
    expect(remove).toMatchObject({ ok: false, message: expect.stringMatching(/^refused: .*'\.\.'/) as unknown });
    expect(replace.ok).toBe(false);
    expect(ws.refusals).toHaveLength(3);
    expect(ws.refusals[0]).toMatch(/^\.github\/workflows\/ci\.yml: \.github\/workflows\/ci\.yml is protected/);
    expect(ws.refusals[1]).toMatch(/^\.\.\/etc\/passwd: /);
    expect(ws.refusals[2]).toMatch(/^\.env: /);
    expect(ws.exists(".github/workflows/ci.yml")).toBe(false);
    expect(ws.changes()).toEqual([]);
  });

  it("edits a path given with a leading ./ as the normalised path", () => {
    const ws = workspace();

    ws.write("./src/sub.js", "sub\n");

    expect(ws.changes()).toEqual([{ kind: "write", path: "src/sub.js", content: "sub\n" }]);
  });

  it("refuses writes git cannot hold or a checkout would collapse: over a folder, under a file, a case twin", () => {
    const ws = workspace();

    expect(ws.write("src", "x")).toEqual({ ok: false, message: "src is a folder; write the files inside it" });
    expect(ws.write("README.md/notes.md", "x")).toEqual({ ok: false, message: "README.md is a file, so README.md/notes.md cannot be created under it" });
    expect(ws.write("readme.md", "x")).toEqual({ ok: false, message: "readme.md differs from the existing README.md only by case, which collide on macOS and Windows" });
    expect(ws.changes()).toEqual([]);
  });

  it("refuses to rewrite a file whose content it could not show, rather than replace it blind", () => {
    const ws = workspace();

    expect(ws.write("assets/logo.png", "not an image")).toEqual({ ok: false, message: "assets/logo.png is binary or too large to show, so it cannot be rewritten blind" });
    expect(ws.changes()).toEqual([]);
  });
});
