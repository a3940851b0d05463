import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { parseExecutionArn, stateMachineArnOf } from './execution-arn';
import { FailureEvent } from './failure-event';

/**
 * The execution as it is now, in the shape of a failure event, so the same policy checks apply
 * when a delayed redrive is due. DescribeExecution's quota refills at 15 per second: it is called
 * only when a delayed redrive fires, never for every event.
 */
export async function describeExecution(client: SFNClient, executionArn: string, eventId: string): Promise<FailureEvent> {
  const output = await client.send(new DescribeExecutionCommand({ executionArn }));
  const execution = parseExecutionArn(executionArn)!;
  return {
    id: eventId,
    executionArn,
    execution,
    stateMachineArn: stateMachineArnOf(execution),
    status: output.status ?? 'UNKNOWN',
    redriveStatus: output.redriveStatus,
    redriveCount: output.redriveCount ?? 0,
    stopDate: output.stopDate?.getTime(),
    error: output.error,
    cause: output.cause,
  };
}
