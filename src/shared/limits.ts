/** AWS limits both the construct and the handler honour. */

/** RedriveExecution accepts an execution up to 14 days after it stopped. */
export const REDRIVE_WINDOW_SECONDS = 14 * 24 * 60 * 60;
export const REDRIVE_WINDOW_MS = REDRIVE_WINDOW_SECONDS * 1000;

/** A Map Run can be redriven at most 1,000 times; the construct uses the same ceiling. */
export const MAX_REDRIVES_LIMIT = 1000;

/** Step Functions error names are at most 256 characters. */
export const MAX_ERROR_NAME_LENGTH = 256;

/** A state machine name is 1 to 80 characters. */
export const MAX_STATE_MACHINE_NAME_LENGTH = 80;

/** EventBridge's default limit on the length of one event pattern. */
export const MAX_EVENT_PATTERN_LENGTH = 2048;

/** IAM's limit on the size of one customer managed policy, white space excluded. */
export const MAX_MANAGED_POLICY_LENGTH = 6144;

/** Step Functions remembers only the last 10 RedriveExecution client tokens that redrove an execution (for 15 minutes). */
export const CLIENT_TOKEN_MEMORY = 10;

/**
 * An event handled within this long of the stop it reports, carrying its redrive count, may be
 * redriven on its word alone when maxRedrives is at most CLIENT_TOKEN_MEMORY: its token then makes
 * a duplicate harmless. Any other trigger looks at the execution first.
 */
export const FRESH_EVENT_MS = 60 * 1000;

/** SQS takes a message body of at most 256 KiB. */
export const MAX_SQS_MESSAGE_BYTES = 256 * 1024;

/** One Step Functions API quota: a token bucket per account and Region. */
export interface ApiQuota {
  /** Calls that may be made at once. */
  readonly burst: number;
  /** Calls the bucket refills per second. */
  readonly perSecond: number;
}

/**
 * Step Functions' API quotas, by Region class: the largest Regions (US East (N. Virginia), US West
 * (Oregon), Europe (Ireland)), and every other Region. The sweep paces itself to a share of the
 * smaller class, since it cannot tell which class its Region is in.
 */
export const STEP_FUNCTIONS_QUOTAS = {
  ListExecutions: {
    largestRegions: { burst: 200, perSecond: 5 },
    otherRegions: { burst: 100, perSecond: 2 },
  },
  DescribeExecution: {
    largestRegions: { burst: 300, perSecond: 15 },
    otherRegions: { burst: 250, perSecond: 10 },
  },
} as const;

/** ListExecutions and ListStateMachines return at most this many items per page. */
export const MAX_LIST_PAGE_SIZE = 1000;

/** An SQS event source mapping's ScalingConfig.MaximumConcurrency: 2 to 1,000 invocations at once. */
export const MIN_MAX_CONCURRENCY = 2;
export const MAX_MAX_CONCURRENCY = 1000;

/**
 * Messages the intake's event source mapping hands the handler at once: SQS's largest batch without
 * a batching window, so that a failure event waits for no other; the handler works through them
 * concurrently, within the SDK's adaptive rate limiting.
 */
export const INTAKE_BATCH_SIZE = 10;

/** Lambda's advice for a queue that feeds a function: a visibility timeout of at least six times the function's timeout. */
export const INTAKE_VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * Receives of an intake message before SQS moves it to the dead-letter queue: room for Lambda's own
 * throttles of the mapping and a few retryable failures, each after a visibility timeout (3 minutes),
 * so about half an hour of retrying.
 */
export const INTAKE_MAX_RECEIVE_COUNT = 10;

/** How long the intake queue keeps a message nobody received: an outage of a day and more is buffered. */
export const INTAKE_RETENTION_DAYS = 4;

/**
 * EventBridge and Scheduler retry a delivery their target refused at most 185 times and for at most
 * a day (the most either allows), then keep it in the dead-letter queue.
 */
export const MAX_DELIVERY_RETRY_ATTEMPTS = 185;
export const MAX_DELIVERY_EVENT_AGE_SECONDS = 24 * 60 * 60;
