import { describe, expect, it } from "vitest";
import type { CircuitChange } from "../../src/engine/circuit-breaker.js";
import { CircuitBreakers, defaultCircuitOptions } from "../../src/engine/circuit-breaker.js";
import { ManualClock } from "../support/manual-clock.js";


const options = { failureThreshold: 3, coolDownMs: 60_000 };

function setup(): { clock: ManualClock; breakers: CircuitBreakers; changes: CircuitChange[] } {
  const clock = new ManualClock();
  const changes: CircuitChange[] = [];
  const breakers = new CircuitBreakers(clock, options, (change) => changes.push(change));
  return { clock, breakers, changes };
}

function fail(breakers: CircuitBreakers, provider: string, times: number): void {
  for (let i = 0; i < times; i += 1) {
    expect(breakers.tryAcquire(provider)).toBe(true);
    breakers.recordFailure(provider);
  }
}

describe("CircuitBreakers", () => {
  it("defaults to three failures and a one-minute cool-down", () => {
    expect(defaultCircuitOptions).toEqual({ failureThreshold: 3, coolDownMs: 60_000 });
  });

  it("lets every call through to a provider it has not heard of", () => {
    const { breakers } = setup();

    expect(breakers.state("anthropic")).toBe("closed");
    expect(breakers.tryAcquire("anthropic")).toBe(true);
    expect(breakers.tryAcquire("anthropic")).toBe(true);
    expect(breakers.snapshot()).toEqual({ anthropic: { state: "closed", failures: 0 } });
  });

  it("stays closed below the threshold and opens on the threshold's failure", () => {
    const { breakers, changes } = setup();

    fail(breakers, "anthropic", 2);
    expect(breakers.state("anthropic")).toBe("closed");
    fail(breakers, "anthropic", 1);

    expect(breakers.state("anthropic")).toBe("open");
    expect(breakers.tryAcquire("anthropic")).toBe(false);
    expect(changes).toEqual([{ provider: "anthropic", from: "closed", to: "open", failures: 3 }]);
  });

  it("counts only consecutive failures: a success starts the count again", () => {
    const { breakers } = setup();

    fail(breakers, "anthropic", 2);
    breakers.recordSuccess("anthropic");
    fail(breakers, "anthropic", 2);

    expect(breakers.snapshot()).toEqual({ anthropic: { state: "closed", failures: 2 } });
  });

  it("keeps one provider's circuit apart from another's", () => {
    const { breakers } = setup();

    fail(breakers, "anthropic", 3);

    expect(breakers.tryAcquire("openai")).toBe(true);
    expect(breakers.snapshot()).toEqual({ anthropic: { state: "open", failures: 3 }, openai: { state: "closed", failures: 0 } });
  });

  it("refuses calls until the cool-down has passed, then admits exactly one probe", () => {
    const { clock, breakers, changes } = setup();
    fail(breakers, "anthropic", 3);

    clock.advance(59_999);
    expect(breakers.state("anthropic")).toBe("open");
    expect(breakers.tryAcquire("anthropic")).toBe(false);
    clock.advance(1);
    expect(breakers.state("anthropic")).toBe("half_open");

    expect(breakers.tryAcquire("anthropic")).toBe(true);
    expect(breakers.tryAcquire("anthropic")).toBe(false);
    expect(breakers.tryAcquire("anthropic")).toBe(false);
    expect(changes.map((c) => `${c.from}→${c.to}`)).toEqual(["closed→open", "open→half_open"]);
  });

  it("closes the circuit when the probe succeeds, and counts failures from zero again", () => {
    const { clock, breakers, changes } = setup();
    fail(breakers, "anthropic", 3);
    clock.advance(60_000);
    expect(breakers.tryAcquire("anthropic")).toBe(true);

    breakers.recordSuccess("anthropic");

    expect(breakers.state("anthropic")).toBe("closed");
    expect(breakers.tryAcquire("anthropic")).toBe(true);
    expect(breakers.tryAcquire("anthropic")).toBe(true);
    expect(changes.at(-1)).toEqual({ provider: "anthropic", from: "half_open", to: "closed", failures: 0 });
    fail(breakers, "anthropic", 2);
    expect(breakers.state("anthropic")).toBe("closed");
  });

  it("opens the circuit again when the probe fails, with a fresh cool-down", () => {
    const { clock, breakers, changes } = setup();
    fail(breakers, "anthropic", 3);
    clock.advance(60_000);
    expect(breakers.tryAcquire("anthropic")).toBe(true);

    clock.advance(5_000);
    breakers.recordFailure("anthropic");

    expect(breakers.state("anthropic")).toBe("open");
    expect(changes.at(-1)).toEqual({ provider: "anthropic", from: "half_open", to: "open", failures: 4 });
    clock.advance(59_999);
    expect(breakers.tryAcquire("anthropic")).toBe(false);
    clock.advance(1);
    expect(breakers.tryAcquire("anthropic")).toBe(true);
  });

  it("takes back a probe that never reached the provider, so the next call may probe", () => {
    const { clock, breakers, changes } = setup();
    fail(breakers, "anthropic", 3);
    clock.advance(60_000);
    expect(breakers.tryAcquire("anthropic")).toBe(true);

    breakers.release("anthropic");

    expect(breakers.state("anthropic")).toBe("half_open");
    expect(breakers.tryAcquire("anthropic")).toBe(true);
    expect(breakers.tryAcquire("anthropic")).toBe(false);
    // Giving the probe back is not a change of state.
    expect(changes.map((c) => c.to)).toEqual(["open", "half_open"]);
  });

  it("ignores a release for a closed or unknown circuit", () => {
    const { breakers } = setup();

    breakers.release("nobody");
    breakers.release("anthropic");

    expect(breakers.tryAcquire("anthropic")).toBe(true);
    expect(breakers.snapshot()).toEqual({ anthropic: { state: "closed", failures: 0 } });
  });

  it("reports a cooled-down open circuit as half open in its snapshot", () => {
    const { clock, breakers } = setup();
    fail(breakers, "openai", 3);
    expect(breakers.snapshot()).toEqual({ openai: { state: "open", failures: 3 } });

    clock.advance(60_000);

    expect(breakers.snapshot()).toEqual({ openai: { state: "half_open", failures: 3 } });
  });
});
