import type { SweepRun } from './sweep-run';
import { decide } from '../../core/decide';
import { isExecutionArnParts, parseExecutionArn, stateMachineArnOf } from '../../core/execution-arn';
import { act, check } from '../../core/redrive-path';
import { RedriveRequest } from '../../core/request';
import { ListedExecution } from '../../core/step-functions';
import { DeadLetterReason, ScheduleReason, SkipReason } from '../../src/shared/contract';

/**
 * Sends one listed execution through the redrive path as a `sweep` request, reported like any
 * trigger. An execution that has used every redrive is only counted. CUT_OFF when the candidates'
 * time ran out while it was under way: the follow-up takes it again.
 */
export async function sweepCandidate(run: SweepRun, item: ListedExecution): Promise<'DONE' | 'CUT_OFF'> {
  const { deps, invocation, request: sweep } = run;
  const request = candidateRequest(item, `sweep-${sweep.runId}`.slice(0, 128));
  if (!request) return 'DONE';
  const onItsWord = decide(request, undefined, deps.policy, deps.now(), 0);
  if (onItsWord.action === 'SKIP' && onItsWord.reason === SkipReason.EXHAUSTED) {
    run.counts.exhausted++;
    return 'DONE';
  }
  const report = deps.reporter.begin(invocation.context as object);
  report.learn({
    trigger: 'sweep',
    eventId: request.eventId,
    sweepRun: sweep.runId,
    executionArn: request.executionArn,
    stateMachineArn: request.stateMachineArn,
    redriveCount: request.redriveCount,
    status: item.status,
  });
  try {
    const checked = await check(request, run.pathDeps, run.signal);
    if ('looked' in checked && checked.looked) report.learnLooked(request, checked.looked);
    const pathOutcome = 'ended' in checked ? checked.ended : await act(checked.decision, request, run.pathDeps, run.signal);
    const outcome = pathOutcome.outcome === 'FAILED'
      ? await invocation.deadLetter(DeadLetterReason.REDRIVE_REJECTED, pathOutcome.error, request.executionArn,
        { sweep: sweep.runId, execution: item })
      : pathOutcome;
    if (outcome.outcome === 'SCHEDULED' && outcome.scheduleReason === ScheduleReason.THROTTLED) run.describePacer.slowDown();
    run.ended(outcome);
    await report.outcome(outcome, invocation.deadline.report);
  } catch (error) {
    if (invocation.deadline.passed) throw error;
    if (run.cutOff()) return 'CUT_OFF';
    run.ended('UNFINISHED');
    await report.failure(error, invocation.deadline.report, 'sweep candidate failed; the next sweep finds it again');
  }
  return 'DONE';
}

/** The redrive request for a listed execution; undefined for an ARN that is not an execution's. */
function candidateRequest(item: ListedExecution, eventId: string): RedriveRequest | undefined {
  const parts = parseExecutionArn(item.executionArn);
  if (!isExecutionArnParts(parts)) return undefined;
  return {
    trigger: 'sweep',
    eventId,
    executionArn: item.executionArn,
    execution: parts,
    stateMachineArn: stateMachineArnOf(parts),
    redriveCount: item.redriveCount,
    claim: { status: item.status, redriveCount: item.redriveCount, stopDate: item.stopDate },
    backoffWaited: false,
    putOffs: 0,
  };
}
