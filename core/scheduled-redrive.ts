import { isExecutionArnParts, parseExecutionArn, stateMachineArnOf } from './execution-arn';
import { MAX_EVENT_ID_LENGTH } from './failure-event';
import { BadEventError, describeValue, isCount, isRecord, RedriveRequest } from './request';
import { LIBRARY_SOURCE, SCHEDULED_REDRIVE_DETAIL_TYPE, ScheduleReason } from '../src/shared/contract';

/** True for what a redrive schedule delivers, as opposed to a Step Functions event. */
export function isScheduledRedrive(raw: unknown): boolean {
  return isRecord(raw) && raw.source === LIBRARY_SOURCE && raw['detail-type'] === SCHEDULED_REDRIVE_DETAIL_TYPE;
}

/** A due schedule's payload as a redrive request; a bad one is a BadEventError like any bad event. */
export function parseScheduledRedrive(raw: unknown): RedriveRequest {
  const detail = isRecord(raw) && isRecord(raw.detail) ? raw.detail : {};
  const eventId = `${typeof detail.eventId === 'string' ? detail.eventId.slice(0, MAX_EVENT_ID_LENGTH) : '(none)'}`;
  const problems: string[] = [];
  const parsed = typeof detail.executionArn === 'string' ? parseExecutionArn(detail.executionArn) : undefined;
  const execution = parsed && isExecutionArnParts(parsed) ? parsed : undefined;
  if (!execution) problems.push(`detail.executionArn must be a Step Functions execution ARN, got ${describeValue(detail.executionArn)}`);
  if (detail.redriveCount !== undefined && !isCount(detail.redriveCount)) {
    problems.push(`detail.redriveCount must be a whole number of at least 0, got ${describeValue(detail.redriveCount)}`);
  }
  const reason = detail.reason;
  if (reason !== ScheduleReason.BACKOFF && reason !== ScheduleReason.THROTTLED) {
    problems.push(`detail.reason must be ${ScheduleReason.BACKOFF} or ${ScheduleReason.THROTTLED}, got ${describeValue(reason)}`);
  }
  const putOffs = detail.putOffs ?? 0;
  if (!isCount(putOffs)) problems.push(`detail.putOffs must be a whole number of at least 0, got ${describeValue(putOffs)}`);
  if (detail.backoffWaited !== undefined && typeof detail.backoffWaited !== 'boolean') {
    problems.push(`detail.backoffWaited must be true or false, got ${describeValue(detail.backoffWaited)}`);
  }
  if (problems.length > 0) throw new BadEventError(`${eventId} (scheduled redrive)`, problems, execution ? detail.executionArn as string : undefined);
  return {
    trigger: 'schedule',
    eventId,
    executionArn: detail.executionArn as string,
    execution: execution!,
    stateMachineArn: stateMachineArnOf(execution!),
    redriveCount: detail.redriveCount as number | undefined,
    backoffWaited: reason === ScheduleReason.BACKOFF || detail.backoffWaited === true,
    putOffs: putOffs as number,
  };
}
