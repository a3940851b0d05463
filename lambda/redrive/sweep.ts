import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DEFAULT_TIMEOUTS } from './aws-clients';
import { Deadline, RemainingTime, WORK_STOPS_BEFORE_TIMEOUT_MS } from './deadline';
import { Reporter } from './report';
import { classifyFailure, errorName } from '../../core/aws-errors';
import { policySkip } from '../../core/decide';
import { isExecutionArnParts, parseExecutionArn, stateMachineArnOf } from '../../core/execution-arn';
import { sweepScheduleName } from '../../core/idempotency';
import { loadOnce } from '../../core/load-once';
import { Outcome } from '../../core/outcome';
import { Pacer, sleep } from '../../core/pacer';
import { PathDependencies, redrivePath } from '../../core/redrive-path';
import { RedriveRequest } from '../../core/request';
import { listExecutionsPage, ListedExecution, listStateMachinesPage, Page } from '../../core/step-functions';
import { MAX_SWEEP_CONTINUATIONS, SweepRequest } from '../../core/sweep-request';
import {
  DeadLetterReason, LIBRARY_SOURCE, ScheduleReason, SkipReason, SWEEP_DETAIL_TYPE, SweepCursor, SweepPayload, SweepSelection,
} from '../../src/shared/contract';
import { ApiQuota, MAX_LIST_PAGE_SIZE, STEP_FUNCTIONS_QUOTAS } from '../../src/shared/limits';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const schedules = loadOnce(() => require('../../core/scheduler') as typeof import('../../core/scheduler'));

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
  readonly reporter: Reporter;
  readonly sweepLimits?: Partial<SweepLimits>;
}

export interface SweepInvocation {
  readonly context: RemainingTime;
  readonly deadline: Deadline;
  /** Keeps a candidate Step Functions rejects (ExecutionDoesNotExist, ...) in the dead-letter queue. */
  deadLetter(reason: DeadLetterReason, error: string, executionArn: string, event: unknown): Promise<Outcome>;
}

/** How one sweep invocation ended. */
export interface SweepOutcome {
  readonly outcome: 'SWEPT';
  readonly runId: string;
  /** 0 for the run's first invocation, n for its n-th follow-up. */
  readonly continuation: number;
  /** True when the run has swept everything; false when a follow-up continues it, or it stopped at the bound. */
  readonly complete: boolean;
  readonly stateMachines: number;
  /** ListExecutions pages read. */
  readonly pages: number;
  /** Executions sent through the redrive path, and what became of them. */
  readonly candidates: number;
  readonly redriven: number;
  readonly scheduled: number;
  readonly skipped: number;
  readonly deadLettered: number;
  /** Candidates whose path failed (reported; the next sweep finds them again). */
  readonly failed: number;
  /** Listed executions that had used every redrive already: counted here, not reported again one by one. */
  readonly exhausted: number;
  /** ListExecutions calls Step Functions throttled past the SDK's retries. */
  readonly throttled: number;
  /** The follow-up schedule that continues the run. */
  readonly followUp?: { readonly scheduleName: string; readonly at: string; readonly alreadyScheduled: boolean };
  /** Where the run stopped when it reached its bound of follow-ups. */
  readonly stoppedAt?: SweepCursor;
}

type Position = Pick<SweepCursor, 'stateMachineArn' | 'status' | 'redriven' | 'pageToken' | 'after'>;

/**
 * What the sweep lists of each state machine, in order: for each status, the executions never
 * redriven (newest first by start, back to the look-back), then those redriven at least once (all of
 * them: a redrive does not change an execution's start, so a re-failure of a long-lived execution is
 * found by when it stopped).
 */
interface Listing {
  readonly status: string;
  readonly redriven: boolean;
}

class Stop {
  constructor(readonly position: Position) {}
}

/**
 * One invocation of a sweep run: find the watched Standard state machines, list each one's
 * executions in each chosen status (newest first, page by page) back to the look-back, and send
 * each through the one redrive path as a `sweep` request, reported like any trigger. Paced to the
 * quota share; throttling slows it. Before the deadline or the work bound it schedules a follow-up
 * that continues at the same place, and ends.
 */
