import { BackoffSpec, HandlerPolicy } from '../../../src/shared/contract';
import { executionArn, failureEvent } from '../../../tools/events';
import { Fault } from '../../../tools/fake-aws/faults';
import { startHandler } from '../../support/handler-harness';

type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'fault-1');
const EXPONENTIAL: BackoffSpec = { kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 3600, multiplier: 2, jitter: false };
const NONE: BackoffSpec = { kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false };

/** The faults any AWS call can meet. A "timeout" holds the response past the client's request timeout. */
const ANY_CALL: [string, Fault][] = [
  ['throttling', { kind: 'error', code: 'ThrottlingException' }],
  ['a 500', { kind: 'error', code: 'InternalServerError', status: 500 }],
  ['a 503', { kind: 'error', code: 'ServiceUnavailable', status: 503 }],
  ['a network reset', { kind: 'reset' }],
  ['a timeout', { kind: 'delay', ms: 1_500 }],
  ['access denied', { kind: 'error', code: 'AccessDeniedException' }],
];

/** How the handler must classify a fault: the invocation fails (Lambda retries, then the DLQ), or an outcome. */
type Expected = 'FAILS' | { outcome: string; reason?: string };

interface Call {
  /** The call the fault is injected into, and the path it is on. */
  readonly operation: string;
  readonly path: string;
  readonly policy: Partial<HandlerPolicy>;
  /** Brings the handler to the call and returns the event that makes it. */
  readonly arrange: (h: Harness) => Promise<unknown>;
  /** How a fault of ANY_CALL is classified on this call, where it is not 'FAILS'. */
  readonly anyCall?: Record<string, Expected>;
  readonly serviceErrors: [string, Expected][];
}

const failure = (h: Harness, stopDate: number | null = h.fake.clock.now()) => failureEvent({ executionArn: ORDER, stopDate });
const PUT_OFF: Expected = { outcome: 'SCHEDULED' };
const NO_LONGER_WATCHED: Expected = { outcome: 'SKIPPED', reason: 'NO_LONGER_WATCHED' };
const REJECTED: Expected = { outcome: 'FAILED', reason: 'REDRIVE_REJECTED' };

/** A schedule due now: the handler is past the event and takes the schedule's path. */
async function dueSchedule(h: Harness): Promise<unknown> {
  h.fake.stepFunctions.addExecution(ORDER);
  await h.handler(failure(h));
  h.fake.clock.advance(5 * 60_000);
  const [due] = h.fake.scheduler.takeDue();
  return JSON.parse(due.Target.Input!);
}

