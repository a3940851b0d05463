import { RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { redriveClientToken } from './idempotency';

export type RedriveResult =
  | { readonly kind: 'REDRIVEN'; readonly redriveDate?: Date }
  /** ExecutionNotRedrivable: already redriven, or running again. A normal race. */
  | { readonly kind: 'NOT_REDRIVABLE'; readonly message: string }
  | Rejection;

/** The request itself can never succeed: retrying it would loop. */
export type Rejection = { readonly kind: 'REJECTED'; readonly errorName: string; readonly message: string };

/** Step Functions errors that say this request will never succeed, whatever the retries. */
const REJECTIONS = new Set(['ExecutionDoesNotExist', 'InvalidArn', 'ValidationException']);

/**
 * A Step Functions error that retrying cannot fix, as a Rejection. Every other error (throttling,
 * ExecutionLimitExceeded, AccessDenied, 5xx, network) is thrown again, so the invocation fails and
 * Lambda retries it, then keeps it in the dead-letter queue.
 */
export function rejectionOrThrow(error: unknown): Rejection {
  const name = (error as Error)?.name;
  if (REJECTIONS.has(name)) return { kind: 'REJECTED', errorName: name, message: (error as Error).message };
  throw error;
}

/** Calls RedriveExecution with the idempotency token of this failure. */
export async function redriveExecution(client: SFNClient, executionArn: string, redriveCount: number): Promise<RedriveResult> {
  try {
    const output = await client.send(new RedriveExecutionCommand({
      executionArn,
      clientToken: redriveClientToken(executionArn, redriveCount),
    }));
    return { kind: 'REDRIVEN', redriveDate: output.redriveDate };
  } catch (error) {
    if ((error as Error)?.name === 'ExecutionNotRedrivable') return { kind: 'NOT_REDRIVABLE', message: (error as Error).message };
    return rejectionOrThrow(error);
  }
}
