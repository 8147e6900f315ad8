import { spawn } from "node:child_process";
import type { Readable } from "node:stream";

export interface OutputLine {
  /** When the line was complete, by the caller's clock. */
  readonly at: number;
  readonly text: string;
}

export interface CommandResult {
  /** The shell's exit code; null when it was killed. */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** Standard output and error together, in the order their lines arrived. */
  readonly lines: readonly OutputLine[];
  /** Lines dropped from the front to keep the output within its limit. */
  readonly droppedLines: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface CommandOptions {
  readonly command: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly now?: () => number;
  /** The most output kept, in characters; the oldest lines go first. */
  readonly maxChars?: number;
}

/** Stops the command's whole process group: `sh -c` leaves its children behind otherwise. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group has already gone.
  }
}

/**
 * Runs a shell command as a runner runs a `run:` step: `sh -c` in its own process group, output
 * collected line by line, everything it started killed when it exits or its time is up.
 */
export function runCommand(options: CommandOptions): Promise<CommandResult> {
  const now = options.now ?? Date.now;
  const maxChars = options.maxChars ?? 4 * 1024 * 1024;
  const startedAt = now();
  const lines: OutputLine[] = [];
  let kept = 0;
  let droppedLines = 0;
  const push = (text: string): void => {
    lines.push({ at: now(), text });
    kept += text.length + 1;
    while (kept > maxChars && lines.length > 1) {
      kept -= (lines.shift()?.text.length ?? 0) + 1;
      droppedLines += 1;
    }
  };
  const child = spawn("sh", ["-c", options.command], { cwd: options.cwd, env: { ...options.env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const collect = (stream: Readable): (() => void) => {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (partial + chunk).split(/\r?\n/);
      partial = parts.pop() ?? "";
      for (const part of parts) push(part);
    });
    return () => {
      if (partial !== "") push(partial);
      partial = "";
    };
  };
  const flushOut = collect(child.stdout);
  const flushErr = collect(child.stderr);
  return new Promise((resolve) => {
    let timedOut = false;
    let spawnFailed = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.on("exit", () => {
      killGroup(child.pid);
    });
    child.on("error", (error) => {
      spawnFailed = true;
      push(`sh: ${error.message}`);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      flushOut();
      flushErr();
      resolve({ exitCode: timedOut ? null : spawnFailed ? 127 : code, timedOut, lines, droppedLines, startedAt, endedAt: now() });
    });
  });
}
