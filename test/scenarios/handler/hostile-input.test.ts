import * as fc from 'fast-check';
import { MAX_EVENT_ID_LENGTH, parseFailureEvent } from '../../../core/failure-event';
import { executionArn, failureEvent } from '../../../tools/events';
import { startHandler } from '../../support/handler-harness';
import { aMessageNaming } from '../../support/messages';

type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'hostile');
const MAX_LOG_LINE = 4096;
const SECRET = 'SECRET-7f3a';

const FIELDS = ['id', 'source', 'detail-type', 'detail', 'resources', 'detail.executionArn', 'detail.stateMachineArn', 'detail.status',
  'detail.redriveCount', 'detail.redriveStatus', 'detail.stopDate', 'detail.error', 'detail.cause', 'detail.input', 'detail.output'];

const hostileValue = fc.oneof(
  fc.jsonValue(),
  fc.constant(null),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constant('x'.repeat(32 * 1024)),
  fc.constant(`${'☃'.repeat(100)} \u0000\u202e`),
  fc.array(fc.jsonValue(), { maxLength: 5 }),
);

/** Events of every wrong shape: spoiled fields, removed fields, other sources, and not-objects at all. */
const hostileEvent = fc.oneof(
  fc.jsonValue(),
  fc.record({ path: fc.constantFrom(...FIELDS), value: hostileValue, remove: fc.boolean() }, { requiredKeys: ['path', 'value', 'remove'] })
    .chain((first) => fc.array(fc.record({ path: fc.constantFrom(...FIELDS), value: hostileValue, remove: fc.boolean() }), { maxLength: 3 })
      .map((more) => {
        const event = failureEvent({ executionArn: ORDER, stopDate: Date.now() });
        for (const { path, value, remove } of [first, ...more]) {
          const [head, tail] = path.split('.');
          const target = tail ? event.detail : event;
          if (typeof target !== 'object' || target === null) continue;
          if (remove) delete target[tail ?? head];
          else target[tail ?? head] = value;
        }
        if (typeof event.detail === 'object' && event.detail !== null && !Array.isArray(event.detail)) {
          event.detail.input = `{"card":"${SECRET}"}`;
          event.detail.output = `{"token":"${SECRET}"}`;
        }
        return event;
      })),
  fc.record({ 'source': fc.string(), 'detail-type': fc.string(), 'detail': fc.jsonValue() }),
  fc.record({ 'source': fc.constant('cdk-stepfunctions-redrive'), 'detail-type': fc.constant('Scheduled Redrive'), 'detail': hostileValue }),
);

function isValid(event: unknown): boolean {
  try {
    parseFailureEvent(event);
    return true;
  } catch {
    return false;
  }
}

/** What each invocation is told is left of it: past this, Lambda would have timed it out, so the handler hung. */
const INVOCATION_MS = 30_000;

/** The id a bad event's error names: the event's own, cut to the 128 characters an id may have, or (none). */
function eventIdOf(event: unknown): string {
  const id = typeof event === 'object' && event !== null && !Array.isArray(event) ? (event as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 ? id.slice(0, MAX_EVENT_ID_LENGTH) : '(none)';
}

describe('hostile and malformed events', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHandler({ stateMachines: ['orders'], remainingTimeMs: INVOCATION_MS });
  });
  afterAll(async () => h.stop());

  test('never an unhandled rejection, a hang, a redrive of a bad event, an unclear error or an unbounded log', async () => {
    await fc.assert(fc.asyncProperty(hostileEvent, async (event) => {
      h.fake.stepFunctions.executions.clear();
      h.fake.stepFunctions.addExecution(ORDER);
      const redrivesBefore = h.fake.stepFunctions.redrives.length;
      const logsBefore = h.logs.length;
      const scheduled = typeof event === 'object' && event !== null && (event as any).source === 'cdk-stepfunctions-redrive';

      const outcome = await Promise.race([
        h.handler(event),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the handler hung past its timeout')), INVOCATION_MS).unref()),
      ]);

      const newLogs = h.logs.slice(logsBefore);
      for (const line of newLogs) expect(JSON.stringify(line).length).toBeLessThan(MAX_LOG_LINE);
      expect(JSON.stringify(newLogs)).not.toContain(SECRET);
      if (!scheduled && !isValid(event)) {
        // A clear error names the event it is about.
        expect(outcome).toMatchObject({ outcome: 'FAILED', reason: 'BAD_EVENT', error: aMessageNaming(eventIdOf(event)) });
        expect(h.fake.stepFunctions.redrives.length).toBe(redrivesBefore);
      }
      if (scheduled && outcome.outcome === 'FAILED') expect(outcome.error).toMatch(/^bad event|^[A-Za-z]+: /);
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 400) });
  }, 120_000);

  test('a 32 KiB error and cause on a valid event are redriven, and reach logs and outcome events cut short', async () => {
    await h.stop();
    h = await startHandler({ stateMachines: ['orders'], policy: { errorFilter: { mode: 'ALL', patterns: [] } } });
    h.fake.stepFunctions.executions.clear();
    h.fake.stepFunctions.addExecution(ORDER);
    const published = h.published().length;
    const outcome = await h.handler(failureEvent({ executionArn: ORDER, error: 'e'.repeat(32 * 1024), cause: 'c'.repeat(32 * 1024), stopDate: h.fake.clock.now() }));

    expect(outcome.outcome).toBe('REDRIVEN');
    expect(JSON.stringify(h.logs[h.logs.length - 1]).length).toBeLessThan(MAX_LOG_LINE);
    expect(JSON.stringify(h.published().slice(published)).length).toBeLessThan(MAX_LOG_LINE);
  });
});
