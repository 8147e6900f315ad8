/** One line of the demo's story: when, who, what. */
export interface NarrationLine {
  readonly atMs: number;
  readonly actor: string;
  readonly text: string;
}

export type Narrate = (actor: string, text: string) => void;

export function createNarrator(print: (line: NarrationLine) => void, now: () => number = () => performance.now()): Narrate {
  const start = now();
  return (actor, text) => {
    print({ atMs: now() - start, actor, text });
  };
}

export function formatNarration(line: NarrationLine): string {
  const time = `+${(line.atMs / 1000).toFixed(3)}s`.padStart(9);
  return `${time}  ${line.actor.padEnd(12)} ${line.text}`;
}
