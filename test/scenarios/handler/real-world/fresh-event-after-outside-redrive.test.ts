import { executionArn, failureEvent } from '../../../../tools/events';
import { startHandler } from '../../../support/handler-harness';

/**
 * A person redrives the execution from the console (no client token) a few seconds after it failed;
 * the redriven run fails again at once. The event of the FIRST failure (redrive count 0) is then
 * delivered, still under a minute after its stopDate.
 */
type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'probe-outside-1');

describe('fresh event of an old failure after an outside redrive', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test('maxRedrives 1: the stale (but <60 s old) event must not take the execution past maxRedrives', async () => {
    h = await startHandler({ props: { maxRedrives: 1 } });
    const firstStop = h.fake.clock.now();
    // The person's redrive (count 0 -> 1), and the redriven run failed again 20 s later.
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 1, stopDate: firstStop + 20_000 });
    h.fake.clock.advance(30_000);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 0, stopDate: firstStop }));

    expect(h.fake.stepFunctions.executions.get(ORDER)!.redriveCount).toBeLessThanOrEqual(1);
    expect(outcome).toMatchObject({ outcome: 'SKIPPED' });
  });

  test('maxRedrives 3: the window docs/how-it-decides.md names: the newer failure is redriven once, within maxRedrives, and its own event then skips', async () => {
    h = await startHandler({ props: { maxRedrives: 3 } });
    const firstStop = h.fake.clock.now();
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 1, stopDate: firstStop + 20_000 });
    h.fake.clock.advance(30_000);

    const stale = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 0, stopDate: firstStop }));
    h.fake.clock.advance(1_000);
    const own = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 1, stopDate: firstStop + 20_000 }));

    expect(stale.outcome).toBe('REDRIVEN');
    expect(own).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING' });
    expect(h.fake.stepFunctions.executions.get(ORDER)!.redriveCount).toBe(2);
  });
});
