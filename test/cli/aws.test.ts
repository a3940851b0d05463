import { executionArn, failureEvent } from '../../tools/events';
import { FakeAws } from '../../tools/fake-aws/server';
import { addExecution, addStateMachine, runCli, fakePerTest, stateMachineArn } from '../support/cli-harness';
import { naming } from '../support/messages';

/** A queue URL as SQS gives it: the real host, which the endpoint variables must override. */
const AWS_QUEUE_HOST = 'https://sqs.us-east-1.amazonaws.com';
const ONLY_GENERAL = { AWS_ENDPOINT_URL_SFN: undefined, AWS_ENDPOINT_URL_SQS: undefined };

describe('cdk-stepfunctions-redrive and AWS', () => {
  const currentFake = fakePerTest();
  let fake: FakeAws;
  beforeEach(() => {
    fake = currentFake();
  });


  describe('the endpoint variables', () => {
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

  describe('the state machines and the AWS configuration it needs', () => {
    test('an unknown state machine, name or ARN, or a prefix that matches nothing: exit 2, nothing redriven', async () => {
      addExecution(fake, 'orders', 'a');

      const byName = await runCli(fake, ['redrive', '--state-machine', 'ordres', '--state-machine', 'orders', '--yes']);
      const byArn = await runCli(fake, ['redrive', '--state-machine', stateMachineArn('nope'), '--yes']);
      const byPrefix = await runCli(fake, ['redrive', '--name-prefix', 'zz', '--yes']);

      expect([byName.code, byArn.code, byPrefix.code]).toEqual([2, 2, 2]);
      expect(byName.stderr).toMatch(naming('"ordres"'));
      expect(byArn.stderr).toMatch(naming(stateMachineArn('nope')));
      expect(byPrefix.stderr).toMatch(naming('"zz"'));
      expect(fake.stepFunctions.redrives).toEqual([]);
    });

    test('an Express state machine is refused by name', async () => {
      addStateMachine(fake, 'fast', 'EXPRESS');
      const run = await runCli(fake, ['redrive', '--state-machine', 'fast', '--dry-run']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(naming('"fast"', 'Express'));
    });

    test('no credentials: a sentence that says what to set, exit 1, no call made', async () => {
      const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--dry-run'], {
        env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(naming('credentials', 'AWS_PROFILE'));
      expect(fake.calls).toEqual([]);
    });

    test('no Region: a sentence that says what to set, exit 1', async () => {
      const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--dry-run'], { env: { AWS_REGION: undefined } });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(naming('Region', 'AWS_REGION'));
    });
  });
});
