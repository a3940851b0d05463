import { Duration } from 'aws-cdk-lib';
import { redriveClientToken } from '../../../core/idempotency';
import { REPLAY_MARGIN_MS } from '../../../core/redrive-path';
import { Backoff } from '../../../src';
import { executionArn, failureEvent } from '../../../tools/events';
import { startHandler } from '../../support/handler-harness';
import { aMessageNaming } from '../../support/messages';

/**
 * The promises "never past maxRedrives", "nothing silently dropped" and "nothing lost", tried the
 * way events really arrive: late, duplicated, concurrent, after someone else redrove the execution,
 * without the fields they usually carry.
 */
type Harness = Awaited<ReturnType<typeof startHandler>>;
const MINUTE = 60_000;
const ORDER = executionArn('orders', 'core-1');
const BACKOFFS: [string, Backoff][] = [
  ['Backoff.none()', Backoff.none()],
  ['Backoff.fixed(10 min)', Backoff.fixed(Duration.minutes(10))],
  ['the default exponential backoff', Backoff.exponential({ initialDelay: Duration.minutes(1), maxDelay: Duration.hours(1) })],
];

/** Delivers every due schedule, again and again, until none is left. */
async function fireAll(h: Harness): Promise<void> {
  for (let round = 0; round < 10 && h.fake.scheduler.schedules.size > 0; round++) {
    h.fake.clock.advance(2 * 60 * MINUTE);
    await h.fireDueSchedules();
  }
}

describe('a late event (older than a minute, or without stopDate) is checked against the execution first', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test.each(BACKOFFS)('with %s, the role grants the check and the failure is redriven once', async (_name, backoff) => {
    h = await startHandler({ props: { backoff } });
    h.fake.stepFunctions.addExecution(ORDER, { stopDate: h.fake.clock.now() - 30 * MINUTE });

    await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() - 30 * MINUTE }));
    await h.handler(failureEvent({ executionArn: ORDER, stopDate: null }));
    await fireAll(h);

    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.fake.callsOf('DescribeExecution').length).toBeGreaterThan(0);
    expect(h.deadLetters()).toEqual([]);
  });

  test.each(BACKOFFS)('with %s, a stale event after someone else redrove the execution, and it failed again, redrives nothing', async (_name, backoff) => {
    h = await startHandler({ props: { backoff, maxRedrives: 3 } });
    const stopped = h.fake.clock.now();
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 1, stopDate: stopped });
    h.fake.clock.advance(2 * MINUTE);

    // The event of the first failure (redrive count 0) arrives late: a person has redriven it since.
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 0, stopDate: stopped - 5 * MINUTE }));
    await fireAll(h);

    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(0);
    if (outcome.outcome === 'SKIPPED') expect(outcome.reason).toBe('REDRIVEN_SINCE_FAILURE');
    expect([...h.logs].reverse().find((line) => line.outcome)).toMatchObject({ outcome: 'SKIPPED', reason: 'REDRIVEN_SINCE_FAILURE' });
  });

  test('a duplicate of an early event after more than 10 redrives (past the tokens Step Functions remembers) redrives nothing', async () => {
    h = await startHandler({ props: { maxRedrives: 20 } });
    h.fake.stepFunctions.addExecution(ORDER);
    const first = failureEvent({ executionArn: ORDER, redriveCount: 0, stopDate: h.fake.clock.now() });
    for (let count = 0; count <= 10; count++) {
      const outcome = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: count, stopDate: h.fake.clock.now() }));
      expect(outcome.outcome).toBe('REDRIVEN');
      h.fake.clock.advance(MINUTE);
      h.fake.stepFunctions.stopAgain(ORDER);
    }
    expect(h.fake.stepFunctions.executions.get(ORDER)!.redriveCount).toBe(11);

    const duplicate = await h.handler(first);

    expect(duplicate).toMatchObject({ outcome: 'SKIPPED', reason: 'REDRIVEN_SINCE_FAILURE' });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(11);
  });

  test('with maxRedrives above 10, even a fresh event is checked first', async () => {
    h = await startHandler({ props: { maxRedrives: 11 } });
    h.fake.stepFunctions.addExecution(ORDER);

    await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(h.fake.callsOf('DescribeExecution')).toHaveLength(1);
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
  });

  test('a fresh event within maxRedrives 10 is redriven on its word alone', async () => {
    h = await startHandler({ props: { maxRedrives: 10 } });
    h.fake.stepFunctions.addExecution(ORDER);

    await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() - 59_000 }));

    expect(h.fake.callsOf('DescribeExecution')).toHaveLength(0);
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
  });
});

