import { SQSClient } from '@aws-sdk/client-sqs';
import { HandlerConfig } from './config';
import { Deadline, DeadlineError, RemainingTime } from './deadline';
import { BatchResponse, handleBatch, IntakeMessage } from './intake';
import { Reporter } from './report';
import type { SweepLimits, SweepSummary } from './sweep';
import { TraceAnnotations, TraceMarker } from './tracing';
import { parseFailureEvent } from '../../core/failure-event';
import { loadOnce } from '../../core/load-once';
import { Outcome } from '../../core/outcome';
import { act, check, PathDependencies } from '../../core/redrive-path';
import { BadEventError, RedriveRequest } from '../../core/request';
import { isScheduledRedrive, parseScheduledRedrive } from '../../core/scheduled-redrive';
import type { Scheduling } from '../../core/scheduler';
import { isSweep, parseSweep } from '../../core/sweep-request';
import { DeadLetterReason, LIBRARY_SOURCE } from '../../src/shared/contract';

/** Loaded when first used: most invocations never write to the dead-letter queue, and only the sweep's own invocations sweep. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const deadLetters = loadOnce(() => require('./sqs') as typeof import('./sqs'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sweeps = loadOnce(() => require('./sweep') as typeof import('./sweep'));

export interface HandlerDependencies extends PathDependencies {
  readonly scheduling: Scheduling;
  readonly config: HandlerConfig;
  readonly sqs: () => SQSClient;
  readonly reporter: Reporter;
  readonly tracing: TraceMarker;
  /** The sweep's work bounds and quotas, when a test sets them; the defaults otherwise. */
  readonly sweepLimits?: Partial<SweepLimits>;
}

/** The part of the Lambda context the handler reads. */
export interface InvocationContext extends RemainingTime {
  readonly awsRequestId?: string;
}

/** One trigger's handling within an invocation: the invocation's deadline, and the message it came in, when it did. */
export type TriggerHandler =
  (raw: unknown, context: InvocationContext, deadline: Deadline, message?: IntakeMessage) => Promise<Outcome | SweepSummary>;

/**
 * The handler, as the intake queue's event source mapping invokes it: a batch of messages, each a
 * trigger handled on its own (see `handleBatch`); only those worth retrying come back as batch
 * item failures.
 */
export function createHandler(deps: HandlerDependencies): (batch: unknown, context: InvocationContext) => Promise<BatchResponse> {
  const handleTrigger = createTriggerHandler(deps);
  return (batch, context) => handleBatch(batch, context, handleTrigger);
}

/**
 * One trigger (a Step Functions event, a due schedule, a sweep) parsed into a redrive request that
 * takes the one redrive path. It ends redriven, scheduled, skipped with a reason, in the dead-letter
 * queue with the error, or (for errors worth retrying, and whatever the deadline cut off) thrown,
 * always before Lambda's timeout; and every end is reported.
 */
export function createTriggerHandler(deps: HandlerDependencies): TriggerHandler {
  const handle = async (raw: unknown, context: InvocationContext, deadline: Deadline, message?: IntakeMessage): Promise<Outcome | SweepSummary> => {
    const report = deps.reporter.begin(context);
    if (message) report.learn({ messageId: message.messageId, receiveCount: message.receiveCount });
    const deadLetter = async (reason: DeadLetterReason, error: string, executionArn?: string, event: unknown = raw): Promise<Outcome> => {
      await deadLetters().sendToDeadLetterQueue(deps.sqs(), deps.config.deadLetterQueueUrl,
        { source: LIBRARY_SOURCE, reason, error, executionArn, event }, deadline.work);
      return { outcome: 'FAILED', reason, error };
    };
    try {
      let outcome: Outcome;
      try {
        if (isSweep(raw)) {
          const sweep = parseSweep(raw, deps.now());
          report.learn({ trigger: 'sweep', sweepRun: sweep.runId, continuation: sweep.continuation });
          const summary = await sweeps().runSweep(sweep, deps, { context, deadline, deadLetter });
          report.note(summary.complete ? 'sweep finished' : summary.followUp ? 'sweep continues in a follow-up' : 'sweep stopped at its bound of follow-ups',
            { ...summary }, summary.complete || summary.followUp ? 'info' : 'warn');
          return summary;
        }
        const parsed = parseTrigger(raw);
        const request = message?.followsSameExecution ? { ...parsed, lookFirst: true } : parsed;
        report.learn(keysOf(request));
        const checked = await check(request, deps, deadline.work);
        if ('looked' in checked && checked.looked) report.learnLooked(request, checked.looked);
        const ended = 'ended' in checked ? checked.ended : await act(checked.decision, request, deps, deadline.work);
        outcome = ended.outcome === 'FAILED' ? await deadLetter(DeadLetterReason.REDRIVE_REJECTED, ended.error, request.executionArn) : ended;
      } catch (error) {
        if (!(error instanceof BadEventError)) throw error;
        report.learn({ eventId: error.eventId, executionArn: error.executionArn });
        outcome = await deadLetter(DeadLetterReason.BAD_EVENT, error.message, error.executionArn);
      }
      await report.outcome(outcome, deadline.report);
      return outcome;
    } catch (error) {
      const failure = deadline.passed ? new DeadlineError(error) : error;
      await report.failure(failure, deadline.report);
      throw failure;
    }
  };
  return (raw, context, deadline, message) =>
    deps.tracing.trace(() => handle(raw, context, deadline, message), (outcome) => traceAnnotations(raw, outcome));
}

function parseTrigger(raw: unknown): RedriveRequest {
  return isScheduledRedrive(raw) ? parseScheduledRedrive(raw) : parseFailureEvent(raw);
}

function keysOf(request: RedriveRequest): Record<string, unknown> {
  return {
    trigger: request.trigger,
    eventId: request.eventId,
    executionArn: request.executionArn,
    stateMachineArn: request.stateMachineArn,
    redriveCount: request.redriveCount,
    status: request.claim?.status,
    error: request.claim?.error,
    cause: request.claim?.cause,
    ...(request.putOffs > 0 ? { putOffs: request.putOffs } : {}),
  };
}

/** `redrive` and `redriveCount` mark a redriven execution; the ARN groups its runs. */
function traceAnnotations(raw: unknown, result: Outcome | SweepSummary | undefined): TraceAnnotations {
  const detail = (raw as { detail?: { executionArn?: unknown; redriveCount?: unknown } } | null)?.detail;
  const outcome = result && 'outcome' in result ? result : undefined;
  return {
    redrive: outcome?.outcome === 'REDRIVEN',
    outcome: outcome?.outcome ?? (result ? 'SWEPT' : 'FAILED'),
    ...(typeof detail?.redriveCount === 'number' ? { redriveCount: detail.redriveCount } : {}),
    ...(typeof detail?.executionArn === 'string' ? { executionArn: detail.executionArn.slice(0, 256) } : {}),
    ...(outcome && 'reason' in outcome ? { reason: outcome.reason } : {}),
  };
}
