/**
 * The contract between the AutoRedrive construct and its handler: the environment the construct
 * writes and the handler reads. Both sides import it, so a rename cannot drift.
 */

export const ENV = {
  /** JSON of {@link HandlerPolicy}. */
  POLICY: 'AUTO_REDRIVE_POLICY',
  /**
   * The rules are named `<prefix>-1` to `<prefix>-<count>`. Their event patterns are the one list
   * of watched state machines: the handler reads them (DescribeRule) instead of a copy that could
   * outgrow Lambda's 4 KB environment.
   */
  RULE_NAME_PREFIX: 'AUTO_REDRIVE_RULE_NAME_PREFIX',
  RULE_COUNT: 'AUTO_REDRIVE_RULE_COUNT',
  /** URL of the dead-letter queue the handler writes events to that must not be retried. */
  DEAD_LETTER_QUEUE_URL: 'AUTO_REDRIVE_DEAD_LETTER_QUEUE_URL',
  /** The schedule group delayed redrives are kept in; unset when the backoff never delays. */
  SCHEDULE_GROUP: 'AUTO_REDRIVE_SCHEDULE_GROUP',
  /** The role EventBridge Scheduler assumes to invoke the handler when a delayed redrive is due. */
  SCHEDULER_ROLE_ARN: 'AUTO_REDRIVE_SCHEDULER_ROLE_ARN',
  /** The dead-letter queue's ARN, for the schedules' dead-letter config. */
  DEAD_LETTER_QUEUE_ARN: 'AUTO_REDRIVE_DEAD_LETTER_QUEUE_ARN',
  /** The name or ARN of the event bus outcome events go to. */
  OUTCOME_EVENT_BUS: 'AUTO_REDRIVE_OUTCOME_EVENT_BUS',
  /** The construct's unique name: the `service` of its logs and metrics, `autoRedrive` in its outcome events. */
  NAME: 'POWERTOOLS_SERVICE_NAME',
  /** The CloudWatch namespace of the handler's metrics. */
  METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  /** `true` when the function has active tracing: the handler then annotates its trace. */
  TRACING: 'AUTO_REDRIVE_TRACING',
} as const;

export function ruleName(prefix: string, index: number): string {
  return `${prefix}-${index + 1}`;
}

export type ErrorFilterMode = 'ALL' | 'ALLOW_ONLY' | 'DENY';

export interface ErrorFilterSpec {
  readonly mode: ErrorFilterMode;
  readonly patterns: string[];
}

export type BackoffKind = 'NONE' | 'FIXED' | 'EXPONENTIAL';

export interface BackoffSpec {
  readonly kind: BackoffKind;
  readonly initialDelaySeconds: number;
  readonly maxDelaySeconds: number;
  readonly multiplier: number;
  readonly jitter: boolean;
}

/** The policy as the handler receives it. */
export interface HandlerPolicy {
  readonly maxRedrives: number;
  readonly statuses: string[];
  readonly errorFilter: ErrorFilterSpec;
  readonly backoff: BackoffSpec;
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
  /** The execution's redrive count is no longer the failure's: a late event, or a delayed redrive that came due after someone else redrove it. */
  REDRIVEN_SINCE_FAILURE: 'REDRIVEN_SINCE_FAILURE',
} as const;
export type SkipReason = typeof SkipReason[keyof typeof SkipReason];

/** Why the handler put an event in the dead-letter queue itself instead of retrying it. */
export const DeadLetterReason = {
  BAD_EVENT: 'BAD_EVENT',
  REDRIVE_REJECTED: 'REDRIVE_REJECTED',
} as const;
export type DeadLetterReason = typeof DeadLetterReason[keyof typeof DeadLetterReason];

/** The event the rules match and the handler checks: what Step Functions sends when an execution stops. */
export const EXECUTION_EVENT_SOURCE = 'aws.states';
export const EXECUTION_EVENT_DETAIL_TYPE = 'Step Functions Execution Status Change';

/** The `source` of everything the library itself writes: dead letters, scheduled redrives, outcome events. */
export const LIBRARY_SOURCE = 'cdk-stepfunctions-redrive';

/** The body of a message the handler writes to the dead-letter queue. */
export interface DeadLetterMessage {
  readonly source: typeof LIBRARY_SOURCE;
  readonly reason: DeadLetterReason;
  readonly error: string;
  readonly event: unknown;
}

/**
 * What a schedule delivers to the handler when a delayed redrive is due. The handler checks the
 * execution again (DescribeExecution) before it redrives.
 */
export const SCHEDULED_REDRIVE_DETAIL_TYPE = 'Scheduled Redrive';

export interface ScheduledRedrive {
  readonly 'source': typeof LIBRARY_SOURCE;
  readonly 'detail-type': typeof SCHEDULED_REDRIVE_DETAIL_TYPE;
  readonly 'detail': {
    readonly executionArn: string;
    /** The redrive count the failure had when the redrive was scheduled. */
    readonly redriveCount: number;
    /** The id of the event that scheduled it. */
    readonly eventId: string;
    /** ISO 8601, UTC. */
    readonly scheduledFor: string;
  };
}

/** The detail-type of each outcome event, by outcome. */
export const OutcomeDetailType = {
  STARTED: 'Redrive Started',
  SCHEDULED: 'Redrive Scheduled',
  SKIPPED: 'Redrive Skipped',
  EXHAUSTED: 'Redrive Exhausted',
  FAILED: 'Redrive Failed',
} as const;
export type OutcomeKind = keyof typeof OutcomeDetailType;

/** The detail of an outcome event. Never the execution's input or output; the cause shortened. */
export interface OutcomeDetail {
  /** The AutoRedrive that published it (its unique name). */
  readonly autoRedrive: string;
  readonly outcome: OutcomeKind;
  readonly eventId: string;
  readonly executionArn?: string;
  readonly stateMachineArn?: string;
  readonly redriveCount?: number;
  /** Why it was skipped, dead-lettered or failed. */
  readonly reason?: string;
  readonly detail?: string;
  /** Scheduled: the delay and when the redrive is due. */
  readonly delaySeconds?: number;
  readonly redriveAt?: string;
  /** Started: when Step Functions redrove it. */
  readonly redriveDate?: string;
  /** The execution's error name, and the start of its cause. */
  readonly error?: string;
  readonly cause?: string;
  /** Failed: true when the event is in the dead-letter queue; false when Lambda will retry it. */
  readonly final?: boolean;
}

export const DEFAULT_METRICS_NAMESPACE = 'CdkStepFunctionsRedrive';

/** The handler's metric names. Dimensions: service (the construct's name), and StateMachine; Reason for skips. */
export const MetricName = {
  STARTED: 'RedrivesStarted',
  SCHEDULED: 'RedrivesScheduled',
  SKIPPED: 'RedrivesSkipped',
  EXHAUSTED: 'RedrivesExhausted',
  FAILURES: 'RedriveFailures',
  BAD_EVENTS: 'BadEvents',
  OUTCOME_EVENT_FAILURES: 'OutcomeEventFailures',
} as const;
