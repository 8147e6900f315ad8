import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Git with the user's config switched off (noprefix, colour, external diff tools would change the output). */
export const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };

export interface TempRepo {
  readonly dir: string;
  readonly baseSha: string;
  /** `git diff BASE` of the change. */
  readonly diff: string;
}

/**
 * A real git repository in a temporary folder: `base` committed, then `change` applied (a null
 * content deletes the file), staged, and committed too when `commit` is set. The caller removes `dir`.
 */
export function tempRepo(base: Readonly<Record<string, string>>, change: Readonly<Record<string, string | null>>, options: { commit?: boolean } = {}): TempRepo {
  const dir = mkdtempSync(join(tmpdir(), "orchestrator-repo-"));
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, env: gitEnv, encoding: "utf8" });
  const write = (files: Readonly<Record<string, string | null>>): void => {
    for (const [path, text] of Object.entries(files)) {
      if (text === null) rmSync(join(dir, path));
      else {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
    }
  };
  git("init", "-q");
  write(base);
  git("add", "-A");
  git("commit", "-q", "--allow-empty", "-m", "base");
  const baseSha = git("rev-parse", "HEAD").trim();
  write(change);
  git("add", "-A");
  if (options.commit) git("commit", "-q", "--allow-empty", "-m", "change");
  return { dir, baseSha, diff: git("diff", "-M", baseSha) };
}
