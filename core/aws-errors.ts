/** How the handler treats an error an AWS call ended with. */
export type CallFailure =
  /** Throttled past the SDK's retries, or too many open executions: put the redrive off. */
  | 'THROTTLED'
  /** The role may not make this call: on a schedule's path, the state machine is no longer watched. */
  | 'ACCESS_DENIED'
  /** The request can never succeed, whatever the retries. */
  | 'REJECTED'
  /** Anything else (5xx, network, a deadline): fail the invocation so that Lambda retries it. */
  | 'RETRY';

const THROTTLING = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ThrottledException',
  'RequestThrottledException', 'RequestThrottled', 'ExecutionLimitExceeded',
]);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
/** Step Functions errors that say the request will never succeed. */
const REJECTED = new Set(['ExecutionDoesNotExist', 'InvalidArn', 'ValidationException']);

export function classifyFailure(error: unknown): CallFailure {
  const name = errorName(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (THROTTLING.has(name) || status === 429) return 'THROTTLED';
  if (ACCESS_DENIED.has(name)) return 'ACCESS_DENIED';
  if (REJECTED.has(name)) return 'REJECTED';
  return 'RETRY';
}

export function errorName(error: unknown): string {
  return typeof (error as Error)?.name === 'string' ? (error as Error).name : 'Error';
}

export function errorMessage(error: unknown): string {
  return typeof (error as Error)?.message === 'string' ? (error as Error).message : String(error);
}
