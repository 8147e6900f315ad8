import { describe, expect, it } from "vitest";
import { readRepoInstructions } from "../../src/context/repo-instructions.js";
import { snapshotOf } from "../support/repo-snapshot.js";

describe("readRepoInstructions", () => {
  it("gives every instruction file in a fixed order, whatever order the repository lists them in", () => {
    const snapshot = snapshotOf({
      ".github/orchestrator.md": "Orchestrator: keep PRs small.",
      ".github/copilot-instructions.md": "Copilot: use vitest.",
      "CLAUDE.md": "\n\nClaude: run npm test.\n\n",
      "AGENTS.md": "Agents: follow STYLE.md.",
      "docs/AGENTS.md": "not at the root, not read",
    });

    const instructions = readRepoInstructions(snapshot);

    expect(instructions.sources).toEqual(["AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md", ".github/orchestrator.md"]);
    expect(instructions.text).toBe(
      [
        "### AGENTS.md\n\nAgents: follow STYLE.md.",
        "### CLAUDE.md\n\nClaude: run npm test.",
        "### .github/copilot-instructions.md\n\nCopilot: use vitest.",
        "### .github/orchestrator.md\n\nOrchestrator: keep PRs small.",
      ].join("\n\n"),
    );
  });

  it("skips instruction files that are missing, empty or binary", () => {
    const snapshot = snapshotOf({ "AGENTS.md": "", "CLAUDE.md": null, ".github/copilot-instructions.md": "Use vitest." });

    expect(readRepoInstructions(snapshot)).toEqual({ sources: [".github/copilot-instructions.md"], text: "### .github/copilot-instructions.md\n\nUse vitest." });
  });

  it("has nothing to say for a repository without instructions", () => {
    expect(readRepoInstructions(snapshotOf({ "README.md": "# hi" }))).toEqual({ sources: [], text: "" });
  });
});
