import type { Clock } from "../../src/engine/clock.js";

/** Time that moves only when the test says so: set `at`, or `advance` it. */
export class ManualClock implements Clock {
  constructor(public at = 1_000_000) {}

  now(): number {
    return this.at;
  }

  advance(ms: number): void {
    this.at += ms;
  }
}
