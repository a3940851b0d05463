import { Duration } from 'aws-cdk-lib';
import { Backoff } from '../../../../src';
import { executionArn, failureEvent } from '../../../../tools/events';
import { startHandler } from '../../../support/handler-harness';

type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'probe-deadline-1');
const PAYMENT = executionArn('payments', 'probe-deadline-1');
const REMAINING_MS = 9_000;

describe('deadlines and the watched set', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test.each([
    ['CreateSchedule hangs', 'CreateSchedule', { kind: 'hang' as const }],
    ['CreateSchedule trickles', 'CreateSchedule', { kind: 'trickle' as const, intervalMs: 1_500 }],
    ['RedriveExecution resets every time', 'RedriveExecution', { kind: 'reset' as const }],
    ['RedriveExecution answers 2.5 s late every time', 'RedriveExecution', { kind: 'delay' as const, ms: 2_500 }],
  ])('%s: the invocation ends at least 2 s before the timeout, with an error or an outcome', async (_name, operation, fault) => {
    h = await startHandler({ remainingTimeMs: REMAINING_MS, maxAttempts: 4, props: { backoff: operation === 'CreateSchedule' ? Backoff.fixed(Duration.minutes(5)) : Backoff.none() } });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject(operation, fault, 100);
    const started = Date.now();
    await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() })).catch(() => undefined);
    expect(REMAINING_MS - (Date.now() - started)).toBeGreaterThanOrEqual(2_000);
  }, 20_000);

  test('a little time left (3 s) and a hung DescribeExecution: ends 2 s before the timeout', async () => {
    h = await startHandler({ remainingTimeMs: 3_000 });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('DescribeExecution', { kind: 'hang' }, 100);
    h.fake.faults.inject('PutEvents', { kind: 'hang' }, 100);
    const started = Date.now();
    await expect(h.handler(failureEvent({ executionArn: ORDER, stopDate: null }))).rejects.toMatchObject({ name: 'DeadlineExceeded' });
    expect(3_000 - (Date.now() - started)).toBeGreaterThanOrEqual(2_000);
  }, 20_000);

  test('a put-off (throttled) redrive of a state machine no longer watched ends as NO_LONGER_WATCHED', async () => {
    h = await startHandler({ maxAttempts: 1, retryMode: 'standard', expectAccessDenied: true });
    h.fake.stepFunctions.addExecution(PAYMENT);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code: 'ThrottlingException' }, 1);
    expect((await h.handler(failureEvent({ executionArn: PAYMENT, stopDate: h.fake.clock.now() }))).outcome).toBe('SCHEDULED');
    h.redeploy(['orders']);
    h.fake.clock.advance(3_600_000);
    const [fired] = await h.fireDueSchedules();
    expect(fired).toMatchObject({ outcome: 'SKIPPED', reason: 'NO_LONGER_WATCHED' });
  });

  test('the role never lacks a grant for a fresh event, a late event and a backoff schedule on a watched machine', async () => {
    h = await startHandler({ props: { backoff: Backoff.fixed(Duration.minutes(5)) } });
    h.fake.stepFunctions.addExecution(ORDER);
    await h.handler(failureEvent({ executionArn: ORDER, stopDate: null }));
    h.fake.clock.advance(10 * 60_000);
    await h.fireDueSchedules();
    await h.handler({ bad: true });
    expect(h.fake.iam.decisions.filter((d) => !d.allowed)).toEqual([]);
  });
});
