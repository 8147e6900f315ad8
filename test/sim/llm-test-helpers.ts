import { afterEach } from "vitest";
import { LlmSimulator, type LlmSimEvent } from "../../src/sim/llm/llm-simulator.js";
import type { LlmScript } from "../../src/sim/llm/script.js";

export type StartLlmSimulator = (script: LlmScript, onEvent?: (event: LlmSimEvent) => void) => Promise<LlmSimulator>;

/** Starts LLM simulators for the tests of one file; every simulator started is stopped after each test. */
export function useLlmSimulator(): StartLlmSimulator {
  const running: LlmSimulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sim) => sim.stop()));
  });
  return async (script, onEvent) => {
    const sim = new LlmSimulator(onEvent === undefined ? { script } : { script, onEvent });
    await sim.start();
    running.push(sim);
    return sim;
  };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the request to be refused, but it succeeded");
}
