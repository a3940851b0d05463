import { createHash } from 'crypto';

/**
 * Names derived from the failure an event reports: the execution and its redrive count at the
 * time. The same failure always gives the same names, so duplicates and retries collapse into one
 * redrive and one schedule.
 */

function failureDigest(executionArn: string, redriveCount: number): string {
  return createHash('sha256').update(`${executionArn}#${redriveCount}`).digest('hex');
}

/**
 * The RedriveExecution idempotency token. Step Functions answers a repeated token with the first
 * call's result instead of redriving again. 64 hex characters: within the API's 1 to 64 of [!-~].
 */
export function redriveClientToken(executionArn: string, redriveCount: number): string {
  return failureDigest(executionArn, redriveCount);
}

/** The schedule of a delayed redrive: `redrive-` and 56 hex characters, within Scheduler's 64 of [0-9a-zA-Z-_.]. */
export function redriveScheduleName(executionArn: string, redriveCount: number): string {
  return `redrive-${failureDigest(executionArn, redriveCount).slice(0, 56)}`;
}
