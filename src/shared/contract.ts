/**
 * The contract between the AutoRedrive construct and its handler: the environment the construct
 * writes and the handler reads. Both sides import it, so a rename cannot drift.
 */

export const ENV = {
  /** JSON of {@link HandlerPolicy}. */
  POLICY: 'AUTO_REDRIVE_POLICY',
  /** URL of the dead-letter queue the handler writes events to that must not be retried. */
  DEAD_LETTER_QUEUE_URL: 'AUTO_REDRIVE_DEAD_LETTER_QUEUE_URL',
  /**
   * The schedule group delayed and put-off redrives are kept in. Set in every configuration: even
   * with `Backoff.none()` a throttled check or redrive is put off with a one-time schedule.
   */
  SCHEDULE_GROUP: 'AUTO_REDRIVE_SCHEDULE_GROUP',
  /** The role EventBridge Scheduler assumes to send a due schedule's payload to the intake queue. */
  SCHEDULER_ROLE_ARN: 'AUTO_REDRIVE_SCHEDULER_ROLE_ARN',
  /** The intake queue's ARN: the target of every one-time schedule (delayed and put-off redrives, sweep follow-ups). */
  INTAKE_QUEUE_ARN: 'AUTO_REDRIVE_INTAKE_QUEUE_ARN',
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
  /**
   * `true` when outcome events are wanted (an `on*()` helper was called, or `outcomeEvents: true`):
   * the handler then publishes one per decision. Unset or anything else: it publishes none.
   */
  OUTCOME_EVENTS: 'AUTO_REDRIVE_OUTCOME_EVENTS',
  /**
   * `true` with `detailedMetrics`: the handler also publishes its metrics per state machine
   * (`StateMachine`) and skips per reason (`Reason`). Otherwise the `service` dimension only.
   */
  DETAILED_METRICS: 'AUTO_REDRIVE_DETAILED_METRICS',
} as const;

/**
 * The AWS SDK's retry settings for the handler, read by the SDK itself from the environment:
 * adaptive mode slows the client down when a service throttles.
 */
export const SDK_RETRY_ENVIRONMENT = { AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '4' } as const;

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

/** The policy's defaults, shared by the construct and the CLI. */
export const DEFAULT_MAX_REDRIVES = 3;
export const DEFAULT_STATUSES: readonly string[] = ['FAILED', 'TIMED_OUT'];

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
  /**
   * A schedule came due for a state machine the construct no longer watches: the role may no longer
   * describe or redrive its executions (AccessDenied on the schedule's path).
   */
  NO_LONGER_WATCHED: 'NO_LONGER_WATCHED',
  STATUS_NOT_CHOSEN: 'STATUS_NOT_CHOSEN',
  NOT_REDRIVABLE: 'NOT_REDRIVABLE',
  EXHAUSTED: 'EXHAUSTED',
  ERROR_NOT_ALLOWED: 'ERROR_NOT_ALLOWED',
  REDRIVE_WINDOW_CLOSED: 'REDRIVE_WINDOW_CLOSED',
  DRY_RUN: 'DRY_RUN',
  ALREADY_REDRIVEN_OR_RUNNING: 'ALREADY_REDRIVEN_OR_RUNNING',
  /** The execution's redrive count is no longer the failure's: a late event, or a delayed redrive that came due after someone else redrove it. */
  REDRIVEN_SINCE_FAILURE: 'REDRIVEN_SINCE_FAILURE',
  /**
   * The redrive of this failure is scheduled already (a duplicate event, the sweep, a retried
   * message): the schedule redrives it when due, and was reported when it was created.
   */
  ALREADY_SCHEDULED: 'ALREADY_SCHEDULED',
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
  /** The execution the event was about, when it could be read. */
  readonly executionArn?: string;
  /**
   * The event as received. When the whole message would pass SQS's 256 KiB, the event's JSON text
   * cut short instead, with `eventTruncated` true.
   */
  readonly event: unknown;
  readonly eventTruncated?: boolean;
}

/**
 * What a schedule delivers to the handler when a redrive is due: after the backoff's delay, or
 * after a check or redrive was put off because Step Functions throttled it. The handler checks
 * the execution again (DescribeExecution) before it redrives.
 */
export const SCHEDULED_REDRIVE_DETAIL_TYPE = 'Scheduled Redrive';

export const ScheduleReason = {
  /** The backoff's delay. */
  BACKOFF: 'BACKOFF',
  /** Step Functions throttled the check or the redrive past the SDK's retries. */
  THROTTLED: 'THROTTLED',
} as const;
export type ScheduleReason = typeof ScheduleReason[keyof typeof ScheduleReason];

export interface ScheduledRedrive {
  readonly 'source': typeof LIBRARY_SOURCE;
  readonly 'detail-type': typeof SCHEDULED_REDRIVE_DETAIL_TYPE;
  readonly 'detail': {
    readonly executionArn: string;
    /**
     * The redrive count of the failure the redrive is for. Absent when it was not known (a
     * throttled check of an event without one): the execution's count then decides.
     */
    readonly redriveCount?: number;
    /** The id of the event that scheduled it. */
    readonly eventId: string;
    /** ISO 8601, UTC. */
    readonly scheduledFor: string;
    /** Why it was scheduled: the policy's backoff, or a put-off for throttling. */
    readonly reason: ScheduleReason;
    /** How many times the redrive has been put off for throttling, this one included. */
    readonly putOffs?: number;
    /** For a put-off: whether the backoff had been waited already; a BACKOFF schedule always has. */
    readonly backoffWaited?: boolean;
  };
}

