import type { RepoSnapshot } from "./repo-snapshot.js";

/** Files in which repositories tell coding agents how they work, in the order they are given to the model. */
export const instructionFiles: readonly string[] = ["AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md", ".github/orchestrator.md"];

export interface RepoInstructions {
  readonly sources: readonly string[];
  readonly text: string;
}

export function readRepoInstructions(snapshot: RepoSnapshot): RepoInstructions {
  const found = instructionFiles.flatMap((path) => {
    const content = snapshot.files.get(path)?.content;
    return content ? [{ path, content: content.trim() }] : [];
  });
  return {
    sources: found.map((f) => f.path),
    text: found.map((f) => `### ${f.path}\n\n${f.content}`).join("\n\n"),
  };
}
