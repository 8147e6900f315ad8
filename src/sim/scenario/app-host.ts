import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const appProcessEntry = fileURLToPath(new URL("./app-process.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface AppProcess {
  readonly child: ChildProcess;
  readonly webhookUrl: string;
  /** SIGKILL, as a crash: nothing is flushed, nothing is finished. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL if it lingers. */
  stop(): Promise<void>;
}

/** Starts Orchestrator in a child process (see app-process.ts) and resolves when it listens. */
export function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", appProcessEntry], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => { resolve(); }));
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      const ready = /READY (\S+)/.exec(chunk.toString());
      if (ready?.[1]) {
        resolve({
          child,
          webhookUrl: ready[1],
          kill: () => signal("SIGKILL"),
          stop: async () => {
            const timer = setTimeout(() => { child.kill("SIGKILL"); }, 5_000);
            await signal("SIGTERM");
            clearTimeout(timer);
          },
        });
      }
    });
    child.once("exit", (code) => {
      reject(new Error(`the app process exited (${String(code)}) before it was ready: ${stderr.slice(-2000)}`));
    });
  });
}
