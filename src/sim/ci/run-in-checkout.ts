import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SimRepo } from "../github/sim-model.js";
import { materialiseTree } from "./materialise-tree.js";
import type { CommandResult } from "./run-command.js";
import { runCommand } from "./run-command.js";

export interface CheckoutRun {
  readonly result: CommandResult;
  /** Where the checkout was (it is gone now): output names files under it. */
  readonly workspace: string;
}

/**
 * The environment of a hosted runner, less everything of this process: no tokens, no keys, no
 * NODE_OPTIONS; a home of its own.
 */
function runnerEnv(repo: SimRepo, sha: string, workspace: string, home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    TMPDIR: home,
    LANG: "C.UTF-8",
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: `${repo.owner.login}/${repo.name}`,
    GITHUB_SHA: sha,
    GITHUB_WORKSPACE: workspace,
    RUNNER_OS: "Linux",
  };
}

/** Checks the commit out into a fresh temporary folder, runs the command there, and removes the folder. */
export async function runInCheckout(repo: SimRepo, sha: string, command: string, options: { readonly timeoutMs: number; readonly now: () => number }): Promise<CheckoutRun> {
  const commit = repo.git.get(sha);
  if (commit?.type !== "commit") throw new Error(`No commit ${sha} in ${repo.owner.login}/${repo.name}.`);
  const root = await realpath(await mkdtemp(join(tmpdir(), "orchestrator-ci-")));
  try {
    const workspace = join(root, "workspace");
    const home = join(root, "home");
    await materialiseTree(repo.git, commit.tree, workspace);
    await mkdir(home);
    const result = await runCommand({ command, cwd: workspace, env: runnerEnv(repo, sha, workspace, home), timeoutMs: options.timeoutMs, now: options.now });
    return { result, workspace };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
