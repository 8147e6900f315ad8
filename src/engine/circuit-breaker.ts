import type { Clock } from "./clock.js";

export type CircuitState = "closed" | "open" | "half_open";

export interface CircuitOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit refuses calls before it lets one probe through. */
  readonly coolDownMs: number;
}

export const defaultCircuitOptions: CircuitOptions = { failureThreshold: 3, coolDownMs: 60_000 };

interface Circuit {
  state: CircuitState;
  failures: number;
  openedAt: number;
  probing: boolean;
}

export interface CircuitChange {
  readonly provider: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly failures: number;
}

/**
 * One circuit per provider, shared by every task in the process. Closed: calls flow and failures
 * are counted. Open: calls are refused until the cool-down passes. Half open: exactly one probe
 * is let through; its success closes the circuit, its failure opens it again.
 */
export class CircuitBreakers {
  readonly #circuits = new Map<string, Circuit>();
  readonly #clock: Clock;
  readonly #options: CircuitOptions;
  readonly #onChange: (change: CircuitChange) => void;

  constructor(clock: Clock, options: CircuitOptions = defaultCircuitOptions, onChange: (change: CircuitChange) => void = () => undefined) {
    this.#clock = clock;
    this.#options = options;
    this.#onChange = onChange;
  }

  state(provider: string): CircuitState {
    const circuit = this.#circuits.get(provider);
    if (!circuit) return "closed";
    if (circuit.state === "open" && this.#clock.now() - circuit.openedAt >= this.#options.coolDownMs) return "half_open";
    return circuit.state;
  }

  /** Whether a call may go to this provider now; a half-open circuit admits one probe at a time. */
  tryAcquire(provider: string): boolean {
    const circuit = this.#circuit(provider);
    const state = this.state(provider);
    if (state === "closed") return true;
    if (state === "open") return false;
    if (circuit.probing) return false;
    if (circuit.state !== "half_open") this.#move(provider, circuit, "half_open");
    circuit.probing = true;
    return true;
  }

  recordSuccess(provider: string): void {
    const circuit = this.#circuit(provider);
    circuit.failures = 0;
    circuit.probing = false;
    if (circuit.state !== "closed") this.#move(provider, circuit, "closed");
  }

  recordFailure(provider: string): void {
    const circuit = this.#circuit(provider);
    circuit.failures += 1;
    const wasProbe = circuit.probing;
    circuit.probing = false;
    if (wasProbe || (circuit.state === "closed" && circuit.failures >= this.#options.failureThreshold)) {
      circuit.openedAt = this.#clock.now();
      this.#move(provider, circuit, "open");
    }
  }

  /** A call that was admitted but never reached the provider (refused by the budget, say) gives its probe back. */
  release(provider: string): void {
    const circuit = this.#circuits.get(provider);
    if (circuit) circuit.probing = false;
  }

  snapshot(): Record<string, { state: CircuitState; failures: number }> {
    return Object.fromEntries([...this.#circuits].map(([provider, c]) => [provider, { state: this.state(provider), failures: c.failures }]));
  }

  #circuit(provider: string): Circuit {
    let circuit = this.#circuits.get(provider);
    if (!circuit) {
      circuit = { state: "closed", failures: 0, openedAt: 0, probing: false };
      this.#circuits.set(provider, circuit);
    }
    return circuit;
  }

  #move(provider: string, circuit: Circuit, to: CircuitState): void {
    const from = circuit.state;
    circuit.state = to;
    this.#onChange({ provider, from, to, failures: circuit.failures });
  }
}
