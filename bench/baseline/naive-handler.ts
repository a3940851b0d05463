import { RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';

/** What people write by hand: redrive every event's execution, nothing else. The benchmarks' baseline. */
const client = new SFNClient({});

export const handler = async (event: { detail: { executionArn: string } }) =>
  client.send(new RedriveExecutionCommand({ executionArn: event.detail.executionArn }));
