import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import type { GitStore } from "../github/git-store.js";

/**
 * Writes every file of a git tree into `dir`, as a checkout would: executables keep their mode,
 * symbolic links are links, submodules are empty folders. A path that would land outside `dir`
 * (`..` in a name) is left out.
 */
export async function materialiseTree(git: GitStore, treeSha: string, dir: string): Promise<void> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  for (const [path, file] of git.flatten(treeSha)) {
    const target = resolve(root, path);
    if (!target.startsWith(root + sep)) continue;
    await mkdir(dirname(target), { recursive: true });
    if (file.mode === "160000") {
      await mkdir(target, { recursive: true });
      continue;
    }
    const blob = git.get(file.sha);
    if (blob?.type !== "blob") continue;
    if (file.mode === "120000") {
      await symlink(blob.content.toString("utf8"), target);
    } else {
      await writeFile(target, blob.content);
      // chmod, not writeFile's mode: the process umask would trim it.
      await chmod(target, file.mode === "100755" ? 0o755 : 0o644);
    }
  }
}
