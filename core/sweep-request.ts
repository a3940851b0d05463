import { describeValue, BadEventError, isCount, isRecord } from './request';
import {
  LIBRARY_SOURCE, SCHEDULED_TIME_PLACEHOLDER, SWEEP_DETAIL_TYPE, REDRIVABLE_STATUSES, SweepCursor, SweepDetail, SweepSelection,
} from '../src/shared/contract';
import { REDRIVE_WINDOW_MS } from '../src/shared/limits';
import { nameProblem } from '../src/shared/names';

/** A sweep run continues at most this many times after its first invocation, then stops and says where. */
export const MAX_SWEEP_CONTINUATIONS = 100;

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z]+(-[a-z]+)+-\d{1,2}:\d{12}:stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z]+(-[a-z]+)+-\d{1,2}:\d{12}:execution:[^:]+:[^:]+$/;
const MAX_PAGE_TOKEN_LENGTH = 3096;
const MAX_RUN_ID_LENGTH = 64;

/** A sweep request, checked: what to sweep, and where this invocation starts. */
export interface SweepRequest {
  readonly detail: SweepDetail;
  /** The run's id: the scheduled time, or where a manual run started. */
  readonly runId: string;
  /** When the run started, epoch milliseconds: the look-back counts back from here. */
  readonly startedAt: number;
  /** 0 for the first invocation of a run, n for its n-th follow-up. */
  readonly continuation: number;
  readonly cursor?: SweepCursor;
}

/** True for what the sweep schedule and its follow-ups deliver. */
export function isSweep(raw: unknown): boolean {
  return isRecord(raw) && raw.source === LIBRARY_SOURCE && raw['detail-type'] === SWEEP_DETAIL_TYPE;
}

/**
 * A sweep payload as a sweep request; a bad one is a BadEventError (the dead-letter queue, BAD_EVENT)
 * listing every problem. `now` starts a run that has no scheduled time (a manual invocation).
 */
export function parseSweep(raw: unknown, now: Date): SweepRequest {
  const detail = isRecord(raw) && isRecord(raw.detail) ? raw.detail : undefined;
  const problems: string[] = [];
  if (!detail) throw new BadEventError('(sweep)', [`detail must be an object, got ${describeValue(isRecord(raw) ? raw.detail : raw)}`]);
  const selection = checkSelection(detail.selection, problems);
  const lookBackSeconds = detail.lookBackSeconds;
  if (!(typeof lookBackSeconds === 'number' && lookBackSeconds > 0 && lookBackSeconds * 1000 <= REDRIVE_WINDOW_MS)) {
    problems.push(`detail.lookBackSeconds must be a number of seconds more than 0 and at most 14 days, got ${describeValue(lookBackSeconds)}`);
  }
  const quotaShare = detail.quotaShare;
  if (!(typeof quotaShare === 'number' && quotaShare > 0 && quotaShare <= 1)) {
    problems.push(`detail.quotaShare must be a number more than 0 and at most 1, got ${describeValue(quotaShare)}`);
  }
  const statuses = detail.statuses;
  const redrivable = (status: unknown) => (REDRIVABLE_STATUSES as readonly unknown[]).includes(status);
  if (!Array.isArray(statuses) || statuses.length === 0 || !statuses.every(redrivable) || new Set(statuses).size !== statuses.length) {
    problems.push(`detail.statuses must list some of ${REDRIVABLE_STATUSES.join(', ')}, each once, got ${describeValue(statuses)}`);
  }
  const scheduledTime = detail.scheduledTime === SCHEDULED_TIME_PLACEHOLDER ? undefined : detail.scheduledTime;
  if (scheduledTime !== undefined && !(typeof scheduledTime === 'string' && scheduledTime.length <= MAX_RUN_ID_LENGTH && Number.isFinite(Date.parse(scheduledTime)))) {
    problems.push(`detail.scheduledTime must be an ISO 8601 time, got ${describeValue(scheduledTime)}`);
  }
  const cursor = detail.cursor === undefined ? undefined : checkCursor(detail.cursor, Array.isArray(statuses) ? statuses : [], problems);
  if (problems.length > 0) throw new BadEventError(`${cursor?.runId ?? scheduledTime ?? '(sweep)'} (sweep)`.slice(0, 128), problems);

  const runId = cursor?.runId ?? (scheduledTime as string | undefined) ?? now.toISOString();
  return {
    detail: {
      selection: selection!,
      lookBackSeconds: lookBackSeconds as number,
      quotaShare: quotaShare as number,
      statuses: statuses as string[],
      ...(scheduledTime !== undefined ? { scheduledTime: scheduledTime as string } : {}),
    },
    runId,
    startedAt: cursor ? Date.parse(cursor.startedAt) : scheduledTime !== undefined ? Date.parse(scheduledTime as string) : now.getTime(),
    continuation: cursor?.continuation ?? 0,
    cursor,
  };
}