const CALLS: Call[] = [
  {
    operation: 'DescribeExecution',
    path: 'a late event',
    policy: { backoff: NONE },
    arrange: async (h) => {
      h.fake.stepFunctions.addExecution(ORDER);
      return failure(h, null);
    },
    anyCall: { throttling: PUT_OFF },
    serviceErrors: [['ExecutionDoesNotExist', REJECTED], ['InvalidArn', REJECTED], ['ExecutionLimitExceeded', PUT_OFF]],
  },
  {
    operation: 'RedriveExecution',
    path: 'a fresh event',
    policy: { backoff: NONE },
    arrange: async (h) => {
      h.fake.stepFunctions.addExecution(ORDER);
      return failure(h);
    },
    anyCall: { throttling: PUT_OFF },
    serviceErrors: [
      ['ExecutionLimitExceeded', PUT_OFF],
      ['ExecutionNotRedrivable', { outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING' }],
      ['ExecutionDoesNotExist', REJECTED],
      ['InvalidArn', REJECTED],
      ['ValidationException', REJECTED],
    ],
  },
  {
    operation: 'CreateSchedule',
    path: 'a fresh event',
    policy: { backoff: EXPONENTIAL },
    arrange: async (h) => failure(h),
    serviceErrors: [
      ['ConflictException', { outcome: 'SKIPPED', reason: 'ALREADY_SCHEDULED' }],
      ['ServiceQuotaExceededException', 'FAILS'],
      ['ResourceNotFoundException', 'FAILS'],
      ['ValidationException', 'FAILS'],
    ],
  },
  {
    operation: 'DescribeExecution',
    path: 'a due schedule',
    policy: { backoff: EXPONENTIAL },
    arrange: dueSchedule,
    anyCall: { 'throttling': PUT_OFF, 'access denied': NO_LONGER_WATCHED },
    serviceErrors: [['ExecutionDoesNotExist', REJECTED], ['InvalidArn', REJECTED]],
  },
  {
    operation: 'RedriveExecution',
    path: 'a due schedule',
    policy: { backoff: EXPONENTIAL },
    arrange: dueSchedule,
    anyCall: { 'throttling': PUT_OFF, 'access denied': NO_LONGER_WATCHED },
    serviceErrors: [['ExecutionNotRedrivable', { outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING' }], ['ExecutionDoesNotExist', REJECTED]],
  },
  {
    operation: 'SendMessage',
    path: 'a bad event',
    policy: { backoff: NONE },
    arrange: async () => ({ id: 'bad-1', source: 'aws.states', detail: [] }),
    serviceErrors: [['QueueDoesNotExist', 'FAILS'], ['KmsAccessDenied', 'FAILS'], ['InvalidMessageContents', 'FAILS']],
  },
];

const cases = CALLS.flatMap((call) => [
  ...ANY_CALL.map(([name, fault]): [string, string, string, Call, Fault, Expected] =>
    [call.operation, call.path, name, call, fault, call.anyCall?.[name] ?? 'FAILS']),
  ...call.serviceErrors.map(([code, expected]): [string, string, string, Call, Fault, Expected] =>
    [call.operation, call.path, code, call, { kind: 'error', code }, expected]),
]);

describe('fault matrix: every call, every fault, one classification, always recorded', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test.each(cases)('%s on %s meeting %s', async (operation, _path, _name, call, fault, expected) => {
    h = await startHandler({ policy: call.policy, maxAttempts: 1, requestTimeoutMs: 300, retryMode: 'standard' });
    const event = await call.arrange(h);
    const reportedBefore = h.published().length;
    h.fake.faults.inject(operation, fault, 10);

    const result = await h.handler(event).then((outcome) => ({ outcome }), (error: Error) => ({ error }));

    const published = h.published().slice(reportedBefore);
    if (expected === 'FAILS') {
      expect(result).toMatchObject({ error: expect.any(Error) });
      expect(h.logs).toContainEqual(expect.objectContaining({ level: 'ERROR', outcome: 'FAILED' }));
      expect(published).toEqual([expect.objectContaining({ DetailType: 'Redrive Failed', Detail: expect.objectContaining({ final: false }) })]);
      expect(h.emf.some((record) => record.Failed === 1)).toBe(true);
    } else {
      expect(result).toMatchObject({ outcome: expected });
      expect(published).toHaveLength(1);
      expect(h.logs).toContainEqual(expect.objectContaining({ outcome: expected.outcome }));
    }
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(0);
  });

  test.each(ANY_CALL)('PutEvents meeting %s: the decision stands, the failure is logged and counted', async (_name, fault) => {
    h = await startHandler({ policy: { backoff: NONE }, maxAttempts: 1, requestTimeoutMs: 300, retryMode: 'standard' });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('PutEvents', fault, 10);

    const outcome = await h.handler(failure(h));

    expect(outcome.outcome).toBe('REDRIVEN');
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'outcome event not published; the decision stands' }));
    expect(h.emf.some((record) => record.OutcomeEventFailures === 1)).toBe(true);
  });

  test('a late event is checked against the execution: one that moved on is skipped, not redriven again', async () => {
    h = await startHandler({ policy: { backoff: NONE } });
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 2 });
    const late = failureEvent({ executionArn: ORDER, redriveCount: 1, stopDate: h.fake.clock.now() - 20 * 60_000 });

    const outcome = await h.handler(late);

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'REDRIVEN_SINCE_FAILURE' });
    expect(h.fake.callsOf('DescribeExecution')).toHaveLength(1);
    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(0);
  });

  test('a late event whose execution is still at that failure is redriven', async () => {
    h = await startHandler({ policy: { backoff: NONE } });
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 1, stopDate: h.fake.clock.now() - 20 * 60_000 });

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 1, stopDate: h.fake.clock.now() - 20 * 60_000 }));

    expect(outcome.outcome).toBe('REDRIVEN');
  });

  test('a fresh event is not checked: DescribeExecution stays off the event path', async () => {
    h = await startHandler({ policy: { backoff: NONE } });
    h.fake.stepFunctions.addExecution(ORDER);
    await h.handler(failure(h));
    expect(h.fake.callsOf('DescribeExecution')).toHaveLength(0);
  });
});
