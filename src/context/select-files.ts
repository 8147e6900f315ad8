import { isSecretPath } from "../security/secret-paths.js";
import { estimateTokens } from "./estimate-tokens.js";
import type { RepoFile, RepoSnapshot } from "./repo-snapshot.js";

export interface SelectedFiles {
  readonly files: readonly RepoFile[];
  readonly tokens: number;
  /** Files that scored but did not fit the budget; the model sees their paths in the repository map. */
  readonly omitted: readonly string[];
}

const ignored = /(^|\/)(node_modules|dist|build|vendor|\.git)\//;
const lockFiles = /(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|poetry\.lock|go\.sum)$/;

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z_][a-z0-9_]{2,}/g) ?? []);
}

/**
 * Chooses the files a model sees in full, within a token budget: files the issue names outright
 * first, then files whose path or content share the issue's identifiers, smaller files first on ties.
 */
export function selectFiles(snapshot: RepoSnapshot, issueText: string, budgetTokens: number): SelectedFiles {
  const issueWords = words(issueText);
  const quoted = new Set((issueText.match(/`([^`]+)`/g) ?? []).map((q) => q.slice(1, -1)));
  const scored = [...snapshot.files.values()]
    .filter((f) => f.content !== null && !ignored.test(f.path) && !lockFiles.test(f.path) && !isSecretPath(f.path))
    .map((file) => {
      const base = file.path.split("/").at(-1) ?? file.path;
      let score = 0;
      if (issueText.includes(file.path)) score += 100;
      else if (base.includes(".") && issueText.includes(base)) score += 40;
      for (const part of file.path.toLowerCase().split(/[/._-]+/)) if (issueWords.has(part)) score += 5;
      for (const q of quoted) if (file.content?.includes(q)) score += 10;
      return { file, score };
    })
    .sort((a, b) => b.score - a.score || a.file.size - b.file.size || a.file.path.localeCompare(b.file.path));

  const files: RepoFile[] = [];
  const omitted: string[] = [];
  let tokens = 0;
  for (const { file, score } of scored) {
    const cost = estimateTokens(file.content ?? "") + 20;
    if (tokens + cost <= budgetTokens) {
      files.push(file);
      tokens += cost;
    } else if (score > 0) {
      omitted.push(file.path);
    }
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, tokens, omitted };
}
