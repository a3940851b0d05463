import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { LIBRARY_SOURCE, SCHEDULED_REDRIVE_DETAIL_TYPE, ScheduledRedrive } from '../src/shared/contract';
import { MAX_DELIVERY_EVENT_AGE_SECONDS, MAX_DELIVERY_RETRY_ATTEMPTS } from '../src/shared/limits';

/** Scheduler retries sending to the intake queue for a day, then keeps the payload in the DLQ. */
const SCHEDULE_RETRY_POLICY = { MaximumRetryAttempts: MAX_DELIVERY_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: MAX_DELIVERY_EVENT_AGE_SECONDS };

/** Where delayed and put-off redrives are kept, and where they are sent when due. */
export interface SchedulingConfig {
  readonly scheduleGroup: string;
  readonly schedulerRoleArn: string;
  readonly deadLetterQueueArn: string;
  /** The intake queue: the target of every one-time schedule. */
  readonly intakeQueueArn: string;
}

/** What a caller that schedules gives the path: where schedules go, and the client that creates them. */
export interface Scheduling {
  readonly config: SchedulingConfig;
  readonly client: () => SchedulerClient;
}

export interface CreatedSchedule {
  readonly scheduleName: string;
  /** ISO 8601, UTC, whole seconds. */
  readonly redriveAt: string;
  /** The schedule existed already: a duplicate or retried trigger. */
  readonly alreadyScheduled: boolean;
}

/**
 * Creates the one-time schedule that sends `detail` to the intake queue when it is due, and deletes
 * itself. "Already exists" counts as done: the name comes from the failure.
 */
export async function createRedriveSchedule(
  scheduling: Scheduling,
  scheduleName: string,
  due: Date,
  detail: Omit<ScheduledRedrive['detail'], 'scheduledFor'>,
  abortSignal: AbortSignal,
): Promise<CreatedSchedule> {
  const at = wholeSecondsUtc(due);
  const payload: ScheduledRedrive = {
    'source': LIBRARY_SOURCE,
    'detail-type': SCHEDULED_REDRIVE_DETAIL_TYPE,
    'detail': { ...detail, scheduledFor: `${at}Z` },
  };
  const description = `Redrive of a failed Step Functions execution (${detail.reason}, redrive count ${detail.redriveCount ?? 'unknown'})`;
  return createOneTimeSchedule(scheduling, scheduleName, due, description, payload, abortSignal);
}

/**
 * Creates a one-time schedule that sends `payload` to the intake queue at `due` (rounded up to the
 * whole second), retried for a day, then kept in the dead-letter queue, and deleted once it has
 * fired. "Already exists" counts as done: callers derive the name from what the schedule is for.
 */
export async function createOneTimeSchedule(
  { client, config }: Scheduling,
  scheduleName: string,
  due: Date,
  description: string,
  payload: object,
  abortSignal: AbortSignal,
): Promise<CreatedSchedule> {
  const at = wholeSecondsUtc(due);
  try {
    await client().send(new CreateScheduleCommand({
      Name: scheduleName,
      GroupName: config.scheduleGroup,
      Description: description,
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: config.intakeQueueArn,
        RoleArn: config.schedulerRoleArn,
        Input: JSON.stringify(payload),
        RetryPolicy: SCHEDULE_RETRY_POLICY,
        DeadLetterConfig: { Arn: config.deadLetterQueueArn },
      },
    }), { abortSignal });
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
