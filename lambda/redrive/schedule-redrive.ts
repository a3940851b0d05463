import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { FailureEvent } from './failure-event';
import { redriveScheduleName } from './idempotency';
import { SchedulingConfig } from './policy';
import { LIBRARY_SOURCE, SCHEDULED_REDRIVE_DETAIL_TYPE, ScheduledRedrive } from '../../src/shared/contract';

/** Scheduler retries invoking the handler for a day, then keeps the invocation in the DLQ. */
const SCHEDULE_RETRY_POLICY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 };

export interface ScheduledResult {
  readonly scheduleName: string;
  readonly redriveAt: string;
  /** The schedule existed already: a duplicate or retried event. */
  readonly alreadyScheduled: boolean;
}

/**
 * Creates the one-time schedule that invokes the handler when the redrive is due. Its name comes
 * from the failure, so a duplicate event finds it already there. Errors other than "already
 * exists" are thrown: the invocation fails and is retried.
 */
export async function scheduleRedrive(
  client: SchedulerClient,
  config: SchedulingConfig,
  handlerArn: string,
  event: FailureEvent,
  redriveAt: Date,
): Promise<ScheduledResult> {
  const scheduleName = redriveScheduleName(event.executionArn, event.redriveCount);
  const at = wholeSecondsUtc(redriveAt);
  const payload: ScheduledRedrive = {
    'source': LIBRARY_SOURCE,
    'detail-type': SCHEDULED_REDRIVE_DETAIL_TYPE,
    'detail': { executionArn: event.executionArn, redriveCount: event.redriveCount, eventId: event.id, scheduledFor: `${at}Z` },
  };
  try {
    await client.send(new CreateScheduleCommand({
      Name: scheduleName,
      GroupName: config.scheduleGroup,
      Description: `Redrive of a failed Step Functions execution (redrive count ${event.redriveCount})`,
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: handlerArn,
        RoleArn: config.schedulerRoleArn,
        Input: JSON.stringify(payload),
        RetryPolicy: SCHEDULE_RETRY_POLICY,
        DeadLetterConfig: { Arn: config.deadLetterQueueArn },
      },
    }));
    return { scheduleName, redriveAt: `${at}Z`, alreadyScheduled: false };
  } catch (error) {
    if ((error as Error)?.name !== 'ConflictException') throw error;
    return { scheduleName, redriveAt: `${at}Z`, alreadyScheduled: true };
  }
}

/** `yyyy-mm-ddThh:mm:ss`, rounded up to the next whole second, as Scheduler's `at()` takes it. */
function wholeSecondsUtc(date: Date): string {
  return new Date(Math.ceil(date.getTime() / 1000) * 1000).toISOString().slice(0, 19);
}