/** The detail-type of each outcome event, by outcome. */
export const OutcomeDetailType = {
  REDRIVEN: 'Execution Redriven',
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
  /**
   * What brought the execution to the handler: `event` (a Step Functions event), `schedule` (a due
   * redrive), `sweep` (the recurring sweep found it), `cli` or `replay` (a person).
   */
  readonly trigger?: string;
  /** Scheduled: BACKOFF (the policy's delay) or THROTTLED (put off). */
  readonly scheduleReason?: string;
}

export const DEFAULT_METRICS_NAMESPACE = 'CdkStepFunctionsRedrive';

/** Tags the construct puts on its dead-letter queue, so that `replay` knows what the construct would do. */
export const DeadLetterQueueTag = {
  /** The construct's maxRedrives: `replay` closes a message whose execution has used them all. */
  MAX_REDRIVES: 'cdk-stepfunctions-redrive:max-redrives',
  /** The intake queue's name: `replay` sends a sweep run back to it. */
  INTAKE_QUEUE: 'cdk-stepfunctions-redrive:intake-queue',
} as const;

/** The intake's default cap on handler invocations at once (`maxConcurrency`), chosen by the storm benchmarks (bench/RESULTS.md). */
export const DEFAULT_MAX_CONCURRENCY = 3;

/** The handler's metric names. Dimensions: service (the construct's name), and StateMachine; Reason for skips. */
export const MetricName = {
  REDRIVEN: 'Redriven',
  SCHEDULED: 'Scheduled',
  /** Checks or redrives that Step Functions throttled past the SDK's retries, put off with a schedule. */
  PUT_OFF: 'PutOff',
  SKIPPED: 'Skipped',
  EXHAUSTED: 'Exhausted',
  FAILED: 'Failed',
  BAD_EVENTS: 'BadEvents',
  OUTCOME_EVENT_FAILURES: 'OutcomeEventFailures',
} as const;

/**
 * What the recurring sweep schedule (and each of its follow-ups) delivers to the handler: list the
 * stopped executions of the watched state machines over the look-back, and send each through the
 * one redrive path, as an event would be.
 */
export const SWEEP_DETAIL_TYPE = 'Sweep';

/**
 * EventBridge Scheduler replaces this in a schedule's Input with the time the invocation was
 * scheduled for (ISO 8601, UTC): the same for every retry of one run of the recurring schedule.
 */
export const SCHEDULED_TIME_PLACEHOLDER = '<aws.scheduler.scheduled-time>';

/** The statuses from which RedriveExecution resumes an execution: the only ones a policy, the sweep or the CLI may choose. */
export const REDRIVABLE_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** The state machines a sweep looks at: the explicit list, the name prefixes, or every Standard one of the account and Region. */
export type SweepSelection =
  | { readonly kind: 'LIST'; readonly stateMachineArns: string[] }
  | { readonly kind: 'PREFIXES'; readonly namePrefixes: string[] }
  | { readonly kind: 'ALL' };

/**
 * Where a sweep run stopped, carried by its follow-up schedule: the follow-up continues there,
 * never from the start.
 */
export interface SweepCursor {
  /** The run: the recurring schedule's scheduled time (or the start of a manual run). Names the run's follow-ups. */
  readonly runId: string;
  /** ISO 8601, UTC: when the run started. The look-back is measured from here, so it does not move. */
  readonly startedAt: string;
  /** How many follow-ups this one is, counting from 1. */
  readonly continuation: number;
  /** The state machine the run was at (state machines are swept in the order of their ARNs). */
  readonly stateMachineArn: string;
  /** The status it was listing. */
  readonly status: string;
  /**
   * True when it was listing the executions redriven at least once (`redriveFilter: REDRIVEN`, every
   * one, whatever its start); absent for those never redriven (newest first, back to the look-back).
   */
  readonly redriven?: boolean;
  /** The token of the ListExecutions page it was in; absent for the first page. */
  readonly pageToken?: string;
  /** The last execution of that page it had handled; absent when it had handled none. */
  readonly after?: string;
}

export interface SweepDetail {
  readonly selection: SweepSelection;
  /** Executions that stopped longer ago than this, before the run started, are left alone. */
  readonly lookBackSeconds: number;
  /** The share (0 < share <= 1) of the ListExecutions and DescribeExecution quotas the sweep may use. */
  readonly quotaShare: number;
  /** The statuses listed, each its own ListExecutions statusFilter. */
  readonly statuses: string[];
  /** {@link SCHEDULED_TIME_PLACEHOLDER}, replaced by Scheduler: the run's id and start. */
  readonly scheduledTime?: string;
  /** Set in a follow-up: where to continue. */
  readonly cursor?: SweepCursor;
}

export interface SweepPayload {
  readonly 'source': typeof LIBRARY_SOURCE;
  readonly 'detail-type': typeof SWEEP_DETAIL_TYPE;
  readonly 'detail': SweepDetail;
}