export async function runSweep(request: SweepRequest, deps: SweepDependencies, invocation: SweepInvocation): Promise<SweepOutcome> {
  const limits: SweepLimits = { ...DEFAULT_SWEEP_LIMITS, ...deps.sweepLimits };
  const { detail } = request;
  const listPacer = new Pacer(limits.quotas.ListExecutions, detail.quotaShare);
  const describePacer = new Pacer(limits.quotas.DescribeExecution, detail.quotaShare);
  const remainingMs = invocation.context.getRemainingTimeInMillis();
  const stopAt = Date.now() + remainingMs - limits.stopBeforeTimeoutMs;
  // Candidates and listing stop here; the follow-up and the report run on the invocation's own deadline.
  const signal = AbortSignal.any([invocation.deadline.work, AbortSignal.timeout(Math.max(0, remainingMs - limits.candidatesEndBeforeTimeoutMs))]);
  const cutOff = () => signal.aborted && !invocation.deadline.passed;
  const pathDeps: PathDependencies = { ...deps, sfn: pacedClient(deps.sfn, describePacer, signal) };
  const cutoff = request.startedAt - detail.lookBackSeconds * 1000;
  const eventId = `sweep-${request.runId}`.slice(0, 128);
  const counts = { pages: 0, candidates: 0, redriven: 0, scheduled: 0, skipped: 0, deadLettered: 0, failed: 0, exhausted: 0, throttled: 0 };
  let handledHere = 0;
  let progressed = false;
  const mustStop = (waitMs: number) => progressed && (handledHere >= limits.maxCandidatesPerInvocation || Date.now() + waitMs >= stopAt);

  /** A List* call, paced; throttled past the SDK's retries, it waits and tries again, or stops the invocation there. */
  const listCall = async <T>(call: () => Promise<T>, position: Position | undefined): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      await listPacer.take(signal);
      try {
        const result = await call();
        listPacer.speedUp();
        return result;
      } catch (error) {
        if (classifyFailure(error) !== 'THROTTLED' || errorName(error) === 'ExecutionLimitExceeded') throw error;
        counts.throttled++;
        listPacer.slowDown();
        const waitMs = Math.min(1000 * 2 ** attempt, 8000) * (0.5 + deps.random() / 2);
        if (position && Date.now() + waitMs + listPacer.delayMs() >= stopAt) throw new Stop(position);
        await sleep(waitMs, signal);
      }
    }
  };

  /** Sends one listed execution through the path; false when it was cut off before it ended, for the follow-up to take again. */
  const handleCandidate = async (item: ListedExecution): Promise<boolean> => {
    const parts = parseExecutionArn(item.executionArn);
    if (!isExecutionArnParts(parts)) return true;
    const claim = { status: item.status, redriveCount: item.redriveCount, stopDate: item.stopDate };
    if (policySkip(claim, deps.policy, deps.now(), true)?.reason === SkipReason.EXHAUSTED) {
      counts.exhausted++;
      return true;
    }
    const candidate: RedriveRequest = {
      trigger: 'sweep',
      eventId,
      executionArn: item.executionArn,
      execution: parts,
      stateMachineArn: stateMachineArnOf(parts),
      redriveCount: item.redriveCount,
      claim,
      backoffWaited: false,
      putOffs: 0,
    };
    const report = deps.reporter.begin(invocation.context as object);
    report.learn({
      trigger: 'sweep',
      eventId,
      sweepRun: request.runId,
      executionArn: candidate.executionArn,
      stateMachineArn: candidate.stateMachineArn,
      redriveCount: candidate.redriveCount,
      status: item.status,
    });
    try {
      const result = await redrivePath(candidate, pathDeps, { signal, learn: (keys) => report.learn(keys) });
      const outcome = result.outcome === 'REJECTED'
        ? await invocation.deadLetter(DeadLetterReason.REDRIVE_REJECTED, result.error, candidate.executionArn,
          { sweep: request.runId, execution: item })
        : result;
      if (outcome.outcome === 'SCHEDULED' && outcome.scheduleReason === ScheduleReason.THROTTLED) describePacer.slowDown();
      counts.candidates++;
      handledHere++;
      count(outcome);
      await report.outcome(outcome, invocation.deadline.report);
    } catch (error) {
      if (invocation.deadline.passed) throw error;
      if (cutOff()) return false;
      counts.candidates++;
      handledHere++;
      counts.failed++;
      await report.failure(error, invocation.deadline.report, 'sweep candidate failed; the next sweep finds it again');
    }
    return true;
  };

  const count = (outcome: Outcome) => {
    switch (outcome.outcome) {
      case 'REDRIVEN': counts.redriven++; break;
      case 'SCHEDULED': counts.scheduled++; break;
      case 'SKIPPED': counts.skipped++; break;
      case 'DEAD_LETTERED': counts.deadLettered++; break;
    }
  };

  let machines: string[] = [];
  const summary = (complete: boolean, extra: Partial<SweepOutcome> = {}): SweepOutcome => ({
    outcome: 'SWEPT', runId: request.runId, continuation: request.continuation, complete, stateMachines: machines.length, ...counts, ...extra,
  });

  try {
    machines = await stateMachinesOf(detail.selection, deps.sfn, limits.pageSize, signal, (call) => listCall(call, undefined));
    const cursor = request.cursor;
    const first = cursor ? machines.findIndex((arn) => arn >= cursor.stateMachineArn) : 0;
    const listings: Listing[] = detail.statuses.flatMap((status) => [{ status, redriven: false }, { status, redriven: true }]);
    for (let m = first < 0 ? machines.length : first; m < machines.length; m++) {
      const stateMachineArn = machines[m];
      const resuming = cursor !== undefined && stateMachineArn === cursor.stateMachineArn;
      const firstListing = resuming
        ? Math.max(0, listings.findIndex((listing) => listing.status === cursor.status && listing.redriven === (cursor.redriven === true)))
        : 0;
      for (let l = firstListing; l < listings.length; l++) {
        const { status, redriven } = listings[l];
        const resumeHere = resuming && l === firstListing;
        let pageToken = resumeHere ? cursor.pageToken : undefined;
        let after = resumeHere ? cursor.after : undefined;
        for (;;) {
          const position: Position = { stateMachineArn, status, redriven, pageToken, after };
          if (mustStop(listPacer.delayMs())) throw new Stop(position);
          let page: Page<ListedExecution>;
          try {
            const listing = () => listExecutionsPage(deps.sfn, stateMachineArn, status, redriven, pageToken, limits.pageSize, signal);
            page = await listCall(listing, position);
          } catch (error) {
            if (cutOff()) throw new Stop(position);
            if (error instanceof Stop || !['StateMachineDoesNotExist', 'ACCESS_DENIED'].includes(gone(error))) throw error;
            break; // deleted, or no longer watched: nothing to sweep there
          }
          counts.pages++;
          const skipTo = after !== undefined && page.items.some((item) => item.executionArn === after) ? after : undefined;
          let skipping = skipTo !== undefined;
          let reachedLookBack = false;
          for (const item of page.items) {
            if (skipping) {
              skipping = item.executionArn !== skipTo;
              continue;
            }
            if (!redriven && item.startDate !== undefined && item.startDate < cutoff) {
              reachedLookBack = true;
              break;
            }
            const lastStop = item.stopDate ?? item.redriveDate;
            if (redriven && lastStop !== undefined && lastStop < cutoff) continue;
            const here: Position = { stateMachineArn, status, redriven, pageToken, after };
            if (mustStop(describePacer.delayMs())) throw new Stop(here);
            if (!(await handleCandidate(item))) throw new Stop(here);
            progressed = true;
            after = item.executionArn;
          }
          progressed = true;
          if (reachedLookBack || page.nextToken === undefined) break;
          pageToken = page.nextToken;
          after = undefined;
        }
      }
    }
    return summary(true);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return continueLater(error.position);
  }

  async function continueLater(position: Position): Promise<SweepOutcome> {
    const continuation = request.continuation + 1;
    const cursor: SweepCursor = {
      runId: request.runId,
      startedAt: new Date(request.startedAt).toISOString(),
      continuation,
      stateMachineArn: position.stateMachineArn,
      status: position.status,
      ...(position.redriven ? { redriven: true } : {}),
      ...(position.pageToken !== undefined ? { pageToken: position.pageToken } : {}),
      ...(position.after !== undefined ? { after: position.after } : {}),
    };
    if (continuation > MAX_SWEEP_CONTINUATIONS) return summary(false, { stoppedAt: cursor });
    const { scheduledTime: _, ...rest } = detail;
    const payload: SweepPayload = { 'source': LIBRARY_SOURCE, 'detail-type': SWEEP_DETAIL_TYPE, 'detail': { ...rest, cursor } };
    const created = await schedules().createOneTimeSchedule(
      deps.scheduler(), deps.scheduling, sweepScheduleName(request.runId, continuation),
      new Date(deps.now().getTime() + limits.followUpDelaySeconds * 1000),
      `AutoRedrive sweep ${request.runId}, continuation ${continuation}`, payload, invocation.deadline.work,
    );
    return summary(false, { followUp: { scheduleName: created.scheduleName, at: created.redriveAt, alreadyScheduled: created.alreadyScheduled } });
  }
}

