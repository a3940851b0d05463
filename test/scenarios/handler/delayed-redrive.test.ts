import { createHash } from 'crypto';
import { BackoffSpec, ENV } from '../../../src/shared/contract';
import { executionArn, failureEvent } from '../../../tools/events';
import { startHandler } from '../../support/handler-harness';

type Harness = Awaited<ReturnType<typeof startHandler>>;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const EXPONENTIAL: BackoffSpec = { kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 3600, multiplier: 2, jitter: true };
const ORDER = executionArn('orders', 'run-1');

describe('delayed redrives through EventBridge Scheduler', () => {
  let h: Harness;
  let draw: number;
  beforeEach(async () => {
    draw = 0.5;
    h = await startHandler({ policy: { backoff: EXPONENTIAL }, random: () => draw });
    h.fake.clock.set(Date.parse('2026-11-21T10:00:00.250Z'));
  });
  afterEach(async () => h.stop());

  const failed = (redriveCount = 0) => failureEvent({ executionArn: ORDER, redriveCount, stopDate: h.fake.clock.now() });

  test('a failure is scheduled at now + delay, in UTC, to fire the handler once and be deleted', async () => {
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 1 });

    const outcome = await h.handler(failed(1));

    // redriveCount 1: delay 120 s, jitter draw 0.5 -> 90 s, rounded up to the whole second.
    expect(outcome).toEqual({
      outcome: 'SCHEDULED',
      scheduleReason: 'BACKOFF',
      scheduleName: expect.stringMatching(/^redrive-[0-9a-f]{56}$/),
      redriveAt: '2026-11-21T10:01:31Z',
      delaySeconds: 90,
      clampedToRedriveWindow: false,
    });
    const [schedule] = h.fake.scheduler.schedules.values();
    expect(schedule).toMatchObject({
      GroupName: h.deployment.environment[ENV.SCHEDULE_GROUP],
      ScheduleExpression: 'at(2026-11-21T10:01:31)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: h.deployment.environment[ENV.INTAKE_QUEUE_ARN],
        RoleArn: h.deployment.environment[ENV.SCHEDULER_ROLE_ARN],
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: h.deployment.environment[ENV.DEAD_LETTER_QUEUE_ARN] },
      },
    });
    expect(JSON.parse(schedule.Target.Input!)).toEqual({
      'source': 'cdk-stepfunctions-redrive',
      'detail-type': 'Scheduled Redrive',
      'detail': { executionArn: ORDER, redriveCount: 1, eventId: expect.any(String), scheduledFor: '2026-11-21T10:01:31Z', reason: 'BACKOFF' },
    });
    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(0);
    expect(h.fake.callsOf('DescribeExecution')).toHaveLength(0);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'redrive scheduled', delaySeconds: 90, clampedToRedriveWindow: false }));
  });

  test('a duplicate event finds the schedule already there: one schedule, reported once with its real time, one redrive', async () => {
    h.fake.stepFunctions.addExecution(ORDER);
    const first = await h.handler(failed());
    draw = 0.9;
    const second = await h.handler(failed());

    expect(second).toEqual({ outcome: 'SKIPPED', reason: 'ALREADY_SCHEDULED', detail: `schedule ${(first as any).scheduleName} redrives this failure when it is due` });
    expect(h.fake.scheduler.schedules.size).toBe(1);
    const scheduled = h.published().filter((event) => event.DetailType === 'Redrive Scheduled');
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0].Detail.redriveAt).toBe((first as any).redriveAt);
    expect(h.fake.callsOf('CreateSchedule')).toHaveLength(2);

    h.fake.clock.advance(2 * MINUTE);
    const fired = await h.fireDueSchedules();
    expect(fired).toEqual([expect.objectContaining({ outcome: 'REDRIVEN' })]);
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
  });

  test('when due, the schedule checks the execution, then redrives it once with the failure\'s token', async () => {
    h.fake.stepFunctions.addExecution(ORDER);
    await h.handler(failed());
    h.fake.clock.advance(30 * 1000);
    expect(await h.fireDueSchedules()).toEqual([]);

    h.fake.clock.advance(MINUTE);
    const [outcome] = await h.fireDueSchedules();

    expect(outcome).toMatchObject({ outcome: 'REDRIVEN' });
    expect(h.fake.callsOf('DescribeExecution')).toEqual([{ executionArn: ORDER }]);
    expect(h.fake.callsOf('RedriveExecution')).toEqual([{ executionArn: ORDER, clientToken: createHash('sha256').update(`${ORDER}#0`).digest('hex') }]);
    expect(h.fake.scheduler.schedules.size).toBe(0);
  });

  test('a schedule that fires after someone else redrove the execution does not redrive again', async () => {
    h.fake.stepFunctions.addExecution(ORDER);
    await h.handler(failed());
    await h.fake.stepFunctions.handle('RedriveExecution', { executionArn: ORDER });
    h.fake.stepFunctions.stopAgain(ORDER);

    h.fake.clock.advance(2 * MINUTE);
    const [outcome] = await h.fireDueSchedules();

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'REDRIVEN_SINCE_FAILURE' });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
  });

  test('a schedule that fires while the execution runs again does not redrive', async () => {
    h.fake.stepFunctions.addExecution(ORDER);
    await h.handler(failed());
    h.fake.stepFunctions.executions.get(ORDER)!.status = 'RUNNING';

    h.fake.clock.advance(2 * MINUTE);
    const [outcome] = await h.fireDueSchedules();

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING' });
    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(0);
  });

  test('a delay that would pass the 14-day window is shortened to land inside it', async () => {
    await h.stop();
    h = await startHandler({ policy: { backoff: { ...EXPONENTIAL, initialDelaySeconds: 86_400, maxDelaySeconds: 12 * 86_400, jitter: false } } });
    const stopDate = h.fake.clock.now() - 13 * DAY;
    h.fake.stepFunctions.addExecution(ORDER, { stopDate });

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate }));

    expect(outcome).toMatchObject({ outcome: 'SCHEDULED' });
    const latest = stopDate + 14 * DAY - 60 * MINUTE;
    expect(Date.parse((outcome as any).redriveAt)).toBeLessThanOrEqual(latest + 1000);
    expect(h.logs).toContainEqual(expect.objectContaining({ clampedToRedriveWindow: true }));
    h.fake.clock.set(latest + 1000);
    expect(await h.fireDueSchedules()).toEqual([expect.objectContaining({ outcome: 'REDRIVEN' })]);
  });

  test('a schedule whose execution no longer exists is dead-lettered, not retried', async () => {
    h.fake.stepFunctions.addExecution(ORDER);
    await h.handler(failed());
    h.fake.stepFunctions.executions.clear();

    h.fake.clock.advance(2 * MINUTE);
    const [outcome] = await h.fireDueSchedules();

    expect(outcome).toMatchObject({ outcome: 'FAILED', reason: 'REDRIVE_REJECTED', error: expect.stringContaining('ExecutionDoesNotExist') });
  });

  test('a CreateSchedule throttled past the SDK\'s retries fails the invocation so it is retried', async () => {
    h.fake.faults.inject('CreateSchedule', { kind: 'error', code: 'ThrottlingException' }, 10);
    await expect(h.handler(failed())).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  test('a 24-hour delay is kept by the schedule and fires a day later', async () => {
    await h.stop();
    h = await startHandler({ policy: { backoff: { kind: 'FIXED', initialDelaySeconds: 86_400, maxDelaySeconds: 86_400, multiplier: 1, jitter: false } } });
    h.fake.stepFunctions.addExecution(ORDER);
    const failedAt = h.fake.clock.now();

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: failedAt }));

    expect(Date.parse((outcome as any).redriveAt) - failedAt).toBeGreaterThanOrEqual(DAY);
    h.fake.clock.advance(DAY - MINUTE);
    expect(await h.fireDueSchedules()).toEqual([]);
    h.fake.clock.advance(2 * MINUTE);
    expect(await h.fireDueSchedules()).toEqual([expect.objectContaining({ outcome: 'REDRIVEN' })]);
  });

  test('a malformed scheduled payload is a bad event', async () => {
    const outcome = await h.handler({ 'source': 'cdk-stepfunctions-redrive', 'detail-type': 'Scheduled Redrive', 'detail': { executionArn: 'nope' } });
    expect(outcome).toMatchObject({ outcome: 'FAILED', reason: 'BAD_EVENT', error: expect.stringContaining('detail.executionArn') });
  });

  test('dry run never schedules', async () => {
    await h.stop();
    h = await startHandler({ policy: { backoff: EXPONENTIAL, dryRun: true } });
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));
    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'DRY_RUN', detail: expect.stringMatching(/redrive[\s\S]*\d+ s/) });
    expect(h.actions()).toHaveLength(0);
  });

  test('1,000 executions failing in the same second are spread across the backoff window', async () => {
    await h.stop();
    h = await startHandler({ policy: { backoff: { ...EXPONENTIAL, initialDelaySeconds: 3600 } } });
    const events = Array.from({ length: 1000 }, (_, i) => failureEvent({ executionArn: executionArn('orders', `storm-${i}`), stopDate: h.fake.clock.now() }));

    // Ten at a time, as one batch of the intake queue is handled: a thousand requests at once would
    // wait on a busy machine past the SDK's request timeout, which is not what this test is about.
    const outcomes = [];
    for (let start = 0; start < events.length; start += 10) {
      outcomes.push(...await Promise.all(events.slice(start, start + 10).map((event) => h.handler(event))));
    }

    expect(outcomes.every((o) => o.outcome === 'SCHEDULED')).toBe(true);
    const fireTimes = [...h.fake.scheduler.schedules.values()].map((s) => s.fireAt - h.fake.clock.now());
    expect(fireTimes).toHaveLength(1000);
    expect(Math.min(...fireTimes)).toBeGreaterThanOrEqual(1800 * 1000);
    expect(Math.max(...fireTimes)).toBeLessThanOrEqual(3601 * 1000);
    const perSecond = new Map<number, number>();
    for (const t of fireTimes) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    expect(perSecond.size).toBeGreaterThan(700);
    expect(Math.max(...perSecond.values())).toBeLessThan(8);
    const perTenMinutes = [0, 1, 2].map((k) => fireTimes.filter((t) => t >= (1800 + k * 600) * 1000 && t < (2400 + k * 600) * 1000).length);
    for (const count of perTenMinutes) expect(count).toBeGreaterThan(250);
  });
});
