import { BackoffSpec } from '../src/shared/contract';

/**
 * The delay, in seconds, before the redrive that follows a failure with `redriveCount`:
 * `min(maxDelay, initialDelay * multiplier^redriveCount)`, drawn uniformly from [delay/2, delay]
 * with jitter. `random` is a number in [0, 1), given so the function stays pure.
 */
export function redriveDelaySeconds(backoff: BackoffSpec, redriveCount: number, random: number): number {
  switch (backoff.kind) {
    case 'NONE':
      return 0;
    case 'FIXED':
      return backoff.initialDelaySeconds;
    case 'EXPONENTIAL': {
      // 0 * multiplier^count is NaN once the power overflows to Infinity.
      const grown = backoff.initialDelaySeconds === 0 ? 0 : backoff.initialDelaySeconds * Math.pow(backoff.multiplier, redriveCount);
      const delay = Math.min(backoff.maxDelaySeconds, grown);
      return backoff.jitter ? delay / 2 + random * (delay / 2) : delay;
    }
  }
}
