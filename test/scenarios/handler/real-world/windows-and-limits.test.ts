import { Duration } from 'aws-cdk-lib';
import { Backoff } from '../../../../src';
import { executionArn, failureEvent } from '../../../../tools/events';
import { startHandler } from '../../../support/handler-harness';

type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'probe-window-1');
const DAY = 24 * 3_600_000;

describe('14-day window edges and maxRedrives limits', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test('stopped 14 days less 30 min ago, backoff 10 min: redriven now (clamped), not lost', async () => {
    h = await startHandler({ props: { backoff: Backoff.fixed(Duration.minutes(10)) } });
    const stop = h.fake.clock.now() - 14 * DAY + 30 * 60_000;
    h.fake.stepFunctions.addExecution(ORDER, { stopDate: stop });
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: stop }));
    expect(outcome.outcome).toBe('REDRIVEN');
  });

  test('stopped 14 days less 2 h ago, exponential up to 6 h: scheduled before the window closes, then redriven', async () => {
    const sixHours = Backoff.exponential({ initialDelay: Duration.hours(6), maxDelay: Duration.hours(6), jitter: false });
    h = await startHandler({ props: { backoff: sixHours } });
    const stop = h.fake.clock.now() - 14 * DAY + 2 * 3_600_000;
    h.fake.stepFunctions.addExecution(ORDER, { stopDate: stop });
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: stop }));
    expect(outcome).toMatchObject({ outcome: 'SCHEDULED', clampedToRedriveWindow: true });
    h.fake.clock.advance(2 * 3_600_000 - 60_000);
    const [fired] = await h.fireDueSchedules();
    expect(fired.outcome).toBe('REDRIVEN');
  });

  test('event without stopDate for an execution stopped 14 days less 1 min ago, backoff 10 min: not lost past the window', async () => {
    h = await startHandler({ props: { backoff: Backoff.fixed(Duration.minutes(10)) } });
    const stop = h.fake.clock.now() - 14 * DAY + 60_000;
    h.fake.stepFunctions.addExecution(ORDER, { stopDate: stop });
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: null }));
    h.fake.clock.advance(11 * 60_000);
    const fired = await h.fireDueSchedules();
    expect({ first: outcome.outcome, fired: fired.map((o) => o.outcome), redrives: h.fake.stepFunctions.redrivesOf(ORDER) })
      .toEqual(expect.objectContaining({ redrives: 1 }));
  });

  test('maxRedrives 1: one redrive, then the next failure is EXHAUSTED', async () => {
    h = await startHandler({ props: { maxRedrives: 1 } });
    h.fake.stepFunctions.addExecution(ORDER);
    expect((await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 0, stopDate: h.fake.clock.now() }))).outcome).toBe('REDRIVEN');
    h.fake.clock.advance(5_000);
    h.fake.stepFunctions.stopAgain(ORDER);
    const second = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 1, stopDate: h.fake.clock.now() }));
    expect(second).toMatchObject({ outcome: 'SKIPPED', reason: 'EXHAUSTED' });
  });

  test('maxRedrives 1000, execution at 999: one more redrive, then EXHAUSTED', async () => {
    h = await startHandler({ props: { maxRedrives: 1000 } });
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 999 });
    expect((await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 999, stopDate: h.fake.clock.now() }))).outcome).toBe('REDRIVEN');
    h.fake.clock.advance(5_000);
    h.fake.stepFunctions.stopAgain(ORDER);
    const second = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: null, stopDate: h.fake.clock.now() }));
    expect(second).toMatchObject({ outcome: 'SKIPPED', reason: 'EXHAUSTED' });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
  });

  test('dry run, fresh event: nothing redriven or scheduled', async () => {
    h = await startHandler({ policy: { dryRun: true }, props: { backoff: Backoff.fixed(Duration.minutes(5)) } });
    h.fake.stepFunctions.addExecution(ORDER);
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));
    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'DRY_RUN' });
    expect(h.actions()).toHaveLength(0);
  });
});
