import { redriveClientToken } from '../../lambda/redrive/idempotency';
import { Outcome } from '../../lambda/redrive/outcome';
import { BackoffSpec } from '../../src/shared/contract';
import { executionArn, failureEvent } from '../support/events';
import { Fault } from '../support/fake-aws/faults';
import { startHandler } from '../support/handler-harness';
import { seededRandom } from '../support/prng';

/**
 * A randomized run of the whole system, replayable from its seed (LEDGER_SEED): failures of many
 * executions, delivered with duplicates, out of order and late, through the handler with faults on
 * every call, Lambda's retries (two, then the dead-letter queue), delayed redrives firing, and
 * redriven runs failing again. Afterwards every delivery has exactly one final outcome, no failure
 * was redriven twice or by a stale event, and no execution went past maxRedrives.
 */
const SEED = Number(process.env.LEDGER_SEED ?? 20261121);
const EXECUTIONS = Number(process.env.LEDGER_EXECUTIONS ?? 450);
const MAX_REDRIVES = 3;
const MINUTE = 60_000;
const FAULTS: Fault[] = [
  { kind: 'error', code: 'ThrottlingException' },
  { kind: 'error', code: 'InternalServerError', status: 500 },
  { kind: 'error', code: 'AccessDeniedException' },
  { kind: 'reset' },
];
const OPERATIONS = ['DescribeRule', 'RedriveExecution', 'CreateSchedule', 'DescribeExecution', 'PutEvents', 'SendMessage'];

type Final = Outcome['outcome'] | 'DLQ';
interface Delivery {
  readonly id: number;
  readonly event: unknown;
  readonly dueAt: number;
  readonly attempt: number;
  readonly kind: 'failure' | 'fire';
  /** Meets a fault on every attempt, so it ends in the dead-letter queue. */
  readonly doomed: boolean;
}

const BACKOFFS: [string, BackoffSpec][] = [
  ['delayed redrives', { kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 600, multiplier: 2, jitter: true }],
  ['immediate redrives', { kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false }],
];

test.each(BACKOFFS)(`ledger with %s: every event ends once, nothing redriven twice (seed ${SEED})`, async (_name, backoff) => {
  const random = seededRandom(SEED);
  const h = await startHandler({
    policy: { maxRedrives: MAX_REDRIVES, backoff },
    random,
    maxAttempts: 1,
    retryMode: 'standard',
    stateMachines: ['orders'],
  });
  try {
    await run(h, random, backoff.kind !== 'NONE');
  } finally {
    await h.stop();
  }
}, 120_000);

