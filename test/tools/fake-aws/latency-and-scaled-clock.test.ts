import { performance } from 'perf_hooks';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { useFakeAws } from './sdk-environment';
import { ScaledClock } from '../../../tools/fake-aws/clock';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:orders:order-1';

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

describe('ScaledClock', () => {
  test('follows real time sped up by its factor, from its origin', () => {
    const origin = Date.now() - 1000;
    const clock = new ScaledClock(10, origin);
    const expected = origin + (Date.now() - origin) * 10;
    expect(Math.abs(clock.now() - expected)).toBeLessThan(50);
  });

  test('advance() and set() shift it, and it keeps running', () => {
    const clock = new ScaledClock(1);
    const before = clock.now();
    clock.advance(60_000);
    expect(clock.now() - before).toBeGreaterThanOrEqual(60_000);
    clock.set(0);
    expect(clock.now()).toBeLessThan(1000);
  });

  test('refuses a factor of 0 or less', () => {
    expect(() => new ScaledClock(0)).toThrow(/above 0/);
  });
});
