import { createHash } from 'crypto';

/**
 * The idempotency token of the redrive that follows the failure an event reports. The same
 * execution and redrive count always give the same token, so Step Functions answers a duplicate
 * or retried call with the first call's result instead of redriving again. 64 hex characters:
 * within the API's 1 to 64 characters of [!-~].
 */
export function redriveClientToken(executionArn: string, redriveCount: number): string {
  return createHash('sha256').update(`${executionArn}#${redriveCount}`).digest('hex');
}
