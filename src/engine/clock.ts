/** Time as the engine sees it; handed in so tests and the demo can read it consistently. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
