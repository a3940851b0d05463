import { ACCOUNT, REGION, executionArn, failureEvent } from '../../tools/events';
import { startHandler } from '../support/handler-harness';

/**
 * The sweep end to end: the construct synthesized, its recurring schedule's Input resolved as
 * Scheduler would fill it in, the handler invoked with it against the local Step Functions and
 * Scheduler endpoints, under the role's IAM.
 */
type Harness = Awaited<ReturnType<typeof startHandler>>;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.parse('2026-11-21T10:00:00Z');
/** Quotas large enough that pacing never waits: for tests about something else. */
const FAST = { ListExecutions: { burst: 10_000, perSecond: 10_000 }, DescribeExecution: { burst: 10_000, perSecond: 10_000 } };

function failed(h: Harness, stateMachine: string, count: number, options: { stoppedAgo?: number; spacing?: number; prefix?: string } = {}): string[] {
  return Array.from({ length: count }, (_, i) => {
    const arn = executionArn(stateMachine, `${options.prefix ?? 'run'}-${String(i).padStart(4, '0')}`);
    const stopDate = h.fake.clock.now() - (options.stoppedAgo ?? 10 * MINUTE) - i * (options.spacing ?? 1000);
    h.fake.stepFunctions.addExecution(arn, { stopDate });
    return arn;
  });
}

