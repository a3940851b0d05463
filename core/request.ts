import { ExecutionArnParts } from './execution-arn';

/** What is known of an execution's stop: from an event's detail, or from DescribeExecution. */
export interface ExecutionFacts {
  readonly status: string;
  readonly redriveStatus?: string;
  /** Undefined when an event leaves it out. */
  readonly redriveCount?: number;
  /** Epoch milliseconds. */
  readonly stopDate?: number;
  readonly error?: string;
  readonly cause?: string;
}

/**
 * Where a redrive request came from: outcomes and logs carry it. `event`: a Step Functions event;
 * `schedule`: a delayed or put-off redrive came due; `sweep`: the recurring sweep found a stopped
 * execution; `cli`: a person's bulk redrive; `replay`: a person replayed the dead-letter queue.
 */
export type Trigger = 'event' | 'schedule' | 'sweep' | 'cli' | 'replay';

/** One execution to consider for a redrive, whatever the trigger: the input of the one redrive path. */
export interface RedriveRequest {
  readonly trigger: Trigger;
  readonly eventId: string;
  readonly executionArn: string;
  readonly execution: ExecutionArnParts;
  readonly stateMachineArn: string;
  /** The redrive count of the failure the trigger is about, when it says. */
  readonly redriveCount?: number;
  /** What the trigger says of the execution: an event's detail. It may only ever skip a redrive on its own. */
  readonly claim?: ExecutionFacts;
  /** The backoff has been waited already (a schedule fired): redrive now if the policy allows. */
  readonly backoffWaited: boolean;
  /** How many times this redrive has been put off for throttling. */
  readonly putOffs: number;
  /**
   * Another trigger of the same execution was handled just before, in the same batch: the claim may
   * be stale, so the path looks at the execution before it acts.
   */
  readonly lookFirst?: boolean;
  /**
   * A person's act after the CLI's check: the check described the execution, applied the policy and
   * chose to redrive it at `redriveCount`, and the CLI made sure it has not moved on since. Redrive
   * without looking again.
   */
  readonly checked?: boolean;
}

/** An event that does not have the documented shape. It is never retried. */
export class BadEventError extends Error {
  constructor(readonly eventId: string, readonly problems: string[], readonly executionArn?: string) {
    super(`bad event ${eventId}: ${problems.join('; ')}`);
    this.name = 'BadEventError';
  }
}

const MAX_DESCRIBED_LENGTH = 80;

/** A short, printable description of a value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > MAX_DESCRIBED_LENGTH ? `${text.slice(0, MAX_DESCRIBED_LENGTH)}…` : text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
