import { createHash } from 'crypto';

/**
 * Names derived from the failure a trigger is about: the execution and its redrive count at the
 * time. The same failure always gives the same names, so duplicates and retries collapse into one
 * redrive and one schedule.
 */

function digest(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('#')).digest('hex');
}

/**
 * The RedriveExecution idempotency token. Step Functions answers a repeated token with the first
 * call's result instead of redriving again. 64 hex characters: within the API's 1 to 64 of [!-~].
 */
export function redriveClientToken(executionArn: string, redriveCount: number): string {
  return digest(executionArn, redriveCount);
}

/** The schedule of a delayed redrive: `redrive-` and 56 hex characters, within Scheduler's 64 of [0-9a-zA-Z-_.]. */
export function redriveScheduleName(executionArn: string, redriveCount: number): string {
  return `redrive-${digest(executionArn, redriveCount).slice(0, 56)}`;
}

/** The schedule of the `putOffs`-th put-off of a throttled redrive: `put-off-` and 56 hex characters. */
export function putOffScheduleName(executionArn: string, redriveCount: number | undefined, putOffs: number): string {
  return `put-off-${digest(executionArn, redriveCount ?? 'unknown', 'put-off', putOffs).slice(0, 56)}`;
}

/**
 * The `continuation`-th follow-up of a sweep run: `sweep-` and 57 hex characters. One per run and
 * number, whatever the cursor: a retried invocation finds its follow-up there already, and a run
 * never forks into two chains.
 */
export function sweepScheduleName(runId: string, continuation: number): string {
  return `sweep-${digest(runId, 'sweep', continuation).slice(0, 57)}`;
}
