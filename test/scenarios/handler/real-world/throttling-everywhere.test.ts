import { Duration } from 'aws-cdk-lib';
import { Backoff } from '../../../../src';
import { executionArn, failureEvent } from '../../../../tools/events';
import { startHandler } from '../../../support/handler-harness';

type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'probe-throttle-1');
const throttle = { kind: 'error' as const, code: 'ThrottlingException' };

describe('throttling on every call never dead-letters', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test('CreateSchedule of a backoff throttled: the invocation throws (Lambda retries), nothing dead-lettered', async () => {
    h = await startHandler({ props: { backoff: Backoff.fixed(Duration.minutes(5)) }, maxAttempts: 1, retryMode: 'standard' });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('CreateSchedule', throttle, 10);
    await expect(h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(h.deadLetters()).toEqual([]);
  });

  test('RedriveExecution and then the put-off CreateSchedule throttled: throws, nothing dead-lettered, retry redrives', async () => {
    h = await startHandler({ maxAttempts: 1, retryMode: 'standard' });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', throttle, 1);
    h.fake.faults.inject('CreateSchedule', throttle, 1);
    const event = failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() });
    await expect(h.handler(event)).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(h.deadLetters()).toEqual([]);
    h.fake.clock.advance(60_000);
    expect((await h.handler(event)).outcome).toBe('REDRIVEN');
  });

  test('ExecutionLimitExceeded on RedriveExecution: put off, not dead-lettered', async () => {
    h = await startHandler({ maxAttempts: 1, retryMode: 'standard' });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code: 'ExecutionLimitExceeded' }, 1);
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));
    expect(outcome).toMatchObject({ outcome: 'SCHEDULED', scheduleReason: 'THROTTLED' });
  });

  test('SendMessage throttled while dead-lettering a bad event: throws, not lost silently', async () => {
    h = await startHandler({ maxAttempts: 1, retryMode: 'standard' });
    h.fake.faults.inject('SendMessage', throttle, 10);
    await expect(h.handler({ not: 'an event' })).rejects.toBeDefined();
  });

  test('PutEvents throttled: the redrive stands, reported in logs', async () => {
    h = await startHandler({ maxAttempts: 1, retryMode: 'standard' });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('PutEvents', throttle, 10);
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));
    expect(outcome.outcome).toBe('REDRIVEN');
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'outcome event not published; the decision stands' }));
  });

  test('HTTP 429 without a throttling code on DescribeExecution: put off', async () => {
    h = await startHandler({ maxAttempts: 1, retryMode: 'standard' });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('DescribeExecution', { kind: 'error', code: 'SlowDown', status: 429 }, 1);
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: null }));
    expect(outcome).toMatchObject({ outcome: 'SCHEDULED', scheduleReason: 'THROTTLED' });
  });

  test('dry run with DescribeExecution throttled: put off within the role, and the put-off ends as DRY_RUN', async () => {
    h = await startHandler({ policy: { dryRun: true }, maxAttempts: 1, retryMode: 'standard' });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('DescribeExecution', throttle, 1);
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: null }));
    expect(outcome).toMatchObject({ outcome: 'SCHEDULED', scheduleReason: 'THROTTLED' });
    h.fake.clock.advance(3_600_000);
    const [fired] = await h.fireDueSchedules();
    expect(fired).toMatchObject({ outcome: 'SKIPPED', reason: 'DRY_RUN' });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(0);
  });
});