describe('the sweep finds failures whose events were missed', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHandler({ stateMachines: ['orders', 'payments'] });
    h.fake.clock.set(START);
  });
  afterEach(async () => h.stop());

  test('a missed failure is redriven once, reported like any trigger with trigger sweep', async () => {
    const [arn] = failed(h, 'orders', 1);

    const summary = await h.sweep();

    expect(summary).toMatchObject({ complete: true, candidates: 1, redriven: 1, stateMachines: 2 });
    expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'execution redriven', trigger: 'sweep', executionArn: arn, redriveCount: 0 }));
    expect(h.published()).toContainEqual(expect.objectContaining({
      DetailType: 'Execution Redriven',
      Detail: expect.objectContaining({ trigger: 'sweep', executionArn: arn }),
    }));
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'sweep finished', candidates: 1, redriven: 1 }));
    // Each status twice: the executions never redriven, then those redriven at least once. payments has no
    // executions in the fake: ListExecutions says it does not exist, and the sweep moves on.
    expect(h.fake.callsOf('ListExecutions').map((call) => [call.stateMachineArn.split(':').pop(), call.statusFilter, call.redriveFilter])).toEqual([
      ['orders', 'FAILED', 'NOT_REDRIVEN'], ['orders', 'FAILED', 'REDRIVEN'], ['orders', 'TIMED_OUT', 'NOT_REDRIVEN'], ['orders', 'TIMED_OUT', 'REDRIVEN'],
      ['payments', 'FAILED', 'NOT_REDRIVEN'], ['payments', 'FAILED', 'REDRIVEN'], ['payments', 'TIMED_OUT', 'NOT_REDRIVEN'], ['payments', 'TIMED_OUT', 'REDRIVEN'],
    ]);
  });

  test('sweep first, then the same failure\'s event (fresh or late): one redrive', async () => {
    const [arn] = failed(h, 'orders', 1, { stoppedAgo: 0 });
    await h.sweep();
    h.fake.clock.advance(1_000);

    const fresh = await h.handler(failureEvent({ executionArn: arn, stopDate: START }));
    h.fake.clock.advance(10 * MINUTE);
    const late = await h.handler(failureEvent({ executionArn: arn, stopDate: START }));

    expect(fresh).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING' });
    expect(late).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING' });
    expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
  });

  test('the event first, then the sweep: one redrive, and the redriven execution is not even a candidate', async () => {
    const [arn] = failed(h, 'orders', 1, { stoppedAgo: 0 });
    expect(await h.handler(failureEvent({ executionArn: arn, stopDate: START }))).toMatchObject({ outcome: 'REDRIVEN' });

    const summary = await h.sweep();

    expect(summary).toMatchObject({ candidates: 0, redriven: 0 });
    expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
  });

  test('the event arrives while the sweep looks at the same failure: one redrive, with the same token', async () => {
    const [arn] = failed(h, 'orders', 1, { stoppedAgo: 0 });
    h.fake.faults.inject('DescribeExecution', { kind: 'delay', ms: 300 });

    const sweeping = h.sweep();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const event = await h.handler(failureEvent({ executionArn: arn, stopDate: START }));
    const summary = await sweeping;

    expect(event).toMatchObject({ outcome: 'REDRIVEN' });
    expect(summary).toMatchObject({ candidates: 1, redriven: 0, skipped: 1 });
    expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
  });

  test('a failure scheduled by the backoff is not scheduled twice: the sweep meets the same schedule name', async () => {
    await h.stop();
    h = await startHandler({ policy: { backoff: { kind: 'FIXED', initialDelaySeconds: 600, maxDelaySeconds: 600, multiplier: 1, jitter: false } } });
    h.fake.clock.set(START);
    const [arn] = failed(h, 'orders', 1, { stoppedAgo: 0 });
    expect(await h.handler(failureEvent({ executionArn: arn, stopDate: START }))).toMatchObject({ outcome: 'SCHEDULED' });

    const summary = await h.sweep();

    expect(summary).toMatchObject({ candidates: 1, scheduled: 0, skipped: 1 });
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'redrive skipped', trigger: 'sweep', reason: 'ALREADY_SCHEDULED' }));
    expect(h.published().filter((event) => event.DetailType === 'Redrive Scheduled')).toHaveLength(1);
    expect(h.fake.scheduler.schedules.size).toBe(1);
    h.fake.clock.advance(11 * MINUTE);
    await h.fireDueSchedules();
    expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
  });

  test('pages through hundreds of executions, newest first, each redriven once', async () => {
    await h.stop();
    h = await startHandler({ sweepLimits: { pageSize: 200, quotas: FAST } });
    h.fake.clock.set(START);
    const arns = failed(h, 'orders', 450);

    const summary = await h.sweep();

    expect(summary).toMatchObject({ complete: true, candidates: 450, redriven: 450 });
    for (const arn of arns) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
    const failedPages = h.fake.callsOf('ListExecutions')
      .filter((call) => call.stateMachineArn.endsWith(':orders') && call.statusFilter === 'FAILED' && call.redriveFilter === 'NOT_REDRIVEN');
    expect(failedPages.map((call) => [call.maxResults, call.nextToken === undefined])).toEqual([[200, true], [200, false], [200, false]]);
    expect(h.fake.callsOf('DescribeExecution')).toHaveLength(450);
  });

  test('the look-back: executions that started before it are left alone, and paging stops there', async () => {
    await h.stop();
    h = await startHandler({ sweepLimits: { pageSize: 10 } });
    h.fake.clock.set(START);
    const recent = failed(h, 'orders', 5, { stoppedAgo: 10 * MINUTE, prefix: 'recent' });
    // The default look-back is three intervals of an hour.
    const old = failed(h, 'orders', 30, { stoppedAgo: 3 * HOUR + 5 * MINUTE, prefix: 'old', spacing: MINUTE });

    const summary = await h.sweep();

    expect(summary).toMatchObject({ complete: true, candidates: 5, redriven: 5 });
    for (const arn of recent) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
    for (const arn of old) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(0);
    const notRedriven = h.fake.callsOf('ListExecutions').filter((call) => call.statusFilter === 'FAILED' && call.redriveFilter === 'NOT_REDRIVEN');
    expect(notRedriven.filter((call) => call.stateMachineArn.endsWith(':orders'))).toHaveLength(1);
  });

  test('a long-lived execution redriven by the backoff, failed again a minute ago, its event lost: found by when it stopped, whatever its start', async () => {
    const arn = executionArn('orders', 'long-lived');
    // Started 3.5 hours ago (before the three-hour look-back), failed, was redriven, and failed again a minute ago.
    h.fake.stepFunctions.addExecution(arn, { startDate: START - 210 * MINUTE, stopDate: START - MINUTE, redriveCount: 1 });
    // Redriven long ago and failed again long ago: left alone.
    const stale = executionArn('orders', 'stale');
    h.fake.stepFunctions.addExecution(stale, { startDate: START - 10 * HOUR, stopDate: START - 4 * HOUR, redriveCount: 1 });

    const summary = await h.sweep();

    expect(summary).toMatchObject({ complete: true, candidates: 1, redriven: 1 });
    expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
    expect(h.fake.stepFunctions.redrivesOf(stale)).toBe(0);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'execution redriven', trigger: 'sweep', executionArn: arn, redriveCount: 1 }));
  });


  test('executions that used every redrive are counted once in the summary, not reported again one by one', async () => {
    const arn = executionArn('orders', 'exhausted');
    h.fake.stepFunctions.addExecution(arn, { redriveCount: 3, stopDate: START - MINUTE });

    const summary = await h.sweep();

    expect(summary).toMatchObject({ candidates: 0, exhausted: 1 });
    expect(h.fake.callsOf('DescribeExecution')).toHaveLength(0);
    expect(h.published()).toEqual([]);
  });

  test.each([
    ['not an object', { cursor: 'x' }, 'detail.cursor must be an object'],
    ['a quota share of 0', { quotaShare: 0 }, 'detail.quotaShare must be a number more than 0 and at most 1'],
    ['an unknown status', { statuses: ['FAILED', 'RUNNING'] }, 'detail.statuses must list some of'],
    ['no selection', { selection: { kind: 'SOME' } }, 'detail.selection.kind must be LIST, PREFIXES or ALL'],
    ['a bad state machine ARN', { selection: { kind: 'LIST', stateMachineArns: ['arn:aws:states:us-east-1:1:stateMachine:x'] } }, 'stateMachineArns[0]'],
    ['a look-back past the redrive window', { lookBackSeconds: 15 * 24 * 3600 }, 'detail.lookBackSeconds'],
  ])('a bad sweep payload (%s) is a BAD_EVENT dead letter, and nothing is listed', async (_name, change, problem) => {
    const payload = h.sweepPayload();
    const outcome = await h.handler({ ...payload, detail: { ...payload.detail, ...change } });

    expect(outcome).toMatchObject({ outcome: 'FAILED', reason: 'BAD_EVENT', error: expect.stringContaining(problem) });
    expect(h.deadLetters()).toEqual([expect.objectContaining({ reason: 'BAD_EVENT' })]);
    expect(h.fake.callsOf('ListExecutions')).toHaveLength(0);
  });
});

