import { DEFAULT_TIMEOUTS } from './aws-clients';
import { Deadline, RemainingTime, WORK_STOPS_BEFORE_TIMEOUT_MS } from './deadline';
import { Reporter } from './report';
import { Outcome } from '../../core/outcome';
import { Pacer } from '../../core/pacer';
import { PathDependencies } from '../../core/redrive-path';
import type { Scheduling } from '../../core/scheduler';
import { SweepRequest } from '../../core/sweep-request';
import { DeadLetterReason } from '../../src/shared/contract';
import { ApiQuota, MAX_LIST_PAGE_SIZE, STEP_FUNCTIONS_QUOTAS } from '../../src/shared/limits';

/** Time kept for the follow-up's CreateSchedule (one attempt) before the work deadline. */
const FOLLOW_UP_RESERVE_MS = DEFAULT_TIMEOUTS.requestTimeout;

/** How much one sweep invocation does before it hands the rest to a follow-up. */
export interface SweepLimits {
  /** maxResults of each ListExecutions and ListStateMachines call. */
  readonly pageSize: number;
  /** Candidates sent through the redrive path by one invocation at most. */
  readonly maxCandidatesPerInvocation: number;
  /**
   * The sweep takes no new candidate once less than this is left of the invocation: room for one
   * more candidate's call, the follow-up and the report before the deadline.
   */
  readonly stopBeforeTimeoutMs: number;
  /**
   * A candidate still under way this long before Lambda's timeout is cut off, and the follow-up
   * takes it again: what is left is the follow-up's and the report's.
   */
  readonly candidatesEndBeforeTimeoutMs: number;
  /** A follow-up is due this long after the invocation that schedules it: the quotas' buckets refill meanwhile. */
  readonly followUpDelaySeconds: number;
  /** The quotas the sweep takes its share of. */
  readonly quotas: { readonly ListExecutions: ApiQuota; readonly DescribeExecution: ApiQuota };
}

/**
 * The defaults: full pages; the quotas of the smaller Region class (the handler cannot tell its
 * Region's class, and the smaller one is safe in all); a follow-up a minute later, when the
 * ListExecutions bucket (100, 2 per second) and DescribeExecution's (250, 10) have refilled.
 */
export const DEFAULT_SWEEP_LIMITS: SweepLimits = {
  pageSize: MAX_LIST_PAGE_SIZE,
  maxCandidatesPerInvocation: 500,
  stopBeforeTimeoutMs: WORK_STOPS_BEFORE_TIMEOUT_MS + FOLLOW_UP_RESERVE_MS + DEFAULT_TIMEOUTS.requestTimeout,
  candidatesEndBeforeTimeoutMs: WORK_STOPS_BEFORE_TIMEOUT_MS + FOLLOW_UP_RESERVE_MS,
  followUpDelaySeconds: 60,
  quotas: {
    ListExecutions: STEP_FUNCTIONS_QUOTAS.ListExecutions.otherRegions,
    DescribeExecution: STEP_FUNCTIONS_QUOTAS.DescribeExecution.otherRegions,
  },
};

export interface SweepDependencies extends PathDependencies {
  readonly scheduling: Scheduling;
  readonly reporter: Reporter;
  readonly sweepLimits?: Partial<SweepLimits>;
}

export interface SweepInvocation {
  readonly context: RemainingTime;
  readonly deadline: Deadline;
  /** Keeps a candidate Step Functions rejects (ExecutionDoesNotExist, ...) in the dead-letter queue. */
  deadLetter(reason: DeadLetterReason, error: string, executionArn: string, event: unknown): Promise<Outcome>;
}

/** What one sweep invocation has done so far. */
export interface SweepCounts {
  /** ListExecutions pages read. */
  pages: number;
  /** Executions sent through the redrive path, and how they ended. */
  candidates: number;
  redriven: number;
  scheduled: number;
  skipped: number;
  /** Rejected by Step Functions: kept in the dead-letter queue. */
  failed: number;
  /** Candidates whose path threw (reported; the next sweep finds them again). */
  unfinished: number;
  /** Listed executions that had used every redrive already: counted here, not reported again one by one. */
  exhausted: number;
  /** ListExecutions calls Step Functions throttled past the SDK's retries. */
  throttled: number;
}

/** One invocation of a sweep run: its bounds, its pacing, its deadline and what it has done. */
export class SweepRun {
  readonly limits: SweepLimits;
  readonly listPacer: Pacer;
  readonly describePacer: Pacer;
  /** Candidates and listing stop here; the follow-up and the report run on the invocation's own deadline. */
  readonly signal: AbortSignal;
  /** No new page or candidate is taken after this (epoch ms). */
  readonly stopAt: number;
  /** The start of the look-back (epoch ms). */
  readonly lookBackStart: number;
  /** The path's dependencies, its looks paced to the sweep's share of DescribeExecution's quota. */
  readonly pathDeps: PathDependencies;
  readonly counts: SweepCounts = {
    pages: 0, candidates: 0, redriven: 0, scheduled: 0, skipped: 0, failed: 0, unfinished: 0, exhausted: 0, throttled: 0,
  };
  /** Something was done: from now on the invocation may hand over. */
  progressed = false;
  private handled = 0;

  constructor(readonly request: SweepRequest, readonly deps: SweepDependencies, readonly invocation: SweepInvocation) {
    this.limits = { ...DEFAULT_SWEEP_LIMITS, ...deps.sweepLimits };
    this.listPacer = new Pacer(this.limits.quotas.ListExecutions, request.detail.quotaShare);
    this.describePacer = new Pacer(this.limits.quotas.DescribeExecution, request.detail.quotaShare);
    const remainingMs = invocation.context.getRemainingTimeInMillis();
    this.stopAt = Date.now() + remainingMs - this.limits.stopBeforeTimeoutMs;
    const candidatesEnd = AbortSignal.timeout(Math.max(0, remainingMs - this.limits.candidatesEndBeforeTimeoutMs));
    this.signal = AbortSignal.any([invocation.deadline.work, candidatesEnd]);
    this.lookBackStart = request.startedAt - request.detail.lookBackSeconds * 1000;
    this.pathDeps = { ...deps, paceLook: (signal) => this.describePacer.take(signal) };
  }

  /** Whether to hand over before a call that may wait `waitMs`: the work bound or the time is reached, once something was done. */
  mustStop(waitMs: number): boolean {
    return this.progressed && (this.handled >= this.limits.maxCandidatesPerInvocation || Date.now() + waitMs >= this.stopAt);
  }

  /** The candidates' time ran out before the invocation's deadline: what was under way is the follow-up's. */
  cutOff(): boolean {
    return this.signal.aborted && !this.invocation.deadline.passed;
  }

  /** Counts a candidate that ended, or whose path threw. */
  ended(outcome: Outcome | 'UNFINISHED'): void {
    this.counts.candidates++;
    this.handled++;
    if (outcome === 'UNFINISHED') this.counts.unfinished++;
    else this.counts[COUNTED[outcome.outcome]]++;
  }
}

const COUNTED = { REDRIVEN: 'redriven', SCHEDULED: 'scheduled', SKIPPED: 'skipped', FAILED: 'failed' } as const;
