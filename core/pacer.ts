import { ApiQuota } from '../src/shared/limits';

/** By default, the slowest a pacer slows down to after throttling: this fraction of its starting rate. */
const SLOWEST_FRACTION = 1 / 16;

/** How a pacer slows down and recovers, when its defaults do not fit the caller. */
export interface PacerOptions {
  /** The slowest it slows down to, in calls a second: by default a sixteenth of its starting rate. */
  readonly slowestPerSecond?: number;
  /** Calls that must go through in a row before the rate climbs by a quarter: by default every one. */
  readonly successesBeforeSpeedUp?: number;
}

/**
 * A token bucket on the caller's side: it spends at most `share` of a Step Functions quota (burst
 * and refill), so that the sweep leaves the rest to the account's other callers. Throttling halves
 * its rate (down to a sixteenth) and empties the bucket; each call that goes through brings the
 * rate back up by a quarter, never above the share. Real time: it paces calls, not the work's clock.
 * The options set a different floor, or make it recover only after a run of calls that went through.
 */
export class Pacer {
  private readonly burst: number;
  private readonly slowest: number;
  private readonly fastest: number;
  private readonly successesBeforeSpeedUp: number;
  private perSecond: number;
  private tokens: number;
  private at: number;
  /** Calls that went through since the last throttle or speed-up. */
  private streak = 0;

  constructor(quota: ApiQuota, share: number, private readonly clock: () => number = Date.now, options: PacerOptions = {}) {
    this.burst = Math.max(1, Math.floor(quota.burst * share));
    this.perSecond = quota.perSecond * share;
    this.fastest = this.perSecond;
    this.slowest = options.slowestPerSecond ?? this.perSecond * SLOWEST_FRACTION;
    this.successesBeforeSpeedUp = options.successesBeforeSpeedUp ?? 1;
    this.tokens = this.burst;
    this.at = clock();
  }

  /** Milliseconds until a call may be made. */
  delayMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  /** Waits for a token, then spends it. */
  async take(signal: AbortSignal): Promise<void> {
    const delay = this.delayMs();
    if (delay > 0) await sleep(delay, signal);
    this.refill();
    this.tokens -= 1;
  }

  /** Step Functions throttled a call: slow down, and start from an empty bucket. */
  slowDown(): void {
    this.refill();
    this.streak = 0;
    this.perSecond = Math.max(this.slowest, this.perSecond / 2);
    this.tokens = Math.min(this.tokens, 0);
  }

  /** A call went through: recover some of the rate throttling took away. */
  speedUp(): void {
    this.streak += 1;
    if (this.streak < this.successesBeforeSpeedUp || this.perSecond >= this.fastest) return;
    this.refill();
    this.perSecond = Math.min(this.fastest, this.perSecond * 1.25);
    this.streak = 0;
  }

  get ratePerSecond(): number {
    return this.perSecond;
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }
}

/** Resolves after `ms`, or rejects when `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}
