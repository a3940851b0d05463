import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { sendToDeadLetterQueue } from './dead-letter';
import { checkPolicy, decide } from './decide';
import { describeExecution } from './describe-execution';
import { BadEventError, FailureEvent, parseFailureEvent } from './failure-event';
import { DecisionLogger, LogAttributes, MAX_LOGGED_CAUSE_LENGTH, Outcome, truncate } from './outcome';
import { HandlerConfig } from './policy';
import { redriveExecution, rejectionOrThrow } from './redrive-execution';
import { scheduleRedrive } from './schedule-redrive';
import { isScheduledRedrive, parseScheduledRedrive } from './scheduled-redrive';
import { DeadLetterReason, SkipReason } from '../../src/private/contract';

export interface HandlerDependencies {
  readonly config: HandlerConfig;
  readonly sfn: SFNClient;
  readonly sqs: SQSClient;
  readonly scheduler: SchedulerClient;
  readonly watched: { arns(): Promise<ReadonlySet<string>> };
  readonly logger: DecisionLogger;
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
 * The handler. A Step Functions failure event is checked, decided on, and redriven now or
 * scheduled; a scheduled redrive is checked against the execution as it is now, then redriven.
 * Every event ends redriven, scheduled, skipped with a reason, in the dead-letter queue with the
 * error, or (for errors worth retrying) thrown.
 */
export function createHandler(deps: HandlerDependencies): (event: unknown, context?: InvocationContext) => Promise<Outcome> {
  const { config, logger } = deps;

  const deadLetter = async (reason: DeadLetterReason, error: string, event: unknown, context: LogAttributes): Promise<Outcome> => {
    await sendToDeadLetterQueue(deps.sqs, config.deadLetterQueueUrl, reason, error, event);
    logger.error('event sent to the dead-letter queue', { ...context, outcome: 'DEAD_LETTERED', reason, error });
    return { outcome: 'DEAD_LETTERED', reason, error };
  };

  const skipped = (context: LogAttributes, reason: SkipReason, detail: string): Outcome => {
    logger.info('redrive skipped', { ...context, outcome: 'SKIPPED', reason, detail });
    return { outcome: 'SKIPPED', reason, detail };
  };

  const redriveNow = async (executionArn: string, redriveCount: number, rawEvent: unknown, context: LogAttributes): Promise<Outcome> => {
    const result = await redriveExecution(deps.sfn, executionArn, redriveCount);
    switch (result.kind) {
      case 'REDRIVEN': {
        const redriveDate = result.redriveDate?.toISOString();
        logger.info('execution redriven', { ...context, outcome: 'REDRIVEN', redrive: true, redriveDate });
        return { outcome: 'REDRIVEN', redriveDate };
      }
      case 'NOT_REDRIVABLE':
        return skipped(context, SkipReason.ALREADY_REDRIVEN_OR_RUNNING, result.message);
      case 'REJECTED':
        return deadLetter(DeadLetterReason.REDRIVE_REJECTED, `${result.errorName}: ${result.message}`, rawEvent, context);
    }
  };

  const onFailureEvent = async (rawEvent: unknown, invocation: InvocationContext | undefined): Promise<Outcome> => {
    const event = parseFailureEvent(rawEvent);
    const context = describeEvent(event);
    const decision = decide(event, config.policy, await deps.watched.arns(), deps.now(), deps.random());
    if (decision.action === 'SKIP') return skipped(context, decision.reason, decision.detail);
    if (decision.delaySeconds === 0 || !config.scheduling) return redriveNow(event.executionArn, event.redriveCount, rawEvent, context);

    if (!invocation?.invokedFunctionArn) throw new Error('the Lambda context has no invokedFunctionArn to schedule the redrive with');
    const redriveAt = new Date(deps.now().getTime() + decision.delaySeconds * 1000);
    const scheduled = await scheduleRedrive(deps.scheduler, config.scheduling, invocation.invokedFunctionArn, event, redriveAt);
    logger.info('redrive scheduled', {
      ...context,
      outcome: 'SCHEDULED',
      delaySeconds: Math.ceil(decision.delaySeconds),
      clampedToRedriveWindow: decision.clamped,
      ...scheduled,
    });
    return { outcome: 'SCHEDULED', ...scheduled };
  };

  const onScheduledRedrive = async (rawEvent: unknown): Promise<Outcome> => {
    const scheduled = parseScheduledRedrive(rawEvent);
    let execution: FailureEvent;
    try {
      execution = await describeExecution(deps.sfn, scheduled.executionArn, scheduled.eventId);
    } catch (error) {
      const rejection = rejectionOrThrow(error);
      const context = { eventId: scheduled.eventId, executionArn: scheduled.executionArn, scheduled: true };
      return deadLetter(DeadLetterReason.REDRIVE_REJECTED, `${rejection.errorName}: ${rejection.message}`, rawEvent, context);
    }
    const context = { ...describeEvent(execution), scheduledRedriveCount: scheduled.redriveCount, scheduled: true };
    if (execution.redriveCount !== scheduled.redriveCount) {
      return skipped(context, SkipReason.REDRIVEN_SINCE_SCHEDULED,
        `scheduled for redrive count ${scheduled.redriveCount}, the execution is at ${execution.redriveCount} now`);
    }
    if (RUNNING_STATUSES.includes(execution.status)) {
      return skipped(context, SkipReason.ALREADY_REDRIVEN_OR_RUNNING, `the execution is ${execution.status}`);
    }
    const skip = checkPolicy(execution, config.policy, await deps.watched.arns(), deps.now());
    if (skip) return skipped(context, skip.reason, skip.detail);
    if (config.policy.dryRun) return skipped(context, SkipReason.DRY_RUN, 'dry run: would redrive now');
    return redriveNow(scheduled.executionArn, scheduled.redriveCount, rawEvent, context);
  };

  return async (rawEvent, invocation) => {
    try {
      return await (isScheduledRedrive(rawEvent) ? onScheduledRedrive(rawEvent) : onFailureEvent(rawEvent, invocation));
    } catch (error) {
      if (!(error instanceof BadEventError)) throw error;
      return deadLetter(DeadLetterReason.BAD_EVENT, error.message, rawEvent, { eventId: error.eventId });
    }
  };
}

/** What every log line says about the event: never the execution's input or output. */
function describeEvent(event: FailureEvent): LogAttributes {
  return {
    eventId: event.id,
    executionArn: event.executionArn,
    stateMachineArn: event.stateMachineArn,
    status: event.status,
    redriveCount: event.redriveCount,
    error: event.error,
    cause: truncate(event.cause, MAX_LOGGED_CAUSE_LENGTH),
  };
}
