import { isExecutionArnParts, parseExecutionArn, stateMachineArnOf } from './execution-arn';
import { BadEventError, describeValue, isCount, isRecord, RedriveRequest } from './request';
import { EXECUTION_EVENT_DETAIL_TYPE, EXECUTION_EVENT_SOURCE } from '../src/shared/contract';

const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];
export const MAX_EVENT_ID_LENGTH = 128;

/**
 * A "Step Functions Execution Status Change" event as a redrive request. Fields other than
 * executionArn and status may be missing or null; when present they must have the documented type.
 * Throws BadEventError listing every problem.
 */
export function parseFailureEvent(raw: unknown): RedriveRequest {
  if (!isRecord(raw)) throw new BadEventError('(none)', [`the event must be an object, got ${describeValue(raw)}`]);
  const eventId = typeof raw.id === 'string' && raw.id.length > 0 ? raw.id.slice(0, MAX_EVENT_ID_LENGTH) : '(none)';
  const problems: string[] = [];
  if (raw.source !== EXECUTION_EVENT_SOURCE) problems.push(`source must be "${EXECUTION_EVENT_SOURCE}", got ${describeValue(raw.source)}`);
  if (raw['detail-type'] !== EXECUTION_EVENT_DETAIL_TYPE) {
    problems.push(`detail-type must be "${EXECUTION_EVENT_DETAIL_TYPE}", got ${describeValue(raw['detail-type'])}`);
  }
  const detail = raw.detail;
  if (!isRecord(detail)) {
    problems.push(`detail must be an object, got ${describeValue(detail)}`);
    throw new BadEventError(eventId, problems);
  }

  const executionArn = detail.executionArn;
  const parsed = typeof executionArn === 'string' ? parseExecutionArn(executionArn) : undefined;
  const execution = parsed && isExecutionArnParts(parsed) ? parsed : undefined;
  if (!execution) {
    const why = parsed && !isExecutionArnParts(parsed) ? ` that ${parsed.problem}` : '';
    problems.push(`detail.executionArn must be a Step Functions execution ARN, got ${describeValue(executionArn)}${why}`);
  }
  const status = detail.status;
  if (typeof status !== 'string' || !EXECUTION_STATUSES.includes(status)) {
    problems.push(`detail.status must be one of ${EXECUTION_STATUSES.join(', ')}, got ${describeValue(status)}`);
  }
  const redriveCount = optional(detail.redriveCount);
  if (redriveCount !== undefined && !isCount(redriveCount)) {
    problems.push(`detail.redriveCount must be a whole number of at least 0, got ${describeValue(redriveCount)}`);
  }
  const stopDate = optional(detail.stopDate);
  if (stopDate !== undefined && !(typeof stopDate === 'number' && Number.isFinite(stopDate) && stopDate >= 0)) {
    problems.push(`detail.stopDate must be epoch milliseconds, got ${describeValue(stopDate)}`);
  }
  const text = (field: 'redriveStatus' | 'error' | 'cause' | 'stateMachineArn'): string | undefined => {
    const value = optional(detail[field]);
    if (value !== undefined && typeof value !== 'string') problems.push(`detail.${field} must be a string, got ${describeValue(value)}`);
    return typeof value === 'string' ? value : undefined;
  };
  const redriveStatus = text('redriveStatus');
  const error = text('error');
  const cause = text('cause');
  const declaredStateMachineArn = text('stateMachineArn');
  const stateMachineArn = execution ? stateMachineArnOf(execution) : undefined;
  const mapRunArn = execution?.mapRunLabel !== undefined ? `${stateMachineArn}/${execution.mapRunLabel}` : undefined;
  if (declaredStateMachineArn !== undefined && stateMachineArn !== undefined &&
      declaredStateMachineArn !== stateMachineArn && declaredStateMachineArn !== mapRunArn) {
    problems.push(`detail.stateMachineArn ${describeValue(declaredStateMachineArn)} is not the state machine of detail.executionArn`);
  }

  if (problems.length > 0) throw new BadEventError(eventId, problems, execution ? executionArn as string : undefined);
  const count = redriveCount as number | undefined;
  return {
    trigger: 'event',
    eventId,
    executionArn: executionArn as string,
    execution: execution!,
    stateMachineArn: stateMachineArn!,
    redriveCount: count,
    claim: { status: status as string, redriveStatus, redriveCount: count, stopDate: stopDate as number | undefined, error, cause },
    backoffWaited: false,
    putOffs: 0,
  };
}

function optional(value: unknown): unknown {
  return value === null ? undefined : value;
}
