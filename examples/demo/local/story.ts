/** Who did something: a service of the local stand-in for AWS (the SQS intake queue and its event source mapping among them), or the AutoRedrive handler. */
export type Actor = 'Step Functions' | 'EventBridge' | 'Scheduler' | 'SQS intake' | 'AutoRedrive';

/** Prints the demo as it happens: one line per step, stamped with the local endpoint's (virtual) time. */
export class Story {
  constructor(private readonly now: () => number, private readonly write: (line: string) => void = (line) => console.log(line)) {}

  say(line: string): void {
    this.write(line);
  }

  step(actor: Actor, what: string): void {
    this.write(`${clockTime(this.now())}  ${actor.padEnd(14)}  ${what}`);
  }
}

/** HH:MM:SS, UTC. */
export function clockTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 19);
}
