import { AwsClients } from './aws-clients';
import { sendToDeadLetterQueue } from './dead-letter';
import { checkPolicy, decide } from './decide';
import { describeExecution } from './describe-execution';
import { BadEventError, FailureEvent, parseFailureEvent } from './failure-event';
import { Outcome, Subject } from './outcome';
import { HandlerConfig } from './policy';
import { Rejection, redriveExecution, rejectionOrThrow } from './redrive-execution';
import { Reporter } from './report';
import { scheduleRedrive } from './schedule-redrive';
import { isScheduledRedrive, parseScheduledRedrive } from './scheduled-redrive';
import { TraceAnnotations, TraceMarker } from './tracing';
import { DeadLetterReason, SkipReason } from '../../src/shared/contract';

export interface HandlerDependencies extends Omit<AwsClients, 'eventBridge'> {
  readonly config: HandlerConfig;
  readonly watched: { arns(): Promise<ReadonlySet<string>> };
  readonly reporter: Reporter;
  readonly tracing: TraceMarker;
  readonly now: () => Date;
  /** A number in [0, 1), for jitter. */
  readonly random: () => number;
}

/** The part of the Lambda context the handler reads. */
export interface InvocationContext {
  readonly invokedFunctionArn?: string;
}

const RUNNING_STATUSES = ['RUNNING', 'PENDING_REDRIVE'];

/**
 * An event older than this may report a failure the execution has moved on from, and its token may
 * be older than the 15 minutes Step Functions remembers it for: check the execution first.
 */
const LATE_EVENT_MS = 10 * 60 * 1000;

function isLate(event: FailureEvent, now: Date): boolean {
  return event.stopDate === undefined || now.getTime() - event.stopDate > LATE_EVENT_MS;
}

/**
 * The handler. A Step Functions failure event is checked, decided on, and redriven now or
 * scheduled; a scheduled redrive is checked against the execution as it is now, then redriven.
 * Every event ends redriven, scheduled, skipped with a reason, in the dead-letter queue with the
 * error, or (for errors worth retrying) thrown; and every outcome is reported.
 */
