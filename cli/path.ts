import { SFNClient } from '@aws-sdk/client-sfn';
import { handlerPolicy, PolicyOptions } from './options';
import { errorMessage, errorName } from '../core/aws-errors';
import { Outcome } from '../core/outcome';
import { PathDependencies, redrivePath } from '../core/redrive-path';
import { RedriveRequest } from '../core/request';
import { SkipReason } from '../src/shared/contract';
import { matchesAnyErrorPattern } from '../src/shared/error-pattern';

/** What the CLI decided or did for one execution (or, for REPLAY and REPLAYED, one sweep run). */
export type Verdict =
  /** The plan: the path would redrive it now. */
  | { readonly kind: 'REDRIVE'; readonly detail: string }
  | { readonly kind: 'REDRIVEN'; readonly detail: string; readonly redriveDate?: string }
  | { readonly kind: 'SKIPPED'; readonly reason: string; readonly detail: string }
  | { readonly kind: 'FAILED'; readonly reason: string; readonly detail: string }
  /** The plan for a sweep run in the dead-letter queue: send it back to the intake queue, to run again. */
  | { readonly kind: 'REPLAY'; readonly detail: string }
  | { readonly kind: 'REPLAYED'; readonly detail: string };

/** What DescribeExecution said during the plan: the act carries the redrive count, so a newer failure is not redriven by mistake. */
export interface Looked {
  readonly redriveCount?: number;
  readonly error?: string;
  /** When the check described the execution (epoch ms). */
  readonly at?: number;
}

/**
 * The one redrive path, run for a person: the policy from the flags, no backoff, and throttling
 * errors thrown back to the CLI (which slows down and tries again) rather than put off with a
 * schedule. The CLI never schedules.
 */
export class CliPath {
  private readonly real: PathDependencies;
  private readonly planning: PathDependencies;

  constructor(sfn: SFNClient, private readonly options: PolicyOptions, private readonly now: () => Date = () => new Date()) {
    const base = {
      putOffThrottled: false,
      scheduling: { scheduleGroup: '', schedulerRoleArn: '', deadLetterQueueArn: '', intakeQueueArn: '' },
      sfn,
      scheduler: () => {
        throw new Error('the CLI never schedules a redrive');
      },
      now,
      random: () => 0,
    };
    this.real = { ...base, policy: handlerPolicy(options, options.dryRun) };
    this.planning = { ...base, policy: handlerPolicy(options, true) };
  }

  /** What the path would do now: REDRIVE, SKIPPED or FAILED (a rejected request). Throws what the caller retries. */
  async plan(request: RedriveRequest): Promise<{ verdict: Verdict; looked: Looked }> {
    const looked: { -readonly [K in keyof Looked]: Looked[K] } = {};
    const outcome = await redrivePath(request, this.planning, this.invocation(looked));
    if (outcome.outcome === 'REJECTED') return { verdict: rejected(outcome.error), looked };
    if (outcome.outcome === 'SKIPPED' && outcome.reason === SkipReason.DRY_RUN) {
      const excluded = this.excluded(looked.error ?? request.claim?.error);
      if (excluded) return { verdict: excluded, looked };
      return { verdict: { kind: 'REDRIVE', detail: 'would redrive now' }, looked };
    }
    return { verdict: verdictOf(outcome), looked };
  }

  /** Redrives (or, with --dry-run, says it would) through the path. Throws what the caller retries. */
  async act(request: RedriveRequest): Promise<Verdict> {
    const looked: { -readonly [K in keyof Looked]: Looked[K] } = {};
    const outcome = await redrivePath(request, this.real, this.invocation(looked));
    if (outcome.outcome === 'REJECTED') return rejected(outcome.error);
    return verdictOf(outcome);
  }

  /** --exclude-error on top of an --error allow-list. */
  private excluded(error: string | undefined): Verdict | undefined {
    if (error === undefined || !matchesAnyErrorPattern(error, this.options.excludeErrors)) return undefined;
    return { kind: 'SKIPPED', reason: SkipReason.ERROR_NOT_ALLOWED, detail: `error ${error} is excluded by --exclude-error` };
  }

  private invocation(looked: { -readonly [K in keyof Looked]: Looked[K] }) {
    return {
      // Never aborted: Ctrl-C lets the call in flight finish.
      signal: new AbortController().signal,
      learn: (keys: Record<string, unknown>) => {
        if (keys.checked === 'DescribeExecution') looked.at = this.now().getTime();
        const count = keys.redriveCount ?? keys.executionRedriveCount;
        if (typeof count === 'number') looked.redriveCount = count;
        if (typeof keys.error === 'string') looked.error = keys.error;
      },
    };
  }
}

function verdictOf(outcome: Outcome): Verdict {
  switch (outcome.outcome) {
    case 'REDRIVEN':
      return { kind: 'REDRIVEN', detail: outcome.redriveDate ? `redriven at ${outcome.redriveDate}` : 'redriven', redriveDate: outcome.redriveDate };
    case 'SKIPPED':
      return { kind: 'SKIPPED', reason: outcome.reason, detail: outcome.detail };
    default:
      // SCHEDULED and DEAD_LETTERED: not reachable without a backoff or a dead-letter queue.
      return { kind: 'FAILED', reason: outcome.outcome, detail: `unexpected outcome ${outcome.outcome}` };
  }
}

function rejected(error: string): Verdict {
  return { kind: 'FAILED', reason: error.split(':')[0] || 'REJECTED', detail: error };
}

/** A failed verdict for an error the CLI gave up retrying. */
export function failedVerdict(error: unknown): Verdict {
  return { kind: 'FAILED', reason: errorName(error), detail: errorMessage(error) };
}
