/** The slowest the pacer goes when Step Functions keeps throttling: one call every 5 seconds. */
export const MIN_RATE = 0.2;
/** Calls that must succeed in a row before the rate climbs back toward the target. */
const SUCCESSES_BEFORE_SPEEDUP = 10;

/**
 * Spaces the starts of calls to at most `rate` a second. Throttling halves the rate; a run of
 * successes raises it by a quarter, never above the target the operator chose.
 */
export class Pacer {
  private current: number;
  private next = 0;
  private streak = 0;
  /** How many times a call was throttled. */
  throttles = 0;

  constructor(readonly target: number, private readonly now: () => number = Date.now, private readonly sleep: (ms: number) => Promise<void> = delay) {
    this.current = target;
  }

  get rate(): number {
    return this.current;
  }

  /** Waits for this call's turn. */
  async turn(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.current;
    if (at > now) await this.sleep(at - now);
  }

  throttled(): void {
    this.throttles += 1;
    this.streak = 0;
    this.current = Math.max(MIN_RATE, this.current / 2);
    // The next call waits a full interval at the new rate.
    this.next = Math.max(this.next, this.now() + 1000 / this.current);
  }

  succeeded(): void {
    this.streak += 1;
    if (this.streak >= SUCCESSES_BEFORE_SPEEDUP && this.current < this.target) {
      this.current = Math.min(this.target, this.current * 1.25);
      this.streak = 0;
    }
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