describe('an event without redriveCount', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test('is not taken as count 0: an exhausted execution is skipped as exhausted', async () => {
    h = await startHandler({ props: { maxRedrives: 3 } });
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 3 });

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: null, stopDate: h.fake.clock.now() }));

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'EXHAUSTED' });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(0);
  });

  test('is redriven with the token of the execution\'s real count', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 2 });

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: null, stopDate: h.fake.clock.now() }));

    expect(outcome.outcome).toBe('REDRIVEN');
    expect(h.fake.callsOf('RedriveExecution')).toEqual([{ executionArn: ORDER, clientToken: redriveClientToken(ORDER, 2) }]);
  });

  test('with a backoff, is scheduled under the real count', async () => {
    h = await startHandler({ props: { backoff: Backoff.fixed(Duration.minutes(5)) } });
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 1 });

    await h.handler(failureEvent({ executionArn: ORDER, redriveCount: null, stopDate: h.fake.clock.now() }));
    const [schedule] = h.fake.scheduler.schedules.values();

    expect(JSON.parse(schedule.Target.Input!).detail).toMatchObject({ redriveCount: 1, reason: 'BACKOFF' });
  });
});

describe('copies of one event', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test('three concurrent copies under the default backoff: one schedule, one "Redrive Scheduled", one redrive, one "Execution Redriven"', async () => {
    h = await startHandler({ props: { backoff: Backoff.exponential({ initialDelay: Duration.minutes(1), maxDelay: Duration.hours(1) }) } });
    h.fake.stepFunctions.addExecution(ORDER);
    const event = failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() });

    const outcomes = await Promise.all([h.handler(event), h.handler(event), h.handler(event)]);
    await fireAll(h);

    expect(outcomes.filter((o) => o.outcome === 'SCHEDULED')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'SKIPPED' && o.reason === 'ALREADY_SCHEDULED')).toHaveLength(2);
    expect(h.published().filter((e) => e.DetailType === 'Redrive Scheduled')).toHaveLength(1);
    expect(h.emf.filter((record) => record.Scheduled)).toHaveLength(1);
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.published().filter((e) => e.DetailType === 'Execution Redriven')).toHaveLength(1);
    expect(h.emf.filter((record) => record.Redriven)).toHaveLength(1);
  });

  test('copies one after another under Backoff.none(): one redrive, one "Execution Redriven", the rest already redriven', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    const event = failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() });

    const outcomes = [];
    for (let copy = 0; copy < 3; copy++) {
      outcomes.push(await h.handler(event));
      h.fake.clock.advance(REPLAY_MARGIN_MS);
    }

    expect(outcomes.map((o) => o.outcome)).toEqual(['REDRIVEN', 'SKIPPED', 'SKIPPED']);
    expect(outcomes.slice(1)).toEqual([
      expect.objectContaining({ reason: 'ALREADY_REDRIVEN_OR_RUNNING', detail: aMessageNaming('token') }),
      expect.objectContaining({ reason: 'ALREADY_REDRIVEN_OR_RUNNING' }),
    ]);
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.published().filter((e) => e.DetailType === 'Execution Redriven')).toHaveLength(1);
  });

  test('three concurrent copies under Backoff.none(): one redrive', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    const event = failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() });

    await Promise.all([h.handler(event), h.handler(event), h.handler(event)]);

    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(new Set(h.fake.callsOf('RedriveExecution').map((call) => call.clientToken)).size).toBe(1);
  });
});
