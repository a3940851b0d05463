import { Backoff } from '../../../src';
import { executionArn, failureEvent, REGION, ACCOUNT } from '../../../tools/events';
import { Fault } from '../../../tools/fake-aws/faults';
import { startHandler } from '../../support/handler-harness';

/**
 * What the world does to the handler: endpoints that hang or trickle, names Step Functions never
 * gives, characters SQS refuses, throttling that outlasts the SDK's retries.
 */
type Harness = Awaited<ReturnType<typeof startHandler>>;
const MINUTE = 60_000;
const ORDER = executionArn('orders', 'hostile-1');
/** Lambda's remaining time in these tests: the deadline then falls a few seconds in. */
const REMAINING_MS = 9_000;
const MUST_END_BEFORE_TIMEOUT_MS = 2_000;

describe('an AWS endpoint that hangs or trickles cannot keep an invocation past its deadline', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  const hangs: [string, string, Fault, () => unknown][] = [
    ['DescribeExecution hangs', 'DescribeExecution', { kind: 'hang' }, () => failureEvent({ executionArn: ORDER, stopDate: null })],
    ['RedriveExecution hangs', 'RedriveExecution', { kind: 'hang' }, () => failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() })],
    ['RedriveExecution trickles one byte every 2 s', 'RedriveExecution', { kind: 'trickle', intervalMs: 2_000 },
      () => failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() })],
    ['SendMessage hangs while a bad event is dead-lettered', 'SendMessage', { kind: 'hang' }, () => ({ not: 'an event' })],
  ];

  test.each(hangs)('%s: the invocation fails with a deadline error at least 2 s before Lambda\'s timeout', async (_name, operation, fault, event) => {
    h = await startHandler({ remainingTimeMs: REMAINING_MS, maxAttempts: 4, requestTimeoutMs: 5_000 });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject(operation, fault, 100);
    const startedAt = Date.now();

    const error = await h.handler(event()).then(() => undefined, (thrown: Error) => thrown);

    const remainingAtEnd = REMAINING_MS - (Date.now() - startedAt);
    expect(error).toMatchObject({ name: 'DeadlineExceeded' });
    expect(remainingAtEnd).toBeGreaterThanOrEqual(MUST_END_BEFORE_TIMEOUT_MS);
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'ERROR', outcome: 'FAILED', failure: 'DeadlineExceeded' }));
    expect(h.published()).toContainEqual(expect.objectContaining({ DetailType: 'Redrive Failed' }));
  }, 20_000);

  test('a hung PutEvents does not hold the invocation: the redrive stands and the invocation ends before the timeout', async () => {
    h = await startHandler({ remainingTimeMs: REMAINING_MS });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('PutEvents', { kind: 'hang' }, 100);
    const startedAt = Date.now();

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(outcome.outcome).toBe('REDRIVEN');
    expect(REMAINING_MS - (Date.now() - startedAt)).toBeGreaterThanOrEqual(MUST_END_BEFORE_TIMEOUT_MS);
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'outcome event not published; the decision stands' }));
  }, 20_000);
});