export function createHandler(deps: HandlerDependencies): (event: unknown, context?: InvocationContext) => Promise<Outcome> {
  const { config } = deps;

  const deadLetter = async (reason: DeadLetterReason, error: string, event: unknown): Promise<Outcome> => {
    await sendToDeadLetterQueue(deps.sqs, config.deadLetterQueueUrl, reason, error, event);
    return { outcome: 'DEAD_LETTERED', reason, error };
  };

  const skipped = (reason: SkipReason, detail: string): Outcome => ({ outcome: 'SKIPPED', reason, detail });

  const rejected = (rejection: Rejection, rawEvent: unknown): Promise<Outcome> =>
    deadLetter(DeadLetterReason.REDRIVE_REJECTED, `${rejection.errorName}: ${rejection.message}`, rawEvent);

  /** The execution as it is now; or, when Step Functions says that can never be read (gone, a bad ARN), the event dead-lettered. */
  type Described = { execution: FailureEvent } | { outcome: Outcome };
  const describeNow = async (executionArn: string, eventId: string, rawEvent: unknown): Promise<Described> => {
    try {
      return { execution: await describeExecution(deps.sfn, executionArn, eventId) };
    } catch (error) {
      return { outcome: await rejected(rejectionOrThrow(error), rawEvent) };
    }
  };

  const redriveNow = async (executionArn: string, redriveCount: number, rawEvent: unknown): Promise<Outcome> => {
    const result = await redriveExecution(deps.sfn, executionArn, redriveCount);
    switch (result.kind) {
      case 'REDRIVEN':
        return { outcome: 'REDRIVEN', redriveDate: result.redriveDate?.toISOString() };
      case 'NOT_REDRIVABLE':
        return skipped(SkipReason.ALREADY_REDRIVEN_OR_RUNNING, result.message);
      case 'REJECTED':
        return rejected(result, rawEvent);
    }
  };

  /**
   * Whether the execution has moved on since the failure the event reports. Asked only of a late
   * event: within the idempotency token's 15 minutes a stale event cannot redrive, and
   * DescribeExecution's small quota is kept for the rare late one.
   */
  const movedOn = async (event: FailureEvent, rawEvent: unknown): Promise<Outcome | undefined> => {
    if (!isLate(event, deps.now())) return undefined;
    const now = await describeNow(event.executionArn, event.id, rawEvent);
    return 'outcome' in now ? now.outcome : sinceFailure(now.execution, event.redriveCount);
  };

  /** Skips when the execution is no longer at the failure with `redriveCount`. */
  const sinceFailure = (execution: FailureEvent, redriveCount: number): Outcome | undefined => {
    if (execution.redriveCount !== redriveCount) {
      return skipped(SkipReason.REDRIVEN_SINCE_FAILURE,
        `the failure had redrive count ${redriveCount}, the execution is at ${execution.redriveCount} now`);
    }
    if (RUNNING_STATUSES.includes(execution.status)) {
      return skipped(SkipReason.ALREADY_REDRIVEN_OR_RUNNING, `the execution is ${execution.status}`);
    }
    return undefined;
  };

  const onFailureEvent = async (event: FailureEvent, rawEvent: unknown, invocation: InvocationContext | undefined): Promise<Outcome> => {
    const decision = decide(event, config.policy, await deps.watched.arns(), deps.now(), deps.random());
    if (decision.action === 'SKIP') return skipped(decision.reason, decision.detail);
    if (decision.delaySeconds === 0 || !config.scheduling) {
      return (await movedOn(event, rawEvent)) ?? redriveNow(event.executionArn, event.redriveCount, rawEvent);
    }

    if (!invocation?.invokedFunctionArn) throw new Error('the Lambda context has no invokedFunctionArn to schedule the redrive with');
    const redriveAt = new Date(deps.now().getTime() + decision.delaySeconds * 1000);
    const scheduled = await scheduleRedrive(deps.scheduler, config.scheduling, invocation.invokedFunctionArn, event, redriveAt);
    return {
      outcome: 'SCHEDULED',
      ...scheduled,
      delaySeconds: Math.ceil(decision.delaySeconds),
      clampedToRedriveWindow: decision.clamped,
    };
  };

  const onScheduledRedrive = async (execution: FailureEvent, scheduledRedriveCount: number, rawEvent: unknown): Promise<Outcome> => {
    const moved = sinceFailure(execution, scheduledRedriveCount);
    if (moved) return moved;
    const skip = checkPolicy(execution, config.policy, await deps.watched.arns(), deps.now());
    if (skip) return skipped(skip.reason, skip.detail);
    if (config.policy.dryRun) return skipped(SkipReason.DRY_RUN, 'dry run: would redrive now');
    return redriveNow(execution.executionArn, scheduledRedriveCount, rawEvent);
  };

  /** Works out the subject of the event as it goes, so that a failure is reported with what was known. */
  const handle = async (rawEvent: unknown, invocation: InvocationContext | undefined, subject: { current: Subject }): Promise<Outcome> => {
    if (!isScheduledRedrive(rawEvent)) {
      const event = parseFailureEvent(rawEvent);
      subject.current = subjectOf(event);
      return onFailureEvent(event, rawEvent, invocation);
    }
    const scheduled = parseScheduledRedrive(rawEvent);
    subject.current = { eventId: scheduled.eventId, executionArn: scheduled.executionArn, redriveCount: scheduled.redriveCount, scheduled: true };
    const now = await describeNow(scheduled.executionArn, scheduled.eventId, rawEvent);
    if ('outcome' in now) return now.outcome;
    subject.current = { ...subjectOf(now.execution), redriveCount: scheduled.redriveCount, scheduled: true };
    return onScheduledRedrive(now.execution, scheduled.redriveCount, rawEvent);
  };

  const handleAndReport = async (rawEvent: unknown, invocation: InvocationContext | undefined, subject: { current: Subject }): Promise<Outcome> => {
    let outcome: Outcome;
    try {
      outcome = await handle(rawEvent, invocation, subject).catch((error: unknown) => {
        if (!(error instanceof BadEventError)) throw error;
        return deadLetter(DeadLetterReason.BAD_EVENT, error.message, rawEvent);
      });
    } catch (error) {
      await deps.reporter.failure(error, subject.current);
      throw error;
    }
    await deps.reporter.outcome(outcome, subject.current);
    return outcome;
  };

  return async (rawEvent, invocation) => {
    const subject = { current: { eventId: eventIdOf(rawEvent) } as Subject };
    return deps.tracing.trace(() => handleAndReport(rawEvent, invocation, subject), (outcome) => traceAnnotations(subject.current, outcome));
  };
}

/** `redrive` and `redriveCount` mark a redriven execution; the ARN groups its runs. */
function traceAnnotations(subject: Subject, outcome: Outcome | undefined): TraceAnnotations {
  return {
    redrive: outcome?.outcome === 'REDRIVEN',
    outcome: outcome?.outcome ?? 'FAILED',
    ...(subject.redriveCount !== undefined ? { redriveCount: subject.redriveCount } : {}),
    ...(subject.executionArn ? { executionArn: subject.executionArn } : {}),
    ...(outcome && 'reason' in outcome ? { reason: outcome.reason } : {}),
  };
}

function subjectOf(event: FailureEvent): Subject {
  return {
    eventId: event.id,
    executionArn: event.executionArn,
    stateMachineArn: event.stateMachineArn,
    status: event.status,
    redriveCount: event.redriveCount,
    error: event.error,
    cause: event.cause,
  };
}

const MAX_EVENT_ID_LENGTH = 128;

function eventIdOf(raw: unknown): string {
  const value = raw as { id?: unknown; detail?: { eventId?: unknown } } | null;
  const id = typeof value?.id === 'string' ? value.id : typeof value?.detail?.eventId === 'string' ? value.detail.eventId : '(none)';
  return id.slice(0, MAX_EVENT_ID_LENGTH);
}
