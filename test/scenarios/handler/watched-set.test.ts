import { Duration } from 'aws-cdk-lib';
import { Backoff } from '../../../src';
import { executionArn, failureEvent } from '../../../tools/events';
import { startHandler } from '../../support/handler-harness';

/**
 * A deploy changes the watched state machines while the handler's containers stay warm (its
 * environment does not change). The rule that delivers an event, and the role, decide; the handler
 * keeps no list of its own.
 */
type Harness = Awaited<ReturnType<typeof startHandler>>;
const MINUTE = 60_000;
const ORDER = executionArn('orders', 'watched-1');
const PAYMENT = executionArn('payments', 'watched-1');

describe('deploys that change the watched state machines', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test('a state machine added since the container started is redriven at once, by the same warm handler', async () => {
    h = await startHandler({ stateMachines: ['orders'] });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.stepFunctions.addExecution(PAYMENT);
    expect((await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }))).outcome).toBe('REDRIVEN');

    h.redeploy(['orders', 'payments']);
    const outcome = await h.handler(failureEvent({ executionArn: PAYMENT, stopDate: h.fake.clock.now() }));

    expect(outcome.outcome).toBe('REDRIVEN');
    expect(h.fake.stepFunctions.redrivesOf(PAYMENT)).toBe(1);
  });

  test('an event that arrives before the deploy has granted the new state machine fails, and Lambda\'s retry after it redrives', async () => {
    h = await startHandler({ stateMachines: ['orders'], expectAccessDenied: true });
    h.fake.stepFunctions.addExecution(PAYMENT);
    const event = failureEvent({ executionArn: PAYMENT, stopDate: h.fake.clock.now() });

    await expect(h.handler(event)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    h.redeploy(['orders', 'payments']);
    h.fake.clock.advance(MINUTE);
    const retried = await h.handler(event);

    expect(retried.outcome).toBe('REDRIVEN');
    expect(h.fake.stepFunctions.redrivesOf(PAYMENT)).toBe(1);
    expect(h.deadLetters()).toEqual([]);
  });

  test('a delayed redrive of a state machine no longer watched ends as a clean skip with its own reason', async () => {
    h = await startHandler({ props: { backoff: Backoff.fixed(Duration.minutes(5)) }, expectAccessDenied: true });
    h.fake.stepFunctions.addExecution(PAYMENT);
    expect((await h.handler(failureEvent({ executionArn: PAYMENT, stopDate: h.fake.clock.now() }))).outcome).toBe('SCHEDULED');

    h.redeploy(['orders']);
    h.fake.clock.advance(10 * MINUTE);
    const [fired] = await h.fireDueSchedules();

    expect(fired).toMatchObject({ outcome: 'SKIPPED', reason: 'NO_LONGER_WATCHED' });
    expect(h.fake.stepFunctions.redrivesOf(PAYMENT)).toBe(0);
    expect(h.logs).not.toContainEqual(expect.objectContaining({ outcome: 'FAILED' }));
  });

  test('a delayed redrive of a state machine still watched after a deploy that added another is redriven', async () => {
    h = await startHandler({ props: { backoff: Backoff.fixed(Duration.minutes(5)) }, stateMachines: ['orders'] });
    h.fake.stepFunctions.addExecution(ORDER);
    await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    h.redeploy(['orders', 'payments']);
    h.fake.clock.advance(10 * MINUTE);
    const [fired] = await h.fireDueSchedules();

    expect(fired.outcome).toBe('REDRIVEN');
  });
});