async function run(h: Awaited<ReturnType<typeof startHandler>>, random: () => number, delays: boolean): Promise<void> {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  // A fixed start, so that the seed alone decides the run (schedule times round to whole seconds).
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  h.fake.clock.set(start);
  const queue: Delivery[] = [];
  const finals = new Map<number, Final[]>();
  const failuresDelivered = new Set<string>();
  let nextId = 0;
  let failureEventDeliveries = 0;
  const deliver = (event: unknown, at: number, kind: Delivery['kind'], attempt = 1, doomed = random() < 0.02) => {
    if (kind === 'failure' && attempt === 1) failureEventDeliveries++;
    queue.push({ id: nextId++, event, dueAt: at, attempt, kind, doomed });
  };
  const fail = (arn: string, redriveCount: number) => {
    const event = failureEvent({ id: `${arn.split(':').pop()}-${redriveCount}`, executionArn: arn, redriveCount, stopDate: h.fake.clock.now() });
    failuresDelivered.add(`${arn}#${redriveCount}`);
    deliver(event, h.fake.clock.now() + random() * 2 * MINUTE, 'failure');
    if (random() < 0.25) deliver(event, h.fake.clock.now() + random() * 30 * MINUTE, 'failure');
  };
  const finish = (delivery: Delivery, final: Final) => finals.set(delivery.id, [...(finals.get(delivery.id) ?? []), final]);

  for (let i = 0; i < EXECUTIONS; i++) {
    const arn = executionArn('orders', `ledger-${i}`);
    h.fake.stepFunctions.addExecution(arn);
    fail(arn, 0);
  }
  const runningUntil = new Map<string, number>();

  for (let step = 0; queue.length > 0 || h.fake.scheduler.schedules.size > 0 || runningUntil.size > 0; step++) {
    expect(step).toBeLessThan(100_000);
    const nextAt = Math.min(...queue.map((d) => d.dueAt), ...[...h.fake.scheduler.schedules.values()].map((s) => s.fireAt), ...runningUntil.values());
    h.fake.clock.set(Math.max(h.fake.clock.now(), nextAt));

    for (const [arn, until] of [...runningUntil]) {
      if (until > h.fake.clock.now()) continue;
      runningUntil.delete(arn);
      const execution = h.fake.stepFunctions.executions.get(arn)!;
      if (random() < 0.6) {
        h.fake.stepFunctions.stopAgain(arn);
        fail(arn, execution.redriveCount);
      } else {
        h.fake.stepFunctions.stopAgain(arn, 'SUCCEEDED');
      }
    }
    for (const schedule of h.fake.scheduler.takeDue()) deliver(JSON.parse(schedule.Target.Input!), h.fake.clock.now(), 'fire');

    const due = queue.filter((d) => d.dueAt <= h.fake.clock.now()).sort(() => random() - 0.5);
    for (const delivery of due) {
      queue.splice(queue.indexOf(delivery), 1);
      if (delivery.doomed) h.fake.faults.inject('*', pick(FAULTS), 100);
      else if (random() < 0.15) h.fake.faults.inject(pick(OPERATIONS), pick(FAULTS));
      const before = new Map([...h.fake.stepFunctions.executions].map(([arn, e]) => [arn, e.status]));
      try {
        const outcome = await h.handler(delivery.event);
        finish(delivery, outcome.outcome);
      } catch {
        const retryAt = h.fake.clock.now() + delivery.attempt * MINUTE;
        if (delivery.attempt < 3) deliver(delivery.event, retryAt, delivery.kind, delivery.attempt + 1, delivery.doomed);
        else finish(delivery, 'DLQ');
        if (delivery.attempt < 3) finals.set(delivery.id, [...(finals.get(delivery.id) ?? []), 'RETRIED' as Final]);
      }
      h.fake.faults.clear();
      for (const [arn, execution] of h.fake.stepFunctions.executions) {
        if (execution.status === 'RUNNING' && before.get(arn) !== 'RUNNING') runningUntil.set(arn, h.fake.clock.now() + (1 + random() * 4) * MINUTE);
      }
    }
  }

  // Every delivery (a retried one counts as the next delivery) ended exactly once.
  const endings = [...finals.values()].map((list) => list.filter((f) => f !== ('RETRIED' as Final)));
  for (const list of endings) expect(list.length).toBeLessThanOrEqual(1);
  const ended = endings.filter((list) => list.length === 1).map(([f]) => f);
  const retried = [...finals.values()].filter((list) => list.includes('RETRIED' as Final)).length;
  expect(ended.length + retried).toBe(nextId);
  expect(h.fake.scheduler.schedules.size).toBe(0);

  // No failure redriven twice, none by a stale event, none past maxRedrives.
  const perFailure = new Map<string, number>();
  for (const redrive of h.fake.stepFunctions.redrives) {
    const countBefore = redrive.redriveCount - 1;
    const key = `${redrive.executionArn}#${countBefore}`;
    perFailure.set(key, (perFailure.get(key) ?? 0) + 1);
    expect({ key, token: redrive.clientToken }).toEqual({ key, token: redriveClientToken(redrive.executionArn, countBefore) });
    expect(failuresDelivered.has(key)).toBe(true);
  }
  for (const [key, count] of perFailure) expect({ key, count }).toEqual({ key, count: 1 });
  for (const execution of h.fake.stepFunctions.executions.values()) expect(execution.redriveCount).toBeLessThanOrEqual(MAX_REDRIVES);

  // A sizeable run that met every path.
  expect(failureEventDeliveries).toBeGreaterThanOrEqual(1000);
  for (const final of ['REDRIVEN', 'SKIPPED', 'DLQ', ...(delays ? ['SCHEDULED'] : [])] as Final[]) expect(ended).toContain(final);
  expect(h.fake.stepFunctions.redrives.length).toBeGreaterThan(EXECUTIONS / 2);
  expect(h.fake.clock.now() - start).toBeGreaterThan(30 * MINUTE);
}
