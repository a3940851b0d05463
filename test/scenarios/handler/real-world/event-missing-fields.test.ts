import { ErrorFilter } from '../../../../src';
import { executionArn, failureEvent } from '../../../../tools/events';
import { startHandler } from '../../../support/handler-harness';

/** Fields of the event may be missing or null beyond executionArn and status. */
type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'probe-missing-1');

describe('events with missing, null or odd fields', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test('error null under ErrorFilter.allowOnly: not skipped on the event\'s silence alone (the execution is looked at)', async () => {
    h = await startHandler({ props: { errorFilter: ErrorFilter.allowOnly(['Lambda.*']) } });
    h.fake.stepFunctions.addExecution(ORDER);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, error: null, stopDate: h.fake.clock.now() }));

    expect({ outcome: outcome.outcome, described: h.fake.callsOf('DescribeExecution').length }).not.toEqual({ outcome: 'SKIPPED', described: 0 });
  });

  test('redriveCount null and stopDate in the future: looked at, redriven once', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: null, stopDate: h.fake.clock.now() + 3_600_000 }));

    expect(outcome.outcome).toBe('REDRIVEN');
    expect(h.fake.callsOf('DescribeExecution')).toHaveLength(1);
  });

  test('stopDate in the future with a count (a skewed or tampered event): looked at before any redrive', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 1 });

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 0, stopDate: h.fake.clock.now() + 3_600_000 }));

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'REDRIVEN_SINCE_FAILURE' });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(0);
  });

  test.each(['RUNNING', 'PENDING_REDRIVE', 'SUCCEEDED'])('status %s: skipped with a reason, nothing called', async (status) => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, status, stopDate: h.fake.clock.now() }));

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'STATUS_NOT_CHOSEN' });
    expect(h.actions()).toHaveLength(0);
  });

  test('ABORTED (error null) with ABORTED chosen and the default filter: redriven', async () => {
    h = await startHandler({ policy: { statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'] } });
    h.fake.stepFunctions.addExecution(ORDER, { status: 'ABORTED' });

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, status: 'ABORTED', error: null, cause: null, stopDate: h.fake.clock.now() }));

    expect(outcome.outcome).toBe('REDRIVEN');
  });

  test('stopDate far past (epoch 0): skipped as window closed, nothing called', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: 0 }));

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'REDRIVE_WINDOW_CLOSED' });
  });
});
