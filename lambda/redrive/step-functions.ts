import { DescribeExecutionCommand, RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ExecutionFacts } from './request';

/** The execution as it is now. DescribeExecution's quota is small: called only when a trigger cannot be trusted on its word. */
export async function describeExecution(client: SFNClient, executionArn: string, abortSignal: AbortSignal): Promise<ExecutionFacts> {
  const output = await client.send(new DescribeExecutionCommand({ executionArn }), { abortSignal });
  if (output.redriveCount === undefined && output.redriveDate !== undefined) {
    // Redriven at some point, but how often is not said: no token, and no maxRedrives check, can be trusted.
    throw Object.assign(new Error(`DescribeExecution of ${executionArn} gave a redriveDate but no redriveCount`), { name: 'IncompleteDescription' });
  }
  return {
    status: output.status ?? 'UNKNOWN',
    redriveStatus: output.redriveStatus,
    // Never redriven: Step Functions counts from 0.
    redriveCount: output.redriveCount ?? 0,
    stopDate: output.stopDate?.getTime(),
    error: output.error,
    cause: output.cause,
  };
}

/** Calls RedriveExecution; returns when Step Functions says the execution was redriven (for this token). */
export async function redriveExecution(
  client: SFNClient,
  executionArn: string,
  clientToken: string,
  abortSignal: AbortSignal,
): Promise<Date | undefined> {
  const output = await client.send(new RedriveExecutionCommand({ executionArn, clientToken }), { abortSignal });
  return output.redriveDate;
}