/** The watched Standard state machines' ARNs, each once, in order: the list, or ListStateMachines filtered by prefix and type. */
async function stateMachinesOf(
  selection: SweepSelection,
  client: SFNClient,
  pageSize: number,
  signal: AbortSignal,
  listCall: <T>(call: () => Promise<T>) => Promise<T>,
): Promise<string[]> {
  if (selection.kind === 'LIST') return [...new Set(selection.stateMachineArns)].sort();
  const arns: string[] = [];
  let pageToken: string | undefined;
  do {
    const token = pageToken;
    const page = await listCall(() => listStateMachinesPage(client, token, pageSize, signal));
    for (const machine of page.items) {
      if (machine.type !== 'STANDARD') continue;
      if (selection.kind === 'PREFIXES' && !selection.namePrefixes.some((prefix) => machine.name.startsWith(prefix))) continue;
      arns.push(machine.stateMachineArn);
    }
    pageToken = page.nextToken;
  } while (pageToken !== undefined);
  return [...new Set(arns)].sort();
}

/** Why ListExecutions of a state machine cannot be answered for good: it was deleted, or the role no longer covers it. */
function gone(error: unknown): string {
  return classifyFailure(error) === 'ACCESS_DENIED' ? 'ACCESS_DENIED' : errorName(error);
}

/** The Step Functions client, with DescribeExecution waiting for the pacer: the path looks at executions through it. */
function pacedClient(client: SFNClient, describePacer: Pacer, signal: AbortSignal): SFNClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: any, options?: any) => {
        if (command instanceof DescribeExecutionCommand) await describePacer.take(signal);
        return target.send(command, options);
      };
    },
  });
}
