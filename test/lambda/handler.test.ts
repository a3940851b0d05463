import { createHash } from 'crypto';
import { executionArn, failureEvent } from '../../tools/events';
import { startHandler } from '../support/handler-harness';
import { naming } from '../support/messages';

type Harness = Awaited<ReturnType<typeof startHandler>>;
const DAY = 24 * 60 * 60 * 1000;
const ORDER = executionArn('orders', 'run-1');

describe('handler against a local Step Functions endpoint', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHandler();
  });
  afterEach(async () => h.stop());

  test('redrives a failed execution once, with a token derived from the ARN and redrive count', async () => {
    h.fake.stepFunctions.addExecution(ORDER);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(outcome).toEqual({ outcome: 'REDRIVEN', redriveDate: new Date(h.fake.clock.now()).toISOString() });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    const [call] = h.fake.callsOf('RedriveExecution');
    expect(call).toEqual({
      executionArn: ORDER,
      clientToken: createHash('sha256').update(`${ORDER}#0`).digest('hex'),
    });
    expect(h.logs).toContainEqual(expect.objectContaining({
      message: 'execution redriven', outcome: 'REDRIVEN', executionArn: ORDER, redriveCount: 0, redrive: true,
    }));
  });

  test('a duplicated event does not redrive twice, and is reported as already redriven', async () => {
    h.fake.stepFunctions.addExecution(ORDER);
    const event = failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() });

    const first = await h.handler(event);
    h.fake.clock.advance(5_000);
    const second = await h.handler(event);

    expect(first.outcome).toBe('REDRIVEN');
    expect(second).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING' });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(2);
  });

  test('the next failure of a redriven execution is redriven again, up to maxRedrives', async () => {
    h.fake.stepFunctions.addExecution(ORDER);
    for (let redriveCount = 0; redriveCount < 3; redriveCount++) {
      const outcome = await h.handler(failureEvent({ executionArn: ORDER, redriveCount, stopDate: h.fake.clock.now() }));
      expect(outcome.outcome).toBe('REDRIVEN');
      h.fake.clock.advance(60_000);
      h.fake.stepFunctions.stopAgain(ORDER);
    }
    const exhausted = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 3, stopDate: h.fake.clock.now() }));

    expect(exhausted).toMatchObject({ outcome: 'SKIPPED', reason: 'EXHAUSTED' });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(3);
  });

  test.each([
    ['a Distributed Map child execution', { executionArn: executionArn('orders/map-label', 'child-1') }, 'MAP_RUN_CHILD'],
    ['a status not chosen', { status: 'ABORTED' }, 'STATUS_NOT_CHOSEN'],
    ['an execution that is not redrivable', { redriveStatus: 'NOT_REDRIVABLE' }, 'NOT_REDRIVABLE'],
    ['an exhausted execution', { redriveCount: 3 }, 'EXHAUSTED'],
    ['an error the filter denies', { error: 'States.Runtime' }, 'ERROR_NOT_ALLOWED'],
    ['an execution stopped 15 days ago', { stopDate: -15 * DAY }, 'REDRIVE_WINDOW_CLOSED'],
  ])('skips %s, says why and calls nothing', async (_name, options: any, reason) => {
    const stopDate = h.fake.clock.now() + (options.stopDate ?? 0);
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, ...options, stopDate }));

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason });
    expect(h.actions()).toHaveLength(0);
    expect(h.logs).toEqual([expect.objectContaining({ message: 'redrive skipped', reason, detail: expect.any(String) })]);
  });

  test('trusts the rule that delivered the event: the role, not a list in the handler, limits what is redriven', async () => {
    await h.stop();
    h = await startHandler({ stateMachines: ['orders'], expectAccessDenied: true });
    const unwatched = executionArn('unwatched', 'run-1');
    h.fake.stepFunctions.addExecution(unwatched);

    await expect(h.handler(failureEvent({ executionArn: unwatched, stopDate: h.fake.clock.now() }))).rejects.toMatchObject({ name: 'AccessDeniedException' });

    expect(h.fake.stepFunctions.redrivesOf(unwatched)).toBe(0);
    expect(h.fake.iam.decisions.filter((d) => !d.allowed)).toEqual([expect.objectContaining({ action: 'states:RedriveExecution', resource: unwatched })]);
  });

  test('ExecutionNotRedrivable (redriven or running already) is a skip, not a failure', async () => {
    h.fake.stepFunctions.addExecution(ORDER, { status: 'RUNNING' });

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING' });
    expect(h.deadLetters()).toHaveLength(0);
  });

  test.each([
    ['ExecutionDoesNotExist', executionArn('orders', 'never-started')],
    ['InvalidArn', undefined],
    ['ValidationException', undefined],
  ])('%s is recorded in the dead-letter queue once, without a retry loop', async (code, arn) => {
    if (arn === undefined) h.fake.faults.inject('RedriveExecution', { kind: 'error', code, message: `${code} from the fake` });
    else h.fake.stepFunctions.executions.clear();
    const event = failureEvent({ executionArn: arn ?? ORDER, stopDate: h.fake.clock.now() });

    const outcome = await h.handler(event);

    expect(outcome).toMatchObject({ outcome: 'FAILED', reason: 'REDRIVE_REJECTED', error: expect.stringContaining(code) });
    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(1);
    expect(h.deadLetters()).toEqual([{
      source: 'cdk-stepfunctions-redrive', reason: 'REDRIVE_REJECTED', error: expect.stringContaining(code), executionArn: arn ?? ORDER, event,
    }]);
  });

  test.each([
    ['ThrottlingException'],
    ['ExecutionLimitExceeded'],
  ])('%s past the SDK\'s retries puts the redrive off with a schedule', async (code) => {
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code }, 10);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(outcome).toMatchObject({ outcome: 'SCHEDULED', scheduleReason: 'THROTTLED' });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(0);
    expect(h.deadLetters()).toHaveLength(0);
  });

  test.each([
    ['AccessDeniedException', 400],
    ['InternalServerError', 500],
    ['ServiceUnavailable', 503],
  ])('%s fails the invocation so Lambda retries it and then keeps it', async (code, status) => {
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code, status }, 10);

    await expect(h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }))).rejects.toMatchObject({ name: code });

    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(0);
    expect(h.deadLetters()).toHaveLength(0);
  });

  test('a redrive that fails after the look still reports what the look saw', async () => {
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code: 'InternalServerError', status: 500 }, 10);

    await expect(h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() - 10 * 60_000 }))).rejects.toMatchObject({ name: 'InternalServerError' });

    expect(h.fake.calls.map((call) => call.operation)).toContain('DescribeExecution');
    expect(h.logs).toContainEqual(expect.objectContaining({
      outcome: 'FAILED', failure: 'InternalServerError', checked: 'DescribeExecution', status: 'FAILED', executionArn: ORDER,
    }));
  });

  test('a dropped connection fails the invocation once the SDK has retried', async () => {
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', { kind: 'reset' }, 10);

    await expect(h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }))).rejects.toThrow();

    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(3);
  });

  test('a throttled call that succeeds on the SDK retry redrives once', async () => {
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code: 'ThrottlingException' }, 1);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(outcome.outcome).toBe('REDRIVEN');
    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(2);
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
  });

  test.each([
    ['a string', 'not an event'],
    ['an array', [failureEvent()]],
    ['null', null],
    ['an event from another source', { ...failureEvent(), source: 'aws.ec2' }],
    ['an event without detail', { ...failureEvent(), detail: undefined }],
    ['an event with a bad execution ARN', failureEvent({ executionArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders' })],
    ['an event with a negative redrive count', failureEvent({ redriveCount: -1 })],
    ['an event with an unknown status', failureEvent({ status: 'EXPLODED' })],
  ])('%s is a bad event: dead-lettered with the reason, never redriven', async (_name, event) => {
    const outcome = await h.handler(event);

    expect(outcome).toMatchObject({ outcome: 'FAILED', reason: 'BAD_EVENT', error: expect.any(String) });
    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(0);
    expect(h.deadLetters()).toEqual([expect.objectContaining({ reason: 'BAD_EVENT', event })]);
  });

  test('the bad-event error names the event id and every problem', async () => {
    const event = { ...failureEvent({ id: 'evt-42', status: 'EXPLODED', redriveCount: 1.5 }), source: 'custom' };

    const outcome = await h.handler(event);

    expect(outcome).toMatchObject({ outcome: 'FAILED' });
    const error = (outcome as { error: string }).error;
    // The event's id, and each field with a problem and its value.
    expect(error).toMatch(naming('evt-42', 'source', '"custom"', 'detail.status', '"EXPLODED"', 'detail.redriveCount', '1.5'));
  });

  test('when the dead-letter queue cannot be written, the invocation fails so Lambda keeps the event', async () => {
    h.fake.faults.inject('SendMessage', { kind: 'error', code: 'AccessDenied', message: 'no', status: 403 }, 10);

    await expect(h.handler('garbage')).rejects.toThrow();
  });

  test('dry run logs what it would do and calls nothing', async () => {
    await h.stop();
    h = await startHandler({ policy: { dryRun: true } });
    h.fake.stepFunctions.addExecution(ORDER);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'DRY_RUN', detail: expect.stringContaining('would redrive') });
    expect(h.actions()).toHaveLength(0);
  });

  test('logs never carry the execution input, output or a long cause', async () => {
    h.fake.stepFunctions.addExecution(ORDER);
    const cause = 'x'.repeat(32 * 1024);

    await h.handler(failureEvent({ executionArn: ORDER, cause, stopDate: h.fake.clock.now() }));

    const logged = JSON.stringify(h.logs);
    expect(logged).not.toContain('4111-secret');
    expect(logged.length).toBeLessThan(2_000);
  });
});
