import { Duration, Token } from 'aws-cdk-lib';
import { BackoffSpec } from './shared/contract';
import { REDRIVE_WINDOW_SECONDS } from './shared/limits';

/**
 * Properties of an exponential backoff.
 *
 * @stability experimental
 */
export interface ExponentialBackoffProps {
  /**
   * The delay before the first redrive of an execution (the one that follows a failure with a
   * redrive count of 0). At least one second.
   */
  readonly initialDelay: Duration;

  /**
   * The longest delay. Delays that would land after the execution's 14-day redrive window closes
   * are shortened to fit in it.
   */
  readonly maxDelay: Duration;

  /**
   * How much each delay grows. The delay after a failure with redrive count n is the initial
   * delay times the multiplier to the power n, at most the longest delay. At least 1.
   *
   * @default - 2: each delay doubles
   */
  readonly multiplier?: number;

  /**
   * Draw each actual delay uniformly between half the delay and the delay, so that many executions
   * that failed together are not all redriven at the same moment.
   *
   * @default - true: with jitter
   */
  readonly jitter?: boolean;
}

const MIN_DELAY_SECONDS = 1;

/**
 * How long AutoRedrive waits before it redrives a failed execution.
 *
 * A delay other than zero is kept by a one-time EventBridge Scheduler schedule: nothing runs while
 * it waits.
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import { AutoRedrive, Backoff } from 'cdk-stepfunctions-redrive';
 *
 * const slowerEachTime = Backoff.exponential({
 *   initialDelay: Duration.minutes(2),
 *   maxDelay: Duration.hours(2),
 *   multiplier: 3,
 * });
 * new AutoRedrive(this, 'AutoRedrive', { stateMachines: [orders], backoff: slowerEachTime });
 *
 * @stability experimental
 */
export class Backoff {
  /** Redrive at once. */
  public static none(): Backoff {
    return new Backoff({ kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false }, 'no backoff: redrive at once');
  }

  /**
   * Wait the same time before every redrive. A delay of zero redrives at once.
   *
   * @param delay less than the 14-day redrive window
   */
  public static fixed(delay: Duration): Backoff {
    const seconds = wholeSeconds('Backoff.fixed()', 'delay', delay);
    checkFitsWindow('Backoff.fixed()', 'delay', seconds, seconds);
    if (seconds === 0) return Backoff.none();
    return new Backoff(
      { kind: 'FIXED', initialDelaySeconds: seconds, maxDelaySeconds: seconds, multiplier: 1, jitter: false },
      `fixed backoff of ${delay.toHumanString()}`,
    );
  }

  /**
   * Wait longer before each redrive of the same execution: the initial delay times the multiplier
   * to the power of the execution's redrive count, at most the longest delay, with jitter unless
   * turned off.
   */
  public static exponential(props: ExponentialBackoffProps): Backoff {
    const initial = wholeSeconds('Backoff.exponential()', 'initialDelay', props.initialDelay);
    const max = wholeSeconds('Backoff.exponential()', 'maxDelay', props.maxDelay);
    const multiplier = props.multiplier ?? 2;
    const jitter = props.jitter ?? true;
    const problems: string[] = [];
    if (!Token.isUnresolved(initial) && initial < MIN_DELAY_SECONDS) {
      problems.push(`initialDelay must be at least ${MIN_DELAY_SECONDS} second (use Backoff.none() to redrive at once)`);
    }
    if (!Token.isUnresolved(initial) && !Token.isUnresolved(max) && max < initial) {
      problems.push(`maxDelay (${max} s) must not be shorter than initialDelay (${initial} s)`);
    }
    if (!Token.isUnresolved(multiplier) && !(Number.isFinite(multiplier) && multiplier >= 1)) {
      problems.push(`multiplier must be a number of at least 1, got ${multiplier}`);
    }
    if (problems.length > 0) throw new Error(`Backoff.exponential(): ${problems.join('; ')}`);
    checkFitsWindow('Backoff.exponential()', 'initialDelay', initial, jitter ? initial / 2 : initial);
    return new Backoff(
      { kind: 'EXPONENTIAL', initialDelaySeconds: initial, maxDelaySeconds: max, multiplier, jitter },
      `exponential backoff from ${props.initialDelay.toHumanString()} to ${props.maxDelay.toHumanString()}, ` +
      `times ${multiplier} per redrive, ${jitter ? 'with' : 'without'} jitter` +
      (!Token.isUnresolved(max) && max >= REDRIVE_WINDOW_SECONDS ? ', each delay shortened to land inside the 14-day redrive window' : ''),
    );
  }

  /**
   * What the backoff does, in words, to log or to show: for example "exponential backoff from 1 minute to 1 hour, times
   * 2 per redrive, with jitter".
   */
  public readonly description: string;

  private constructor(private readonly spec: BackoffSpec, description: string) {
    this.description = description;
  }

  /**
   * The backoff as the handler receives it.
   *
   * @internal
   */
  public _toSpec(): BackoffSpec {
    return { ...this.spec };
  }
}

/** The duration in whole seconds, or an error that names the factory and the property. */
function wholeSeconds(factory: string, name: string, duration: Duration): number {
  try {
    return duration.toSeconds();
  } catch {
    throw new Error(`${factory}: ${name} must be a whole number of seconds, got ${duration.toHumanString()}`);
  }
}

/** Throws when even the shortest delay a backoff can draw lands after the redrive window. */
function checkFitsWindow(factory: string, name: string, seconds: number, shortestSeconds: number): void {
  if (Token.isUnresolved(seconds)) return;
  if (shortestSeconds >= REDRIVE_WINDOW_SECONDS) {
    throw new Error(`${factory}: ${name} of ${seconds} s can never fit in the 14-day redrive window; use a shorter delay`);
  }
}