function checkSelection(value: unknown, problems: string[]): SweepSelection | undefined {
  if (!isRecord(value)) {
    problems.push(`detail.selection must be an object, got ${describeValue(value)}`);
    return undefined;
  }
  switch (value.kind) {
    case 'LIST': {
      const arns = value.stateMachineArns;
      if (!Array.isArray(arns) || arns.length === 0) {
        problems.push(`detail.selection.stateMachineArns must list at least one state machine ARN, got ${describeValue(arns)}`);
        return undefined;
      }
      arns.forEach((arn, index) => {
        const name = typeof arn === 'string' ? STATE_MACHINE_ARN.exec(arn)?.[2] : undefined;
        if (name === undefined || nameProblem(name) !== undefined) {
          problems.push(`detail.selection.stateMachineArns[${index}] must be a state machine ARN, got ${describeValue(arn)}`);
        }
      });
      return { kind: 'LIST', stateMachineArns: arns as string[] };
    }
    case 'PREFIXES': {
      const prefixes = value.namePrefixes;
      if (!Array.isArray(prefixes) || prefixes.length === 0) {
        problems.push(`detail.selection.namePrefixes must list at least one prefix, got ${describeValue(prefixes)}`);
        return undefined;
      }
      prefixes.forEach((prefix, index) => {
        if (typeof prefix !== 'string' || nameProblem(prefix) !== undefined) {
          problems.push(`detail.selection.namePrefixes[${index}] must be a state machine name prefix, got ${describeValue(prefix)}`);
        }
      });
      return { kind: 'PREFIXES', namePrefixes: prefixes as string[] };
    }
    case 'ALL':
      return { kind: 'ALL' };
    default:
      problems.push(`detail.selection.kind must be LIST, PREFIXES or ALL, got ${describeValue(value.kind)}`);
      return undefined;
  }
}

function checkCursor(value: unknown, statuses: unknown[], problems: string[]): SweepCursor | undefined {
  if (!isRecord(value)) {
    problems.push(`detail.cursor must be an object, got ${describeValue(value)}`);
    return undefined;
  }
  const before = problems.length;
  if (!(typeof value.runId === 'string' && value.runId.length > 0 && value.runId.length <= MAX_RUN_ID_LENGTH)) {
    problems.push(`detail.cursor.runId must be a string of 1 to ${MAX_RUN_ID_LENGTH} characters, got ${describeValue(value.runId)}`);
  }
  if (!(typeof value.startedAt === 'string' && Number.isFinite(Date.parse(value.startedAt)))) {
    problems.push(`detail.cursor.startedAt must be an ISO 8601 time, got ${describeValue(value.startedAt)}`);
  }
  if (!(isCount(value.continuation) && value.continuation >= 1 && value.continuation <= MAX_SWEEP_CONTINUATIONS)) {
    problems.push(`detail.cursor.continuation must be a whole number from 1 to ${MAX_SWEEP_CONTINUATIONS}, got ${describeValue(value.continuation)}`);
  }
  if (!(typeof value.stateMachineArn === 'string' && STATE_MACHINE_ARN.test(value.stateMachineArn))) {
    problems.push(`detail.cursor.stateMachineArn must be a state machine ARN, got ${describeValue(value.stateMachineArn)}`);
  }
  if (!statuses.includes(value.status)) problems.push(`detail.cursor.status must be one of detail.statuses, got ${describeValue(value.status)}`);
  if (value.pageToken !== undefined && !(typeof value.pageToken === 'string' && value.pageToken.length > 0 && value.pageToken.length <= MAX_PAGE_TOKEN_LENGTH)) {
    problems.push(`detail.cursor.pageToken must be a page token, got ${describeValue(value.pageToken)}`);
  }
  if (value.after !== undefined && !(typeof value.after === 'string' && EXECUTION_ARN.test(value.after))) {
    problems.push(`detail.cursor.after must be an execution ARN, got ${describeValue(value.after)}`);
  }
  if (value.redriven !== undefined && typeof value.redriven !== 'boolean') {
    problems.push(`detail.cursor.redriven must be true or false, got ${describeValue(value.redriven)}`);
  }
  if (problems.length > before) return undefined;
  return {
    runId: value.runId as string,
    startedAt: value.startedAt as string,
    continuation: value.continuation as number,
    stateMachineArn: value.stateMachineArn as string,
    status: value.status as string,
    ...(value.redriven === true ? { redriven: true } : {}),
    ...(value.pageToken !== undefined ? { pageToken: value.pageToken as string } : {}),
    ...(value.after !== undefined ? { after: value.after as string } : {}),
  };
}