describe('execution ARNs are held to Step Functions\' naming rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHandler();
  });
  afterEach(async () => h.stop());

  const arn = (stateMachinePart: string, name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:execution:${stateMachinePart}:${name}`;
  test.each([
    ['a control character', arn('orders', 'run\u0001')],
    ['a C1 control character', arn('orders', 'run\u0085')],
    ['a zero-width space', arn('orders', 'run\u200b')],
    ['a non-character', arn('orders', 'run\ufdd0')],
    ['a "*"', arn('orders', 'run*')],
    ['"/" outside a Map Run label', arn('orders/label/more', 'run')],
    ['"<"', arn('orders', '<run>')],
    ['"{"', arn('orders', '{run}')],
    ['"["', arn('orders', '[run]')],
    ['white space', arn('orders', 'run 1')],
    ['an 81-character name', arn('orders', 'r'.repeat(81))],
    ['an empty name', arn('orders', '')],
  ])('%s is a bad event: dead-lettered, never sent to Step Functions', async (_name, executionArnValue) => {
    const outcome = await h.handler(failureEvent({ executionArn: executionArnValue }));

    expect(outcome).toMatchObject({ outcome: 'FAILED', reason: 'BAD_EVENT' });
    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(0);
    expect(h.fake.callsOf('DescribeExecution')).toHaveLength(0);
    expect(h.deadLetters()).toHaveLength(1);
  });

  test('a Map Run child keeps its /label form and is skipped as a Map Run child', async () => {
    const outcome = await h.handler(failureEvent({ executionArn: arn('orders/ProcessItems', '0f1e2d3c') }));

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'MAP_RUN_CHILD' });
    expect(h.actions()).toHaveLength(0);
  });
});

describe('what is written to the dead-letter queue is accepted by SQS, whatever the event held', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHandler();
  });
  afterEach(async () => h.stop());

  test.each([
    ['U+FFFF in a cause', '\uffff'],
    ['U+FFFE in a cause', '\ufffe'],
    ['an unpaired surrogate in a cause', '\ud800'],
  ])('%s: the bad event is kept, with its execution and the reason', async (_name, character) => {
    const event = failureEvent({ executionArn: ORDER, status: 'EXPLODED', cause: `broken ${character} cause` });

    const outcome = await h.handler(event);

    expect(outcome).toMatchObject({ outcome: 'FAILED', reason: 'BAD_EVENT' });
    const [message] = h.deadLetters();
    expect(message).toMatchObject({ reason: 'BAD_EVENT', executionArn: ORDER, error: expect.stringContaining('detail.status') });
    expect(message.event.detail.cause).toBe(`broken ${character} cause`);
  });

  test('an event too large for SQS is cut short, and the message says so and still names the execution', async () => {
    const event = failureEvent({ executionArn: ORDER, status: 'EXPLODED', cause: 'x'.repeat(300 * 1024) });

    const outcome = await h.handler(event);

    expect(outcome.outcome).toBe('FAILED');
    const [message] = h.deadLetters();
    expect(message).toMatchObject({ reason: 'BAD_EVENT', executionArn: ORDER, eventTruncated: true, error: expect.stringContaining('detail.status') });
    expect(typeof message.event).toBe('string');
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(256 * 1024);
  });
});

describe('throttling never sends a failure to the dead-letter queue: the redrive is put off', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test.each([
    ['DescribeExecution', () => failureEvent({ executionArn: ORDER, stopDate: null })],
    ['RedriveExecution', () => failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() })],
  ])('%s throttled past the SDK\'s retries: a schedule a little later, counted; it redrives when due', async (operation, event) => {
    h = await startHandler({ maxAttempts: 2, retryMode: 'standard', random: () => 0.5 });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject(operation, { kind: 'error', code: 'ThrottlingException' }, 2);

    const outcome = await h.handler(event());

    expect(outcome).toMatchObject({ outcome: 'SCHEDULED', scheduleReason: 'THROTTLED', delaySeconds: 23 });
    const [schedule] = h.fake.scheduler.schedules.values();
    expect(JSON.parse(schedule.Target.Input!).detail).toMatchObject({ executionArn: ORDER, reason: 'THROTTLED', putOffs: 1 });
    expect(h.emf).toContainEqual(expect.objectContaining({ PutOff: 1 }));
    expect(h.deadLetters()).toEqual([]);

    h.fake.clock.advance(MINUTE);
    const [fired] = await h.fireDueSchedules();

    expect(fired.outcome).toBe('REDRIVEN');
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
  });

  test('a put-off that is throttled again is put off again, later', async () => {
    h = await startHandler({ maxAttempts: 1, retryMode: 'standard', random: () => 1 - Number.EPSILON });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('DescribeExecution', { kind: 'error', code: 'ThrottlingException' }, 3);

    const delays = [(await h.handler(failureEvent({ executionArn: ORDER, stopDate: null }))) as any];
    for (let round = 0; round < 2; round++) {
      h.fake.clock.advance(60 * MINUTE);
      delays.push(...(await h.fireDueSchedules()));
    }
    h.fake.clock.advance(60 * MINUTE);
    const [last] = await h.fireDueSchedules();

    expect(delays.map((o) => [o.scheduleReason, o.delaySeconds])).toEqual([['THROTTLED', 30], ['THROTTLED', 60], ['THROTTLED', 120]]);
    expect(last.outcome).toBe('REDRIVEN');
  });

  test('under Backoff.none() a throttled late event is put off with the construct\'s schedule group too', async () => {
    h = await startHandler({ props: { backoff: Backoff.none() }, maxAttempts: 1, retryMode: 'standard' });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('DescribeExecution', { kind: 'error', code: 'ThrottlingException' }, 1);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: null }));

    expect(outcome).toMatchObject({ outcome: 'SCHEDULED', scheduleReason: 'THROTTLED' });
  });
});
