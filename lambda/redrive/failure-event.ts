import { ExecutionArnParts, parseExecutionArn, stateMachineArnOf } from './execution-arn';
import { EXECUTION_EVENT_DETAIL_TYPE, EXECUTION_EVENT_SOURCE } from '../../src/shared/contract';

/** A "Step Functions Execution Status Change" event, checked and reduced to what the handler uses. */
export interface FailureEvent {
  readonly id: string;
  readonly executionArn: string;
  readonly execution: ExecutionArnParts;
  readonly stateMachineArn: string;
  readonly status: string;
  readonly redriveStatus?: string;
  /** How many times the execution had been redriven when it stopped; 0 when the event omits it. */
  readonly redriveCount: number;
  /** Epoch milliseconds. */
  readonly stopDate?: number;
  readonly error?: string;
  readonly cause?: string;
}

/** An event that does not have the documented shape. It is never retried. */
export class BadEventError extends Error {
  constructor(readonly eventId: string, readonly problems: string[]) {
    super(`bad event ${eventId}: ${problems.join('; ')}`);
    this.name = 'BadEventError';
  }
}

const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];
const MAX_ID_IN_MESSAGE = 128;

/**
 * Checks an event against the documented shape. Fields other than executionArn and status may be
 * missing or null; when present they must have the documented type.
 */
export function parseFailureEvent(raw: unknown): FailureEvent {
  if (!isRecord(raw)) {
    throw new BadEventError('(none)', [`the event must be an object, got ${describe(raw)}`]);
  }
  const id = typeof raw.id === 'string' && raw.id.length > 0 ? raw.id.slice(0, MAX_ID_IN_MESSAGE) : '(none)';
  const problems: string[] = [];
  if (raw.source !== EXECUTION_EVENT_SOURCE) problems.push(`source must be "${EXECUTION_EVENT_SOURCE}", got ${describe(raw.source)}`);
  if (raw['detail-type'] !== EXECUTION_EVENT_DETAIL_TYPE) {
    problems.push(`detail-type must be "${EXECUTION_EVENT_DETAIL_TYPE}", got ${describe(raw['detail-type'])}`);
  }
  const detail = raw.detail;
  if (!isRecord(detail)) {
    problems.push(`detail must be an object, got ${describe(detail)}`);
    throw new BadEventError(id, problems);
  }

  const executionArn = detail.executionArn;
  const execution = typeof executionArn === 'string' ? parseExecutionArn(executionArn) : undefined;
  if (!execution) problems.push(`detail.executionArn must be a Step Functions execution ARN, got ${describe(executionArn)}`);
  const status = detail.status;
  if (typeof status !== 'string' || !EXECUTION_STATUSES.includes(status)) {
    problems.push(`detail.status must be one of ${EXECUTION_STATUSES.join(', ')}, got ${describe(status)}`);
  }
  const redriveCount = optional(detail.redriveCount);
  if (redriveCount !== undefined && !(typeof redriveCount === 'number' && Number.isSafeInteger(redriveCount) && redriveCount >= 0)) {
    problems.push(`detail.redriveCount must be a whole number of at least 0, got ${describe(redriveCount)}`);
  }
  const stopDate = optional(detail.stopDate);
  if (stopDate !== undefined && !(typeof stopDate === 'number' && Number.isFinite(stopDate) && stopDate >= 0)) {
    problems.push(`detail.stopDate must be epoch milliseconds, got ${describe(stopDate)}`);
  }
  const text = (field: 'redriveStatus' | 'error' | 'cause' | 'stateMachineArn'): string | undefined => {
    const value = optional(detail[field]);
    if (value !== undefined && typeof value !== 'string') problems.push(`detail.${field} must be a string, got ${describe(value)}`);
    return typeof value === 'string' ? value : undefined;
  };
  const redriveStatus = text('redriveStatus');
  const error = text('error');
  const cause = text('cause');
  const declaredStateMachineArn = text('stateMachineArn');
  const stateMachineArn = execution ? stateMachineArnOf(execution) : undefined;
  if (declaredStateMachineArn !== undefined && stateMachineArn !== undefined &&
      stateMachineArn !== declaredStateMachineArn && !stateMachineArn.startsWith(`${declaredStateMachineArn}/`)) {
    problems.push(`detail.stateMachineArn ${describe(declaredStateMachineArn)} is not the state machine of detail.executionArn`);
  }

  if (problems.length > 0) throw new BadEventError(id, problems);
  return {
    id,
    executionArn: executionArn as string,
    execution: execution!,
    stateMachineArn: stateMachineArn!,
    status: status as string,
    redriveStatus,
    redriveCount: (redriveCount as number | undefined) ?? 0,
    stopDate: stopDate as number | undefined,
    error,
    cause,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optional(value: unknown): unknown {
  return value === null ? undefined : value;
}

const MAX_DESCRIBED_LENGTH = 80;

/** A short, printable description of a value for an error message. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > MAX_DESCRIBED_LENGTH ? `${text.slice(0, MAX_DESCRIBED_LENGTH)}…` : text;
}
