import { addExecution, runCli, fakePerTest } from './cli-harness';
import { executionArn, failureEvent } from '../../tools/events';
import { FakeAws } from '../../tools/fake-aws/server';

/** A queue URL as SQS gives it: the real host, which the endpoint variables must override. */
const AWS_QUEUE_HOST = 'https://sqs.us-east-1.amazonaws.com';
const ONLY_GENERAL = { AWS_ENDPOINT_URL_SFN: undefined, AWS_ENDPOINT_URL_SQS: undefined };

describe('cdk-stepfunctions-redrive: the endpoint variables', () => {
  const currentFake = fakePerTest();
  let fake: FakeAws;
  beforeEach(() => {
    fake = currentFake();
  });

  test('redrive with AWS_ENDPOINT_URL only: every call goes to it', async () => {
    addExecution(fake, 'orders', 'failed');

    const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--yes'], { env: { ...ONLY_GENERAL, AWS_ENDPOINT_URL: fake.url } });

    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(fake.stepFunctions.redrives.map((r) => r.executionArn)).toEqual([executionArn('orders', 'failed')]);
  });

  test.each([
    ['AWS_ENDPOINT_URL only', (url: string) => ({ ...ONLY_GENERAL, AWS_ENDPOINT_URL: url })],
    ['AWS_ENDPOINT_URL_SQS and _SFN', (url: string) => ({ AWS_ENDPOINT_URL_SQS: url, AWS_ENDPOINT_URL_SFN: url })],
  ])('replay of an AWS queue URL with %s: SQS calls go to the endpoint, not to the queue URL\'s host', async (_, env) => {
    addExecution(fake, 'orders', 'failed');
    const queueUrl = fake.sqs.createQueue(AWS_QUEUE_HOST, 'redrive-dlq');
    fake.sqs.putMessage(queueUrl, failureEvent({ executionArn: executionArn('orders', 'failed'), stopDate: Date.now() - 60_000 }));

    const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes'], { env: env(fake.url) });

    expect(run.stderr).not.toMatch(/useQueueUrlAsEndpoint|ENOTFOUND/);
    expect(run.code).toBe(0);
    expect(fake.stepFunctions.redrives.map((r) => r.executionArn)).toEqual([executionArn('orders', 'failed')]);
    expect(fake.sqs.messagesOf(queueUrl)).toEqual([]);
  });
});
