import { spawn } from "node:child_process";

export interface CommandResult {
  readonly exitCode: number;
  /** stdout and stderr, interleaved as they arrived, capped at `maxBytes` (the end kept). */
  readonly output: string;
  readonly stdout: string;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

const maxBytes = 20 * 1024 * 1024;

function capped(chunks: Buffer[], total: number): string {
  const all = Buffer.concat(chunks);
  return (total > maxBytes ? all.subarray(all.length - maxBytes) : all).toString("utf8");
}

/**
 * Runs a gate's command with `sh -c` in `cwd`, in its own process group so a timeout stops the
 * whole tree. Never rejects for the command's own failure: its exit code and output are the result.
 */
export function runCommand(command: string, options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // The Action's inputs (its token among them) are not the gate commands' business: a PR's config chooses those commands.
    const env = Object.fromEntries(Object.entries(options.env ?? process.env).filter(([key]) => !key.startsWith("INPUT_")));
    const child = spawn("sh", ["-c", command], { cwd: options.cwd, env: { ...env, CI: "true", FORCE_COLOR: "0", NO_COLOR: "1" }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const both: Buffer[] = [];
    const out: Buffer[] = [];
    let total = 0;
    let outTotal = 0;
    let timedOut = false;
    // Memory stays bounded: once past the cap, the oldest chunks go (the end of the output is kept).
    const keep = (chunks: Buffer[], size: number): number => {
      let kept = size;
      while (kept > maxBytes && chunks.length > 1) kept -= chunks.shift()?.length ?? 0;
      return kept;
    };
    child.stdout.on("data", (chunk: Buffer) => {
      both.push(chunk);
      out.push(chunk);
      total = keep(both, total + chunk.length);
      outTotal = keep(out, outTotal + chunk.length);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      both.push(chunk);
      total = keep(both, total + chunk.length);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 128 : 1), output: capped(both, total), stdout: capped(out, outTotal), timedOut, durationMs: Math.round(performance.now() - started) });
    });
  });
}
