import { Duration } from 'aws-cdk-lib';
import { Backoff } from '../../../../src';
import { executionArn, failureEvent } from '../../../../tools/events';
import { startHandler } from '../../../support/handler-harness';

type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'probe-sched-1');
const payload = (detail: object) => ({ 'source': 'cdk-stepfunctions-redrive', 'detail-type': 'Scheduled Redrive', detail });

describe('schedule payloads tampered with or from an older version', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test.each([
    ['redriveCount a string', { executionArn: ORDER, redriveCount: '0', eventId: 'e' }, 'redriveCount'],
    ['putOffs negative', { executionArn: ORDER, redriveCount: 0, eventId: 'e', putOffs: -1 }, 'putOffs'],
    ['unknown reason', { executionArn: ORDER, redriveCount: 0, eventId: 'e', reason: 'WHATEVER' }, 'reason'],
    ['backoffWaited a string', { executionArn: ORDER, redriveCount: 0, eventId: 'e', backoffWaited: 'yes' }, 'backoffWaited'],
    ['no executionArn', { redriveCount: 0, eventId: 'e' }, 'executionArn'],
    ['executionArn of a state machine ARN', { executionArn: ORDER.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, '') }, 'executionArn'],
  ])('%s: dead-lettered as a bad event naming the field, no Step Functions call', async (_name, detail, field) => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);

    const outcome = await h.handler(payload(detail));

    expect(outcome).toMatchObject({ outcome: 'FAILED', reason: 'BAD_EVENT' });
    expect(h.deadLetters()[0].error).toContain(field);
    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(0);
  });

  test('detail null: dead-lettered with a clear error', async () => {
    h = await startHandler();
    const outcome = await h.handler({ 'source': 'cdk-stepfunctions-redrive', 'detail-type': 'Scheduled Redrive', 'detail': null });
    expect(outcome).toMatchObject({ outcome: 'FAILED', reason: 'BAD_EVENT' });
    expect(h.deadLetters()).toHaveLength(1);
  });

  test('a backoff payload without putOffs: redriven once when the execution is still at its count', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    const outcome = await h.handler(payload({ executionArn: ORDER, redriveCount: 0, eventId: 'e', scheduledFor: '2020-01-01T00:00:00Z', reason: 'BACKOFF' }));
    expect(outcome.outcome).toBe('REDRIVEN');
  });

  test('a payload with a redriveCount above the execution\'s: skipped, never redriven', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 1 });
    const outcome = await h.handler(payload({ executionArn: ORDER, redriveCount: 5, eventId: 'e', reason: 'BACKOFF' }));
    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'REDRIVEN_SINCE_FAILURE' });
  });

  test('a payload with putOffs at the ceiling, throttled: the invocation throws (no DLQ write)', async () => {
    h = await startHandler({ maxAttempts: 1, retryMode: 'standard' });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('DescribeExecution', { kind: 'error', code: 'ThrottlingException' }, 1);
    await expect(h.handler(payload({ executionArn: ORDER, redriveCount: 0, eventId: 'e', reason: 'THROTTLED', putOffs: 48 }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(h.deadLetters()).toEqual([]);
  });

  test('a backoff schedule that fires twice (Scheduler at-least-once), sequentially: one redrive, second ALREADY_REDRIVEN_OR_RUNNING', async () => {
    h = await startHandler({ props: { backoff: Backoff.fixed(Duration.minutes(5)) } });
    h.fake.stepFunctions.addExecution(ORDER);
    await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));
    const [schedule] = h.fake.scheduler.schedules.values();
    h.fake.clock.advance(10 * 60_000);
    const first = await h.handler(JSON.parse(schedule.Target.Input!));
    h.fake.clock.advance(1_000);
    const second = await h.handler(JSON.parse(schedule.Target.Input!));
    expect([first.outcome, second]).toEqual(['REDRIVEN', expect.objectContaining({ outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING' })]);
  });
});
