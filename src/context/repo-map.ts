import { isSecretPath } from "../security/secret-paths.js";
import type { RepoSnapshot } from "./repo-snapshot.js";

/** Every path with its size, so a model knows what exists even when it cannot see it. */
export function renderRepoMap(snapshot: RepoSnapshot, maxEntries = 2000): string {
  const paths = [...snapshot.files.values()].sort((a, b) => a.path.localeCompare(b.path));
  const lines = paths.slice(0, maxEntries).map((f) => `${f.path} (${f.size} bytes${f.content === null || isSecretPath(f.path) ? ", not shown" : ""})`);
  if (paths.length > maxEntries) lines.push(`… and ${paths.length - maxEntries} more files`);
  return lines.join("\n");
}
