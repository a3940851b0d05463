import { executionArn, failureEvent } from '../../../../tools/events';
import { startHandler } from '../../../support/handler-harness';

/** A copy of the event that was just redriven, delivered again one after another. */
type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'probe-seqdup-1');

describe('a sequential duplicate reports ALREADY_REDRIVEN_OR_RUNNING', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test.each([
    ['maxRedrives 11 (events always looked at)', { maxRedrives: 11 }, (now: number) => now],
    ['an event without stopDate', {}, () => null],
    ['a copy delivered 2 minutes later (past the fresh minute)', {}, (now: number) => now - 120_000],
  ])('%s: the copy, while the redriven run is RUNNING, reports ALREADY_REDRIVEN_OR_RUNNING', async (_name, props, stop) => {
    h = await startHandler({ props });
    h.fake.stepFunctions.addExecution(ORDER);
    const event = failureEvent({ executionArn: ORDER, stopDate: stop(h.fake.clock.now()) });

    const first = await h.handler(event);
    h.fake.clock.advance(1_000);
    const second = await h.handler(event);

    expect(first.outcome).toBe('REDRIVEN');
    expect(second).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING' });
  });
});
