import { Duration, Token } from 'aws-cdk-lib';
import { REDRIVE_WINDOW_SECONDS } from './shared/limits';

/**
 * Options of a recurring sweep.
 *
 * @stability experimental
 */
export interface SweepOptions {
  /**
   * How far back a sweep looks: executions that started longer ago than this, before the sweep
   * started, are left alone (the operator CLI redrives older history on request). At least the
   * interval, so that consecutive sweeps leave no gap; at most the 14-day redrive window.
   *
   * A failure is found when its execution started within the look-back: an execution that ran
   * longer than the look-back before it failed, and whose event was missed, is not found.
   *
   * @default - three intervals, at most 14 days
   */
  readonly lookBack?: Duration;

  /**
   * The share of Step Functions' ListExecutions and DescribeExecution quotas the sweep may use,
   * leaving the rest to your own calls: more than 0, at most 1. The sweep paces itself to this
   * share of the quotas of the smaller Region class (ListExecutions 100 burst and 2 per second,
   * DescribeExecution 250 and 10), and slows down further when Step Functions throttles it.
   *
   * @default - 0.5: half of the quotas
   */
  readonly quotaShare?: number;
}

/**
 * Marks every Sweep, whichever copy of this library made it: `Symbol.for` returns the same symbol
 * in every copy, where `instanceof` fails across two installed copies.
 */
const SWEEP_SYMBOL = Symbol.for('cdk-stepfunctions-redrive.Sweep');

const MIN_INTERVAL = Duration.minutes(5);
const MAX_INTERVAL = Duration.days(7);
const DEFAULT_LOOK_BACK_INTERVALS = 3;
const DEFAULT_QUOTA_SHARE = 0.5;

/**
 * A recurring sweep for failures whose Step Functions events were missed.
 *
 * EventBridge delivers events on a best-effort basis. On a schedule, the handler lists the stopped
 * executions of the watched state machines (in the statuses AutoRedrive redrives) over a bounded
 * look-back, and sends each through the same checks, policy, idempotency tokens and reports as an
 * event. A failure the sweep finds and its event both deliver is redriven once.
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import { AutoRedrive, Sweep } from 'cdk-stepfunctions-redrive';
 *
 * const everyQuarterHour = Sweep.every(Duration.minutes(15), { lookBack: Duration.hours(2), quotaShare: 0.25 });
 * new AutoRedrive(this, 'AutoRedrive', { stateMachineNamePrefixes: ['orders-'], sweep: everyQuarterHour });
 *
 * @stability experimental
 */
export class Sweep {
  /**
   * Whether the value is a Sweep, made by `Sweep.every()` or `Sweep.off()` of this or any other
   * installed copy of this library.
   *
   * Use it rather than a type check of the language (such as `instanceof`), which fails when the
   * app has two copies of the library installed.
   *
   * @param x the value to check
   */
  public static isSweep(x: any): x is Sweep {
    return x !== null && typeof x === 'object' && SWEEP_SYMBOL in x;
  }

  /**
   * Sweep at every interval: at least 5 minutes, at most 7 days, in whole minutes.
   *
   * @param interval how often the sweep runs
   * @param options the look-back and the share of the quotas the sweep may use
   */
  public static every(interval: Duration, options: SweepOptions = {}): Sweep {
    const problems: string[] = [];
    if (Token.isUnresolved(interval.toString()) || (options.lookBack && Token.isUnresolved(options.lookBack.toString()))) {
      throw new Error('Sweep.every(): the interval and the look-back must be known at synth time');
    }
    const intervalSeconds = interval.toSeconds();
    if (intervalSeconds < MIN_INTERVAL.toSeconds() || intervalSeconds > MAX_INTERVAL.toSeconds() || intervalSeconds % 60 !== 0) {
      problems.push(`the interval must be whole minutes between ${MIN_INTERVAL.toMinutes()} minutes and ${MAX_INTERVAL.toDays()} days, got ${interval.toHumanString()}`);
    }
    const lookBackSeconds = options.lookBack?.toSeconds() ?? Math.min(DEFAULT_LOOK_BACK_INTERVALS * intervalSeconds, REDRIVE_WINDOW_SECONDS);
    if (options.lookBack !== undefined) {
      if (!Number.isInteger(lookBackSeconds)) problems.push(`lookBack must be whole seconds, got ${options.lookBack.toHumanString()}`);
      if (lookBackSeconds < intervalSeconds) {
        problems.push(`lookBack (${options.lookBack.toHumanString()}) must be at least the interval (${interval.toHumanString()}): sweeps would leave gaps`);
      }
      if (lookBackSeconds > REDRIVE_WINDOW_SECONDS) {
        problems.push(`lookBack (${options.lookBack.toHumanString()}) must be at most 14 days, the redrive window: older failures cannot be redriven`);
      }
    }
    const quotaShare = options.quotaShare ?? DEFAULT_QUOTA_SHARE;
    if (Token.isUnresolved(quotaShare) || !(typeof quotaShare === 'number' && quotaShare > 0 && quotaShare <= 1)) {
      problems.push(`quotaShare must be a number more than 0 and at most 1, got ${quotaShare}`);
    }
    if (problems.length > 0) throw new Error(`Sweep.every(): ${problems.join('; ')}`);
    return new Sweep(true, interval, Duration.seconds(lookBackSeconds), quotaShare);
  }

  /** No sweep: failures whose events are missed stay failed. No schedule, and no List* permission. */
  public static off(): Sweep {
    return new Sweep(false);
  }

  /** Whether the sweep runs. */
  public readonly enabled: boolean;

  /** How often the sweep runs, when it does. */
  public readonly interval?: Duration;

  /** How far back the sweep looks, when it runs. */
  public readonly lookBack?: Duration;

  /** The share of the ListExecutions and DescribeExecution quotas the sweep may use, when it runs. */
  public readonly quotaShare?: number;

  private constructor(enabled: boolean, interval?: Duration, lookBack?: Duration, quotaShare?: number) {
    Object.defineProperty(this, SWEEP_SYMBOL, { value: true });
    this.enabled = enabled;
    this.interval = interval;
    this.lookBack = lookBack;
    this.quotaShare = quotaShare;
  }
}

