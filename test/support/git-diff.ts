import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface RepoChange {
  /** Files to create or overwrite, by repository path. */
  readonly write?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
  /** `git mv` from → to, before `write` runs (so a moved file can also be edited). */
  readonly move?: Readonly<Record<string, string>>;
}

/** What `git diff base` prints for `change` made to a repository whose first commit holds `base`: real git, in a temporary directory. */
export function gitDiff(base: Readonly<Record<string, string>>, change: RepoChange): string {
  const dir = mkdtempSync(join(tmpdir(), "orchestrator-diff-"));
  // A user's git config (noprefix, color, external diff) must not change the fixture.
  const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" });
  const write = (files: Readonly<Record<string, string>>): void => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  try {
    git("init", "-q");
    write(base);
    git("add", "-A");
    git("commit", "-q", "--allow-empty", "-m", "base");
    git("tag", "base");
    for (const [from, to] of Object.entries(change.move ?? {})) {
      mkdirSync(dirname(join(dir, to)), { recursive: true });
      git("mv", from, to);
    }
    for (const path of change.remove ?? []) git("rm", "-q", path);
    write(change.write ?? {});
    git("add", "-A");
    return git("diff", "-M", "base");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
