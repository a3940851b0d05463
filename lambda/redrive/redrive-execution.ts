import { RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { redriveClientToken } from './client-token';

export type RedriveResult =
  | { readonly kind: 'REDRIVEN'; readonly redriveDate?: Date }
  /** ExecutionNotRedrivable: already redriven, or running again. A normal race. */
  | { readonly kind: 'NOT_REDRIVABLE'; readonly message: string }
  /** The request itself can never succeed: retrying it would loop. */
  | { readonly kind: 'REJECTED'; readonly errorName: string; readonly message: string };

/** Errors that say this request will never succeed, whatever the retries. */
const REJECTIONS = new Set(['ExecutionDoesNotExist', 'InvalidArn', 'ValidationException']);

/**
 * Calls RedriveExecution with the idempotency token of this failure. Every other error
 * (throttling, ExecutionLimitExceeded, AccessDenied, 5xx, network) is thrown, so the invocation
 * fails and Lambda retries it, then keeps it in the dead-letter queue.
 */
export async function redriveExecution(client: SFNClient, executionArn: string, redriveCount: number): Promise<RedriveResult> {
  try {
    const output = await client.send(new RedriveExecutionCommand({
      executionArn,
      clientToken: redriveClientToken(executionArn, redriveCount),
    }));
    return { kind: 'REDRIVEN', redriveDate: output.redriveDate };
  } catch (error) {
    const name = (error as Error)?.name;
    const message = (error as Error)?.message ?? String(error);
    if (name === 'ExecutionNotRedrivable') return { kind: 'NOT_REDRIVABLE', message };
    if (REJECTIONS.has(name)) return { kind: 'REJECTED', errorName: name, message };
    throw error;
  }
}
