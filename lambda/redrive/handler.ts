import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { sendToDeadLetterQueue } from './dead-letter';
import { decide } from './decide';
import { BadEventError, FailureEvent, parseFailureEvent } from './failure-event';
import { DecisionLogger, LogAttributes, MAX_LOGGED_CAUSE_LENGTH, Outcome, truncate } from './outcome';
import { HandlerConfig } from './policy';
import { redriveExecution } from './redrive-execution';
import { DeadLetterReason, SkipReason } from '../../src/private/contract';

export interface HandlerDependencies {
  readonly config: HandlerConfig;
  readonly sfn: SFNClient;
  readonly sqs: SQSClient;
  readonly logger: DecisionLogger;
  readonly now: () => Date;
}

/**
 * The handler: check the event, decide, act, log. Every event ends redriven, skipped with a reason,
 * in the dead-letter queue with the error, or (for errors worth retrying) thrown.
 */
export function createHandler(deps: HandlerDependencies): (event: unknown) => Promise<Outcome> {
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

  return async (rawEvent) => {
    let event: FailureEvent;
    try {
      event = parseFailureEvent(rawEvent);
    } catch (error) {
      if (!(error instanceof BadEventError)) throw error;
      return deadLetter(DeadLetterReason.BAD_EVENT, error.message, rawEvent, { eventId: error.eventId });
    }
    const context = describeEvent(event);

    const decision = decide(event, config.policy, config.stateMachineArns, deps.now());
    if (decision.action === 'SKIP') return skipped(context, decision.reason, decision.detail);

    const result = await redriveExecution(deps.sfn, event.executionArn, event.redriveCount);
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
