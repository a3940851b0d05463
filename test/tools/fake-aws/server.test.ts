import { performance } from 'perf_hooks';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { FakeAws } from '../../../tools/fake-aws/server';
import { errorOf, setEnvironment, useFakeAws, waitFor } from '../../support/sdk-environment';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:orders:order-1';
const describe_ = (client: SFNClient, abortSignal?: AbortSignal) =>
  client.send(new DescribeExecutionCommand({ executionArn: ARN }), abortSignal ? { abortSignal } : {});

describe('latency', () => {
  const fake = useFakeAws();

  test('every call waits the set latency; 0 answers at once', async () => {
    fake().stepFunctions.addExecution(ARN);
    const sfn = new SFNClient({ maxAttempts: 1 });
    try {
      const timed = async () => {
        const started = performance.now();
        await sfn.send(new DescribeExecutionCommand({ executionArn: ARN }));
        return performance.now() - started;
      };
      await timed(); // connection set up
      fake().setLatency(60);
      expect(await timed()).toBeGreaterThanOrEqual(55);
      fake().setLatency(0);
      expect(await timed()).toBeLessThan(55);
    } finally {
      sfn.destroy();
    }
  });

  test('a throttled call is counted per operation', async () => {
    fake().stepFunctions.addExecution(ARN);
    fake().rateLimit('DescribeExecution', 1, 0.001);
    const sfn = new SFNClient({ maxAttempts: 1 });
    try {
      await sfn.send(new DescribeExecutionCommand({ executionArn: ARN }));
      await expect(sfn.send(new DescribeExecutionCommand({ executionArn: ARN }))).rejects.toMatchObject({ name: 'ThrottlingException' });
      expect(fake().throttledByOperation.get('DescribeExecution')).toBe(1);
      expect(fake().throttled).toBe(1);
    } finally {
      sfn.destroy();
    }
  });

  test('a negative latency is refused', () => {
    expect(() => fake().setLatency(-1)).toThrow(/0 or more/);
  });
});

describe('close()', () => {
  test('ends hung, trickling and delayed calls and clears every timer', async () => {
    const fake = await FakeAws.start();
    const restore = setEnvironment(fake.environment);
    const sfn = new SFNClient({ maxAttempts: 1 });
    try {
      fake.stepFunctions.addExecution(ARN);
      fake.faults.inject('DescribeExecution', { kind: 'hang' });
      fake.faults.inject('DescribeExecution', { kind: 'trickle', intervalMs: 60_000 });
      fake.faults.inject('DescribeExecution', { kind: 'delay', ms: 60_000 });
      const hung = errorOf(describe_(sfn));
      const trickling = errorOf(describe_(sfn));
      const delayed = errorOf(describe_(sfn));
      await waitFor(() => fake.calls.length === 3 && fake.activeTimers === 2);
      const started = Date.now();

      await fake.close();

      expect(Date.now() - started).toBeLessThan(1_000);
      expect(fake.activeTimers).toBe(0);
      for (const error of await Promise.all([hung, trickling, delayed])) expect(error).toBeInstanceOf(Error);
    } finally {
      restore();
      sfn.destroy();
    }
  });
});
