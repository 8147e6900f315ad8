import { describe, expect, it } from "vitest";
import { neutralizeGitHubReferences } from "../../src/security/neutralize-references.js";

describe("neutralizeGitHubReferences", () => {
  it("turns closing keywords into code, so merging closes only the issue the task is for", () => {
    expect(neutralizeGitHubReferences("Adds subtract. Fixes #12, closes acme/other#3 and resolves: #4.")).toBe(
      "Adds subtract. `Fixes #12`, `closes acme/other#3` and `resolves: #4`.",
    );
    expect(neutralizeGitHubReferences("Closes https://github.com/acme/calc/issues/9")).toBe("`Closes https://github.com/acme/calc/issues/9`");
  });

  it("turns mentions of people and teams into code, so a model cannot page anyone", () => {
    expect(neutralizeGitHubReferences("cc @mona and @acme/security-team.")).toBe("cc `@mona` and `@acme/security-team`.");
  });

  it("leaves e-mail addresses, plain issue references and ordinary text alone", () => {
    const text = "Mail dev@example.com about #12; the fix is in src/calc.js.";
    expect(neutralizeGitHubReferences(text)).toBe(text);
  });
});
