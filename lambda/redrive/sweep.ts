import { sweepCandidate } from './sweep-candidate';
import { executionPages, Position, watchedStateMachines } from './sweep-listing';
import { SweepDependencies, SweepInvocation, SweepRun, SweepCounts } from './sweep-run';
import { sweepScheduleName } from '../../core/idempotency';
import { loadOnce } from '../../core/load-once';
import { MAX_SWEEP_CONTINUATIONS, SweepRequest } from '../../core/sweep-request';
import { LIBRARY_SOURCE, SWEEP_DETAIL_TYPE, SweepCursor, SweepPayload } from '../../src/shared/contract';

export { DEFAULT_SWEEP_LIMITS } from './sweep-run';
export type { SweepLimits } from './sweep-run';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const schedules = loadOnce(() => require('../../core/scheduler') as typeof import('../../core/scheduler'));

/** How one sweep invocation ended. */
export interface SweepSummary extends SweepCounts {
  readonly runId: string;
  /** 0 for the run's first invocation, n for its n-th follow-up. */
  readonly continuation: number;
  /** True when the run has swept everything; false when a follow-up continues it, or it stopped at the bound. */
  readonly complete: boolean;
  readonly stateMachines: number;
  /** The follow-up schedule that continues the run. */
  readonly followUp?: { readonly scheduleName: string; readonly at: string; readonly alreadyScheduled: boolean };
  /** Where the run stopped when it reached its bound of follow-ups. */
  readonly stoppedAt?: SweepCursor;
}

/**
 * One invocation of a sweep run: find the watched Standard state machines, go through their stopped
 * executions page by page back to the look-back (`executionPages`), and send each through the one
 * redrive path (`sweepCandidate`), paced to the quota share. Before the deadline or the work bound
 * it hands the rest to a follow-up that continues at the same place (`continueLater`), and ends.
 */
export async function runSweep(request: SweepRequest, deps: SweepDependencies, invocation: SweepInvocation): Promise<SweepSummary> {
  const run = new SweepRun(request, deps, invocation);
  const stateMachineArns = await watchedStateMachines(run, request.detail.selection, deps.sfn);
  const summary = (complete: boolean, extra: Partial<SweepSummary> = {}): SweepSummary => ({
    runId: request.runId, continuation: request.continuation, complete, stateMachines: stateMachineArns.length, ...run.counts, ...extra,
  });
  for await (const step of executionPages(run, stateMachineArns)) {
    if ('stopAt' in step) return summary(false, await continueLater(run, step.stopAt));
    let after = step.position.after;
    for (const item of step.candidates) {
      const here = { ...step.position, after };
      if (run.mustStop(run.describePacer.delayMs()) || await sweepCandidate(run, item) === 'CUT_OFF') {
        return summary(false, await continueLater(run, here));
      }
      run.progressed = true;
      after = item.executionArn;
    }
  }
  return summary(true);
}

/** Schedules the follow-up that continues the run at `position`; or, past the bound of follow-ups, says where the run stopped. */
async function continueLater(run: SweepRun, position: Position): Promise<Pick<SweepSummary, 'followUp' | 'stoppedAt'>> {
  const { request, deps, invocation } = run;
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
  if (continuation > MAX_SWEEP_CONTINUATIONS) return { stoppedAt: cursor };
  const { scheduledTime: _, ...rest } = request.detail;
  const payload: SweepPayload = { 'source': LIBRARY_SOURCE, 'detail-type': SWEEP_DETAIL_TYPE, 'detail': { ...rest, cursor } };
  const created = await schedules().createOneTimeSchedule(
    deps.scheduling, sweepScheduleName(request.runId, continuation),
    new Date(deps.now().getTime() + run.limits.followUpDelaySeconds * 1000),
    `AutoRedrive sweep ${request.runId}, continuation ${continuation}`, payload, invocation.deadline.work,
  );
  return { followUp: { scheduleName: created.scheduleName, at: created.redriveAt, alreadyScheduled: created.alreadyScheduled } };
}
