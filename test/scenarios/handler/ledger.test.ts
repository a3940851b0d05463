import { redriveClientToken } from '../../../core/idempotency';
import { Outcome } from '../../../core/outcome';
import { REPLAY_MARGIN_MS } from '../../../core/redrive-path';
import { BackoffSpec } from '../../../src/shared/contract';
import { executionArn, failureEvent } from '../../../tools/events';
import { Fault } from '../../../tools/fake-aws/faults';
import { startHandler } from '../../support/handler-harness';
import { seededRandom } from '../../support/prng';

/**
 * A randomized run of the whole system, replayable from its seed (LEDGER_SEED): failures of many
 * executions of two state machines, delivered with duplicates, out of order and late, through the
 * handler with faults on every call, Lambda's retries (two, then the dead-letter queue), delayed
 * redrives firing, redriven runs failing again, people redriving executions from the console, and
 * deploys that stop and start watching one of the state machines. Afterwards every delivery has
 * exactly one final outcome, every redrive the handler made was of the failure its trigger was
 * about and reported once as that, none went past maxRedrives, and nothing was left scheduled.
 */
const SEED = Number(process.env.LEDGER_SEED ?? 20261121);
const EXECUTIONS = Number(process.env.LEDGER_EXECUTIONS ?? 450);
const MAX_REDRIVES = 3;
const STATE_MACHINES = ['orders', 'payments'];
/** payments is unwatched, then watched again, in turns of this long. */
const DEPLOY_EVERY = 25 * 60_000;
const OUTSIDE_REDRIVE_RATE = 0.12;
const MINUTE = 60_000;
const FAULTS: Fault[] = [
  { kind: 'error', code: 'ThrottlingException' },
  { kind: 'error', code: 'InternalServerError', status: 500 },
  { kind: 'error', code: 'AccessDeniedException' },
  { kind: 'reset' },
];
const OPERATIONS = ['DescribeExecution', 'RedriveExecution', 'CreateSchedule', 'DescribeExecution', 'PutEvents', 'SendMessage'];

type Final = Outcome['outcome'] | 'SWEPT' | 'DLQ';
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
    stateMachines: STATE_MACHINES,
    expectAccessDenied: true,
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
  const outside: { arn: string; redriveCount: number; at: number }[] = [];
  let paymentsWatched = true;
  let nextDeployAt = start + DEPLOY_EVERY;
  const fail = (arn: string, redriveCount: number) => {
    if (random() < OUTSIDE_REDRIVE_RATE) outside.push({ arn, redriveCount, at: h.fake.clock.now() + random() * 3 * MINUTE });
    // While payments is not watched, no rule delivers its events.
    if (!paymentsWatched && arn.includes(':payments:')) return;
    const event = failureEvent({ id: `${arn.split(':').pop()}-${redriveCount}`, executionArn: arn, redriveCount, stopDate: h.fake.clock.now() });
    failuresDelivered.add(`${arn}#${redriveCount}`);
    deliver(event, h.fake.clock.now() + random() * 2 * MINUTE, 'failure');
    if (random() < 0.25) deliver(event, h.fake.clock.now() + random() * 30 * MINUTE, 'failure');
  };
  const finish = (delivery: Delivery, final: Final) => finals.set(delivery.id, [...(finals.get(delivery.id) ?? []), final]);

  for (let i = 0; i < EXECUTIONS; i++) {
    const arn = executionArn(STATE_MACHINES[i % 2], `ledger-${i}`);
    h.fake.stepFunctions.addExecution(arn);
    fail(arn, 0);
  }
  const runningUntil = new Map<string, number>();
  let outsideRedrives = 0;

  for (let step = 0; queue.length > 0 || h.fake.scheduler.schedules.size > 0 || runningUntil.size > 0 || outside.length > 0; step++) {
    expect(step).toBeLessThan(100_000);
    const nextAt = Math.min(...queue.map((d) => d.dueAt), ...[...h.fake.scheduler.schedules.values()].map((s) => s.fireAt), ...runningUntil.values(),
      ...outside.map((o) => o.at));
    h.fake.clock.set(Math.max(h.fake.clock.now(), nextAt));

    while (h.fake.clock.now() >= nextDeployAt) {
      paymentsWatched = !paymentsWatched;
      h.redeploy(paymentsWatched ? STATE_MACHINES : ['orders']);
      nextDeployAt += DEPLOY_EVERY;
    }
    for (const person of outside.filter((o) => o.at <= h.fake.clock.now())) {
      outside.splice(outside.indexOf(person), 1);
      const execution = h.fake.stepFunctions.executions.get(person.arn)!;
      if (execution.redriveCount !== person.redriveCount || !['FAILED', 'TIMED_OUT'].includes(execution.status)) continue;
      h.fake.stepFunctions.handle('RedriveExecution', { executionArn: person.arn });
      outsideRedrives++;
      runningUntil.set(person.arn, h.fake.clock.now() + (1 + random() * 4) * MINUTE);
    }

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
      h.fake.clock.advance(REPLAY_MARGIN_MS); // time passes between one invocation and the next
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

  // Every redrive the handler made (the ones with a token) was of the failure its token names, never
  // past maxRedrives, of a failure some trigger delivered; and each was reported once, as that failure.
  const ours = h.fake.stepFunctions.redrives.filter((redrive) => redrive.clientToken !== undefined);
  for (const redrive of ours) {
    const countBefore = redrive.redriveCount - 1;
    const key = `${redrive.executionArn}#${countBefore}`;
    expect({ key, token: redrive.clientToken }).toEqual({ key, token: redriveClientToken(redrive.executionArn, countBefore) });
    expect({ key, delivered: failuresDelivered.has(key) }).toEqual({ key, delivered: true });
    expect(countBefore).toBeLessThan(MAX_REDRIVES);
  }
  const started = h.logs.filter((line) => line.outcome === 'REDRIVEN').map((line) => `${line.executionArn}#${line.redriveCount}`);
  expect(started.sort()).toEqual(ours.map((redrive) => `${redrive.executionArn}#${redrive.redriveCount - 1}`).sort());
  expect(outsideRedrives).toBeGreaterThan(10);

  // A sizeable run that met every path.
  expect(failureEventDeliveries).toBeGreaterThanOrEqual(1000);
  for (const final of ['REDRIVEN', 'SKIPPED', 'DLQ', ...(delays ? ['SCHEDULED'] : [])] as Final[]) expect(ended).toContain(final);
  expect(h.fake.stepFunctions.redrives.length).toBeGreaterThan(EXECUTIONS / 2);
  expect(h.fake.clock.now() - start).toBeGreaterThan(30 * MINUTE);
}