describe('the sweep with name prefixes and with every state machine', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  const setUp = (h2: Harness) => {
    h2.fake.clock.set(START);
    h2.fake.stepFunctions.addStateMachine('orders-express', 'EXPRESS');
    h2.fake.stepFunctions.addStateMachine('orders-empty');
    return {
      eu: failed(h2, 'orders-eu', 2),
      billing: failed(h2, 'billing-v2', 1),
      other: failed(h2, 'shipping', 1),
    };
  };

  test('prefixes: ListStateMachines, filtered by prefix and type; Express and other names are never listed', async () => {
    h = await startHandler({ props: { stateMachines: undefined, stateMachineNamePrefixes: ['orders-', 'billing'] } });
    const { eu, billing, other } = setUp(h);

    const summary = await h.sweep();

    expect(summary).toMatchObject({ complete: true, stateMachines: 3, candidates: 3, redriven: 3 });
    for (const arn of [...eu, ...billing]) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
    expect(h.fake.stepFunctions.redrivesOf(other[0])).toBe(0);
    expect(h.fake.callsOf('ListStateMachines').length).toBeGreaterThan(0);
    expect(new Set(h.fake.callsOf('ListExecutions').map((call) => call.stateMachineArn.split(':').pop()))).toEqual(
      new Set(['orders-eu', 'orders-empty', 'billing-v2']));
  });

  test('every state machine: all Standard ones, over several ListStateMachines pages', async () => {
    h = await startHandler({ props: { stateMachines: undefined, allStateMachines: true }, sweepLimits: { pageSize: 2 } });
    const { eu, billing, other } = setUp(h);

    const summary = await h.sweep();

    expect(summary).toMatchObject({ complete: true, stateMachines: 4, candidates: 4, redriven: 4 });
    for (const arn of [...eu, ...billing, ...other]) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
    expect(h.fake.callsOf('ListStateMachines')).toHaveLength(3);
    expect(h.fake.callsOf('ListExecutions').map((call) => call.stateMachineArn)).not.toContain(
      `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:orders-express`);
  });
});

