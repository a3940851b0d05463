import * as fc from 'fast-check';
import { decide, errorAllowed } from '../../lambda/redrive/decide';
import { parseFailureEvent } from '../../lambda/redrive/failure-event';
import { HandlerPolicy } from '../../src/shared/contract';
import { executionArn, failureEvent, STATE_MACHINE_ARN_PREFIX } from '../support/events';

const NOW = new Date('2026-11-21T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const WATCHED = new Set([`${STATE_MACHINE_ARN_PREFIX}orders`]);
const POLICY: HandlerPolicy = {
  maxRedrives: 3,
  statuses: ['FAILED', 'TIMED_OUT'],
  errorFilter: { mode: 'DENY', patterns: ['States.Runtime'] },
  backoff: { kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false },
  dryRun: false,
};

const decideFor = (options: Parameters<typeof failureEvent>[0], policy: Partial<HandlerPolicy> = {}) =>
  decide(parseFailureEvent(failureEvent({ stopDate: NOW.getTime() - 1000, ...options })), { ...POLICY, ...policy }, WATCHED, NOW, 0.5);

describe('decide', () => {
  test.each<[string, Parameters<typeof failureEvent>[0], Partial<HandlerPolicy>, string]>([
    ['a failed execution of a watched state machine', {}, {}, 'REDRIVE'],
    ['a timed-out execution', { status: 'TIMED_OUT', error: null }, {}, 'REDRIVE'],
    ['an aborted execution when ABORTED is chosen', { status: 'ABORTED' }, { statuses: ['ABORTED'] }, 'REDRIVE'],
    ['an event without redriveStatus, redriveCount or stopDate', { redriveStatus: null, redriveCount: null, stopDate: null }, {}, 'REDRIVE'],
    ['redriveCount one below the limit', { redriveCount: 2 }, {}, 'REDRIVE'],
    ['stopped just under 14 days ago', { stopDate: NOW.getTime() - 14 * DAY + 1000 }, {}, 'REDRIVE'],
    ['a Distributed Map child', { executionArn: executionArn('orders/label', 'child') }, {}, 'MAP_RUN_CHILD'],
    ['an unwatched state machine', { executionArn: executionArn('other', 'run') }, {}, 'STATE_MACHINE_NOT_CHOSEN'],
    ['an aborted execution by default', { status: 'ABORTED' }, {}, 'STATUS_NOT_CHOSEN'],
    ['a succeeded execution', { status: 'SUCCEEDED' }, {}, 'STATUS_NOT_CHOSEN'],
    ['NOT_REDRIVABLE', { redriveStatus: 'NOT_REDRIVABLE' }, {}, 'NOT_REDRIVABLE'],
    ['REDRIVE_IN_PROGRESS', { redriveStatus: 'REDRIVE_IN_PROGRESS' }, {}, 'NOT_REDRIVABLE'],
    ['redriveCount at the limit', { redriveCount: 3 }, {}, 'EXHAUSTED'],
    ['a denied error', { error: 'States.Runtime' }, {}, 'ERROR_NOT_ALLOWED'],
    ['an error outside allowOnly', { error: 'States.Timeout' }, { errorFilter: { mode: 'ALLOW_ONLY', patterns: ['Lambda.*'] } }, 'ERROR_NOT_ALLOWED'],
    ['no error under allowOnly', { error: null }, { errorFilter: { mode: 'ALLOW_ONLY', patterns: ['Lambda.*'] } }, 'ERROR_NOT_ALLOWED'],
    ['stopped 14 days and a second ago', { stopDate: NOW.getTime() - 14 * DAY - 1000 }, {}, 'REDRIVE_WINDOW_CLOSED'],
    ['dry run', {}, { dryRun: true }, 'DRY_RUN'],
  ])('%s', (_name, options, policy, expected) => {
    const decision = decideFor(options, policy);
    expect(decision.action === 'REDRIVE' ? 'REDRIVE' : decision.reason).toBe(expected);
  });

  test('exhaustion is reported before the error filter and dry run', () => {
    expect(decideFor({ redriveCount: 5, error: 'States.Runtime' }, { dryRun: true })).toMatchObject({ reason: 'EXHAUSTED' });
  });

  describe('properties', () => {
    const eventArbitrary = fc.record({
      status: fc.constantFrom('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'),
      redriveStatus: fc.option(fc.constantFrom('REDRIVABLE', 'NOT_REDRIVABLE', 'REDRIVE_IN_PROGRESS'), { nil: null }),
      redriveCount: fc.option(fc.nat(2000), { nil: null }),
      ageMs: fc.option(fc.integer({ min: 0, max: 30 * DAY }), { nil: null }),
      error: fc.option(fc.constantFrom('States.Runtime', 'States.Timeout', 'Lambda.ServiceException', 'Custom'), { nil: null }),
      machine: fc.constantFrom('orders', 'other', 'orders/label'),
    });
    const policyArbitrary = fc.record({
      maxRedrives: fc.integer({ min: 1, max: 1000 }),
      statuses: fc.subarray(['FAILED', 'TIMED_OUT', 'ABORTED'], { minLength: 1 }),
      errorFilter: fc.oneof(
        fc.constant({ mode: 'ALL' as const, patterns: [] as string[] }),
        fc.record({ mode: fc.constantFrom('ALLOW_ONLY' as const, 'DENY' as const), patterns: fc.subarray(['States.*', 'Lambda.*', 'Custom'], { minLength: 1 }) }),
      ),
      dryRun: fc.boolean(),
    });

    test('redrives only what every rule allows', () => {
      fc.assert(fc.property(eventArbitrary, policyArbitrary, (e, policy) => {
        const event = parseFailureEvent(failureEvent({
          executionArn: executionArn(e.machine, 'run'),
          status: e.status,
          redriveStatus: e.redriveStatus,
          redriveCount: e.redriveCount,
          stopDate: e.ageMs === null ? null : NOW.getTime() - e.ageMs,
          error: e.error,
        }));
        const decision = decide(event, { ...POLICY, ...policy }, WATCHED, NOW, 0.5);
        const shouldRedrive = e.machine === 'orders' &&
          policy.statuses.includes(e.status) &&
          (e.redriveStatus === null || e.redriveStatus === 'REDRIVABLE') &&
          (e.redriveCount ?? 0) < policy.maxRedrives &&
          errorAllowed(e.error ?? undefined, policy.errorFilter) &&
          (e.ageMs === null || e.ageMs <= 14 * DAY) &&
          !policy.dryRun;
        expect(decision.action === 'REDRIVE').toBe(shouldRedrive);
        if (decision.action === 'SKIP') expect(decision.detail.length).toBeGreaterThan(0);
      }), { numRuns: 2000 });
    });

    test('is deterministic: the same input always gives the same decision', () => {
      fc.assert(fc.property(eventArbitrary, policyArbitrary, (e, policy) => {
        const event = parseFailureEvent(failureEvent({ executionArn: executionArn(e.machine, 'run'), status: e.status, redriveCount: e.redriveCount }));
        expect(decide(event, { ...POLICY, ...policy }, WATCHED, NOW, 0.3)).toEqual(decide(event, { ...POLICY, ...policy }, WATCHED, NOW, 0.3));
      }));
    });

    test('never redrives at or beyond maxRedrives', () => {
      fc.assert(fc.property(fc.integer({ min: 1, max: 1000 }), fc.nat(5000), (maxRedrives, redriveCount) => {
        const decision = decideFor({ redriveCount }, { maxRedrives });
        if (redriveCount >= maxRedrives) expect(decision).toMatchObject({ action: 'SKIP', reason: 'EXHAUSTED' });
        else expect(decision.action).toBe('REDRIVE');
      }));
    });
  });
});

describe('errorAllowed', () => {
  test.each<[string | undefined, 'ALL' | 'ALLOW_ONLY' | 'DENY', string[], boolean]>([
    ['States.Runtime', 'ALL', [], true],
    [undefined, 'ALL', [], true],
    ['Lambda.ServiceException', 'ALLOW_ONLY', ['Lambda.*'], true],
    ['Lambda', 'ALLOW_ONLY', ['Lambda.*'], false],
    ['MyLambda.Error', 'ALLOW_ONLY', ['Lambda.*'], false],
    ['States.Timeout', 'ALLOW_ONLY', ['States.Timeout'], true],
    ['states.timeout', 'ALLOW_ONLY', ['States.Timeout'], false],
    [undefined, 'ALLOW_ONLY', ['*'], false],
    ['States.Runtime', 'DENY', ['States.Runtime'], false],
    ['States.RuntimeX', 'DENY', ['States.Runtime'], true],
    [undefined, 'DENY', ['*'], true],
    ['a.b+c(d)', 'ALLOW_ONLY', ['a.b+c(*)'], true],
    ['aXb+c(d)', 'ALLOW_ONLY', ['a.b+c(*)'], false],
  ])('%s with %s %j -> %s', (error, mode, patterns, expected) => {
    expect(errorAllowed(error, { mode, patterns })).toBe(expected);
  });
});
