/**
 * The contract between the AutoRedrive construct and its handler: the environment the construct
 * writes and the handler reads. Both sides import it, so a rename cannot drift.
 */

export const ENV = {
  /** JSON of {@link HandlerPolicy}. */
  POLICY: 'AUTO_REDRIVE_POLICY',
  /** `arn:<partition>:states:<region>:<account>:stateMachine:` of the watched state machines. */
  STATE_MACHINE_ARN_PREFIX: 'AUTO_REDRIVE_STATE_MACHINE_ARN_PREFIX',
  /** The watched state machines' names, joined by {@link STATE_MACHINE_NAME_SEPARATOR}. */
  STATE_MACHINE_NAMES: 'AUTO_REDRIVE_STATE_MACHINE_NAMES',
  /** URL of the dead-letter queue the handler writes events to that must not be retried. */
  DEAD_LETTER_QUEUE_URL: 'AUTO_REDRIVE_DEAD_LETTER_QUEUE_URL',
} as const;

/** State machine names cannot contain a comma, so it separates them safely. */
export const STATE_MACHINE_NAME_SEPARATOR = ',';

export type ErrorFilterMode = 'ALL' | 'ALLOW_ONLY' | 'DENY';

export interface ErrorFilterSpec {
  readonly mode: ErrorFilterMode;
  readonly patterns: string[];
}

/** The policy as the handler receives it. */
export interface HandlerPolicy {
  readonly maxRedrives: number;
  readonly statuses: string[];
  readonly errorFilter: ErrorFilterSpec;
  readonly dryRun: boolean;
}

/** Why an event was not redriven. Logged and, later, published with every skip. */
export const SkipReason = {
  MAP_RUN_CHILD: 'MAP_RUN_CHILD',
  STATE_MACHINE_NOT_CHOSEN: 'STATE_MACHINE_NOT_CHOSEN',
  STATUS_NOT_CHOSEN: 'STATUS_NOT_CHOSEN',
  NOT_REDRIVABLE: 'NOT_REDRIVABLE',
  EXHAUSTED: 'EXHAUSTED',
  ERROR_NOT_ALLOWED: 'ERROR_NOT_ALLOWED',
  REDRIVE_WINDOW_CLOSED: 'REDRIVE_WINDOW_CLOSED',
  DRY_RUN: 'DRY_RUN',
  ALREADY_REDRIVEN_OR_RUNNING: 'ALREADY_REDRIVEN_OR_RUNNING',
} as const;
export type SkipReason = typeof SkipReason[keyof typeof SkipReason];

/** Why the handler put an event in the dead-letter queue itself instead of retrying it. */
export const DeadLetterReason = {
  BAD_EVENT: 'BAD_EVENT',
  REDRIVE_REJECTED: 'REDRIVE_REJECTED',
} as const;
export type DeadLetterReason = typeof DeadLetterReason[keyof typeof DeadLetterReason];

/** The body of a message the handler writes to the dead-letter queue. */
export interface DeadLetterMessage {
  readonly source: typeof DEAD_LETTER_SOURCE;
  readonly reason: DeadLetterReason;
  readonly error: string;
  readonly event: unknown;
}
export const DEAD_LETTER_SOURCE = 'cdk-stepfunctions-redrive';
