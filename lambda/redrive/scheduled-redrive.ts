import { parseExecutionArn } from './execution-arn';
import { BadEventError } from './failure-event';
import { LIBRARY_SOURCE, SCHEDULED_REDRIVE_DETAIL_TYPE, ScheduledRedrive } from '../../src/shared/contract';

/** True for what a delayed-redrive schedule delivers, as opposed to a Step Functions event. */
export function isScheduledRedrive(raw: unknown): boolean {
  const value = raw as Record<string, unknown> | null;
  return typeof value === 'object' && value !== null && value.source === LIBRARY_SOURCE && value['detail-type'] === SCHEDULED_REDRIVE_DETAIL_TYPE;
}

/** Checks a scheduled redrive's payload; a bad one is a BadEventError like any bad event. */
export function parseScheduledRedrive(raw: unknown): ScheduledRedrive['detail'] {
  const detail = (raw as { detail?: any }).detail;
  const id = typeof detail?.eventId === 'string' ? detail.eventId : '(none)';
  const problems: string[] = [];
  if (typeof detail?.executionArn !== 'string' || !parseExecutionArn(detail.executionArn)) {
    problems.push('detail.executionArn must be a Step Functions execution ARN');
  }
  if (!Number.isSafeInteger(detail?.redriveCount) || detail.redriveCount < 0) {
    problems.push('detail.redriveCount must be a whole number of at least 0');
  }
  if (problems.length > 0) throw new BadEventError(`${id} (scheduled redrive)`, problems);
  return detail;
}