describe('quota pacing', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test('DescribeExecution is paced to the share of the quota: a small bucket makes the sweep take its time', async () => {
    // A share of 0.5 of a 4-call bucket refilling 10 per second: 2 at once, then one every 200 ms.
    const quotas = { ListExecutions: { burst: 100, perSecond: 2 }, DescribeExecution: { burst: 4, perSecond: 10 } };
    h = await startHandler({ sweepLimits: { quotas } });
    h.fake.clock.set(START);
    const arns = failed(h, 'orders', 7);

    const started = Date.now();
    const summary = await h.sweep();
    const elapsed = Date.now() - started;

    expect(summary).toMatchObject({ complete: true, redriven: 7 });
    expect(elapsed).toBeGreaterThanOrEqual(5 * 200 - 50);
    for (const arn of arns) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
  });

  test('a throttled ListExecutions slows the sweep down; nothing is lost', async () => {
    const quotas = { ...FAST, ListExecutions: { burst: 100, perSecond: 2 } };
    h = await startHandler({ sweepLimits: { pageSize: 50, quotas }, retryMode: 'standard', maxAttempts: 1 });
    h.fake.clock.set(START);
    const arns = failed(h, 'orders', 200);
    h.fake.rateLimit('ListExecutions', 1, 2);

    const summary = await h.sweep();

    expect(summary).toMatchObject({ complete: true, redriven: 200 });
    expect((summary as any).throttled).toBeGreaterThan(0);
    expect(h.fake.throttledByOperation.get('ListExecutions')).toBeGreaterThan(0);
    for (const arn of arns) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
  });

  test('a throttled DescribeExecution puts that candidate off with a schedule; it is redriven when the schedule is due', async () => {
    h = await startHandler({ retryMode: 'standard', maxAttempts: 1 });
    h.fake.clock.set(START);
    const arns = failed(h, 'orders', 3);
    h.fake.faults.inject('DescribeExecution', { kind: 'error', code: 'ThrottlingException', status: 400 }, 1);

    const summary = await h.sweep();
    expect(summary).toMatchObject({ complete: true, candidates: 3, redriven: 2, scheduled: 1 });
    h.fake.clock.advance(20 * MINUTE);
    await h.fireDueSchedules();

    for (const arn of arns) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
  });
});

describe('continuation across invocations', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  /** Fires the follow-ups as Scheduler would, until none is left; returns the summaries. */
  async function followUps(): Promise<any[]> {
    const summaries: any[] = [];
    for (let round = 0; round < 50; round++) {
      h.fake.clock.advance(MINUTE);
      const fired = await h.fireDueSchedules();
      if (fired.length === 0) break;
      summaries.push(...fired);
    }
    return summaries;
  }

  test('a work bound hands the rest to a follow-up schedule, which continues where it stopped; nothing is done twice', async () => {
    h = await startHandler({ sweepLimits: { maxCandidatesPerInvocation: 4, pageSize: 3 } });
    h.fake.clock.set(START);
    const orders = failed(h, 'orders', 7);
    const payments = failed(h, 'payments', 3);
    const scheduledTime = '2026-11-21T10:00:00Z';

    const first: any = await h.sweep(scheduledTime);
    expect(first).toMatchObject({ complete: false, candidates: 4, continuation: 0, followUp: { alreadyScheduled: false } });
    const [schedule] = h.fake.scheduler.schedules.values();
    expect(schedule.Name).toMatch(/^sweep-[0-9a-f]{57}$/);
    expect(JSON.parse(schedule.Target.Input!).detail.cursor).toMatchObject({
      runId: scheduledTime,
      startedAt: '2026-11-21T10:00:00.000Z',
      continuation: 1,
      status: 'FAILED',
      stateMachineArn: expect.stringMatching(/:orders$/),
      after: orders[3],
      pageToken: expect.any(String),
    });

    const rest = await followUps();
    expect(rest.map((summary) => [summary.continuation, summary.candidates, summary.complete])).toEqual([[1, 4, false], [2, 2, true]]);
    for (const arn of [...orders, ...payments]) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
    // Each failure was looked at once, by one invocation: none started over.
    const described = h.fake.callsOf('DescribeExecution').map((call) => call.executionArn);
    expect(described.sort()).toEqual([...orders, ...payments].sort());
  });

  test('a retried invocation finds its follow-up there already: the run never forks, and nothing is redriven twice', async () => {
    h = await startHandler({ sweepLimits: { maxCandidatesPerInvocation: 4, pageSize: 3 } });
    h.fake.clock.set(START);
    const arns = [...failed(h, 'orders', 7), ...failed(h, 'payments', 3)];
    const scheduledTime = '2026-11-21T10:00:00Z';

    const first: any = await h.sweep(scheduledTime);
    // Lambda retries the same invocation (its first attempt timed out after scheduling the follow-up, say).
    const retried: any = await h.sweep(scheduledTime);
    expect(retried.followUp).toEqual({ ...first.followUp, alreadyScheduled: true });
    expect(h.fake.scheduler.schedules.size).toBe(1);

    const rest = await followUps();
    expect(rest.map((summary) => summary.complete)).toEqual([true]);
    for (const arn of arns) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
    // The retry went on with what the first attempt had not redriven, and the follow-up with the rest.
    expect(h.fake.callsOf('DescribeExecution').map((call) => call.executionArn).sort()).toEqual([...arns].sort());
  });

  test('a follow-up resumes inside the pass over redriven executions where it stopped; each is redriven once', async () => {
    h = await startHandler({ sweepLimits: { pageSize: 3, maxCandidatesPerInvocation: 2, quotas: FAST } });
    h.fake.clock.set(START);
    const arns = Array.from({ length: 7 }, (_, i) => {
      const arn = executionArn('orders', `refailed-${i}`);
      h.fake.stepFunctions.addExecution(arn, { startDate: START - 20 * HOUR - i * MINUTE, stopDate: START - MINUTE, redriveCount: 1 });
      return arn;
    });

    const first: any = await h.sweep();
    expect(first).toMatchObject({ complete: false, candidates: 2 });
    const rest = await followUps();

    expect(rest[rest.length - 1]).toMatchObject({ complete: true });
    expect([first, ...rest].reduce((sum, summary) => sum + summary.candidates, 0)).toBe(7);
    for (const arn of arns) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
  });

  test('a slow candidate cut off before the follow-up\'s time ends the invocation cleanly; the follow-up takes it again, and it is redriven once', async () => {
    // 16 s left: no candidate is taken after 1 s, and one under way is cut off at 6 s, 10 s before Lambda's timeout.
    h = await startHandler({ remainingTimeMs: 16_000, sweepLimits: { quotas: FAST } });
    h.fake.clock.set(START);
    const [arn] = failed(h, 'orders', 1);
    // Each call of the candidate takes 4 s to answer: the two of them cross the cut-off.
    h.fake.faults.inject('DescribeExecution', { kind: 'delay', ms: 4_000 });
    h.fake.faults.inject('RedriveExecution', { kind: 'delay', ms: 4_000 });

    const first: any = await h.sweep();

    expect(first).toMatchObject({ complete: false, failed: 0, followUp: expect.objectContaining({ alreadyScheduled: false }) });
    expect(h.logs.filter((line) => line.outcome === 'FAILED')).toEqual([]);
    const rest = await followUps();
    expect(rest[rest.length - 1]).toMatchObject({ complete: true, failed: 0 });
    expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
  });

  test('little time left: each invocation handles what it can and hands on; the look-back does not move', async () => {
    // 15 s left: one candidate is taken, then none (they stop 15 s before the timeout), with room for it, the follow-up and the report.
    h = await startHandler({ remainingTimeMs: 15_000 });
    h.fake.clock.set(START);
    const arns = failed(h, 'orders', 3, { stoppedAgo: 3 * HOUR - 3 * MINUTE, spacing: 0 });

    const first: any = await h.sweep();
    expect(first).toMatchObject({ complete: false, candidates: 1 });
    // By the time the follow-ups run, the failures are older than three hours; the run started before.
    const rest = await followUps();

    // One candidate, or one page, per invocation: the rest of the FAILED page, then the other pages one by one.
    expect(rest.slice(0, 2).map((summary) => summary.candidates)).toEqual([1, 1]);
    expect(rest.reduce((sum, summary) => sum + summary.candidates, 0)).toBe(2);
    expect(rest[rest.length - 1].complete).toBe(true);
    expect(rest.length).toBeLessThanOrEqual(6);
    for (const arn of arns) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
  });
});
