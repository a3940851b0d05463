import * as fc from 'fast-check';
import { Decision, decide, errorAllowed } from '../../core/decide';
import { redriveDelaySeconds } from '../../core/delay';
import { putOffScheduleName, redriveClientToken, redriveScheduleName } from '../../core/idempotency';
import { ExecutionFacts, RedriveRequest } from '../../core/request';
import { BackoffSpec, ErrorFilterSpec, HandlerPolicy } from '../../src/shared/contract';
import { CLIENT_TOKEN_MEMORY, FRESH_EVENT_MS, REDRIVE_WINDOW_MS } from '../../src/shared/limits';
import { aMessageNaming } from '../support/messages';

const NOW = new Date('2026-11-21T12:00:00Z');
const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;
const DAY = 24 * HOUR;
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1';

const NO_BACKOFF: BackoffSpec = { kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false };
const fixed = (seconds: number): BackoffSpec => ({ kind: 'FIXED', initialDelaySeconds: seconds, maxDelaySeconds: seconds, multiplier: 1, jitter: false });
const exponential = (overrides: Partial<BackoffSpec> = {}): BackoffSpec =>
  ({ kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 3600, multiplier: 2, jitter: false, ...overrides });

const POLICY: HandlerPolicy = {
  maxRedrives: 3,
  statuses: ['FAILED', 'TIMED_OUT'],
  errorFilter: { mode: 'DENY', patterns: ['States.Runtime'] },
  backoff: NO_BACKOFF,
  dryRun: false,
};
const FACTS: ExecutionFacts = {
  status: 'FAILED',
  redriveStatus: 'REDRIVABLE',
  redriveCount: 0,
  stopDate: NOW.getTime() - SECOND,
  error: 'Lambda.ServiceException',
  cause: 'The service is unavailable',
};

const policyWith = (overrides: Partial<HandlerPolicy> = {}): HandlerPolicy => ({ ...POLICY, ...overrides });
const EXECUTION = { partition: 'aws', region: 'us-east-1', account: '123456789012', stateMachineName: 'orders', executionName: 'run-1' };
const requestWith = (overrides: Partial<RedriveRequest> = {}): RedriveRequest => ({
  trigger: 'schedule',
  eventId: 'e-1',
  executionArn: ARN,
  execution: EXECUTION,
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders',
  backoffWaited: false,
  putOffs: 0,
  ...overrides,
});
/** The decision on the execution as DescribeExecution shows it, for a trigger that gives no redrive count. */
const decideOn = (facts: ExecutionFacts, policy: HandlerPolicy, now: Date, random: number, backoffWaited: boolean): Decision =>
  decide(requestWith({ backoffWaited }), facts, policy, now, random);
/** The skip the policy gives for `facts`, or undefined when it allows the redrive. */
const skipOf = (facts: ExecutionFacts, policy: HandlerPolicy = POLICY): Decision | undefined => {
  const decision = decideOn(facts, policy, NOW, 0.5, true);
  return decision.action === 'SKIP' ? decision : undefined;
};
const factsWith = (overrides: Partial<ExecutionFacts> = {}): ExecutionFacts => ({ ...FACTS, ...overrides });
/** REDRIVE, SCHEDULE <seconds> [clamped], or the skip reason. */
const summary = (decision: Decision): string => {
  switch (decision.action) {
    case 'REDRIVE': return 'REDRIVE';
    case 'SCHEDULE': return `SCHEDULE ${decision.delaySeconds}${decision.clamped ? ' clamped' : ''}`;
    case 'SKIP': return decision.reason;
    case 'LOOK': return 'LOOK';
  }
};

describe('decide', () => {
  test.each<[string, Partial<ExecutionFacts>, Partial<HandlerPolicy>, string]>([
    ['a failed, redrivable execution', {}, {}, 'REDRIVE'],
    ['a timed-out execution without an error', { status: 'TIMED_OUT', error: undefined }, {}, 'REDRIVE'],
    ['an aborted execution when ABORTED is chosen', { status: 'ABORTED' }, { statuses: ['ABORTED'] }, 'REDRIVE'],
    ['facts without redriveStatus, redriveCount or stopDate', { redriveStatus: undefined, redriveCount: undefined, stopDate: undefined }, {}, 'REDRIVE'],
    ['an aborted execution by default', { status: 'ABORTED' }, {}, 'STATUS_NOT_CHOSEN'],
    ['a succeeded execution', { status: 'SUCCEEDED' }, {}, 'NOT_REDRIVABLE'],
    ['a running execution', { status: 'RUNNING' }, {}, 'ALREADY_REDRIVEN_OR_RUNNING'],
    ['a pending redrive', { status: 'PENDING_REDRIVE' }, {}, 'ALREADY_REDRIVEN_OR_RUNNING'],
    ['an unknown status', { status: 'UNKNOWN' }, {}, 'STATUS_NOT_CHOSEN'],
    ['a status of another case', { status: 'failed' }, {}, 'STATUS_NOT_CHOSEN'],
    ['redriveStatus NOT_REDRIVABLE', { redriveStatus: 'NOT_REDRIVABLE' }, {}, 'NOT_REDRIVABLE'],
    ['redriveStatus REDRIVE_IN_PROGRESS', { redriveStatus: 'REDRIVE_IN_PROGRESS' }, {}, 'NOT_REDRIVABLE'],
    ['an unknown redriveStatus', { redriveStatus: 'SOMETHING' }, {}, 'NOT_REDRIVABLE'],
    ['redriveCount one below the limit', { redriveCount: 2 }, {}, 'REDRIVE'],
    ['redriveCount at the limit', { redriveCount: 3 }, {}, 'EXHAUSTED'],
    ['redriveCount over the limit', { redriveCount: 1000 }, {}, 'EXHAUSTED'],
    ['redriveCount 0 with maxRedrives 1', { redriveCount: 0 }, { maxRedrives: 1 }, 'REDRIVE'],
    ['redriveCount 1 with maxRedrives 1', { redriveCount: 1 }, { maxRedrives: 1 }, 'EXHAUSTED'],
    ['an unknown redriveCount is never exhausted', { redriveCount: undefined }, { maxRedrives: 1 }, 'REDRIVE'],
    ['a denied error', { error: 'States.Runtime' }, {}, 'ERROR_NOT_ALLOWED'],
    ['stopped exactly 14 days ago', { stopDate: NOW.getTime() - REDRIVE_WINDOW_MS }, {}, 'REDRIVE'],
    ['stopped 14 days and 1 ms ago', { stopDate: NOW.getTime() - REDRIVE_WINDOW_MS - 1 }, {}, 'REDRIVE_WINDOW_CLOSED'],
    ['stopped 30 days ago', { stopDate: NOW.getTime() - 30 * DAY }, {}, 'REDRIVE_WINDOW_CLOSED'],
    ['a stop a little in the future (clock skew)', { stopDate: NOW.getTime() + 3 * SECOND }, {}, 'REDRIVE'],
    ['dry run: says what would happen, and does nothing', {}, { dryRun: true }, 'DRY_RUN'],
  ])('%s', (_name, facts, policy, expected) => {
    expect(summary(decideOn(factsWith(facts), policyWith(policy), NOW, 0.5, false))).toBe(expected);
  });

  test('the window is 14 days', () => {
    expect(REDRIVE_WINDOW_MS).toBe(14 * DAY);
  });

  describe('error filters', () => {
    const allow = (patterns: string[]): ErrorFilterSpec => ({ mode: 'ALLOW_ONLY', patterns });
    const deny = (patterns: string[]): ErrorFilterSpec => ({ mode: 'DENY', patterns });
    test.each<[string | undefined, ErrorFilterSpec, string]>([
      ['States.Runtime', { mode: 'ALL', patterns: [] }, 'REDRIVE'],
      [undefined, { mode: 'ALL', patterns: [] }, 'REDRIVE'],
      ['Lambda.ServiceException', allow(['Lambda.*']), 'REDRIVE'],
      ['Lambda.ServiceException', allow(['States.Timeout', 'Lambda.ServiceException']), 'REDRIVE'],
      ['States.Timeout', allow(['Lambda.*']), 'ERROR_NOT_ALLOWED'],
      [undefined, allow(['Lambda.*']), 'ERROR_NOT_ALLOWED'],
      [undefined, allow(['*']), 'ERROR_NOT_ALLOWED'],
      ['', allow(['*']), 'REDRIVE'],
      ['States.Runtime', deny(['States.Runtime']), 'ERROR_NOT_ALLOWED'],
      ['States.Runtime', deny(['States.*']), 'ERROR_NOT_ALLOWED'],
      ['States.TaskFailed', deny(['*Failed']), 'ERROR_NOT_ALLOWED'],
      ['Lambda.Unknown', deny(['*.*']), 'ERROR_NOT_ALLOWED'],
      ['Anything', deny(['*']), 'ERROR_NOT_ALLOWED'],
      ['States.RuntimeX', deny(['States.Runtime']), 'REDRIVE'],
      ['MyStates.Runtime', deny(['States.*']), 'REDRIVE'],
      [undefined, deny(['*']), 'REDRIVE'],
    ])('error %j with %j -> %s', (error, errorFilter, expected) => {
      expect(summary(decideOn(factsWith({ error }), policyWith({ errorFilter }), NOW, 0.5, false))).toBe(expected);
    });
  });

  describe('backoff', () => {
    test.each<[string, BackoffSpec, Partial<ExecutionFacts>, number, string]>([
      ['none', NO_BACKOFF, {}, 0.5, 'REDRIVE'],
      ['fixed', fixed(300), {}, 0.5, 'SCHEDULE 300'],
      ['fixed 0 s', fixed(0), {}, 0.5, 'REDRIVE'],
      ['exponential, first redrive', exponential(), { redriveCount: 0 }, 0.5, 'SCHEDULE 60'],
      ['exponential, third redrive', exponential(), { redriveCount: 2 }, 0.5, 'SCHEDULE 240'],
      ['exponential, unknown count: as the first', exponential(), { redriveCount: undefined }, 0.5, 'SCHEDULE 60'],
      ['exponential, capped', exponential({ maxDelaySeconds: 100 }), { redriveCount: 2 }, 0.5, 'SCHEDULE 100'],
      ['exponential with jitter, middle draw', exponential({ jitter: true }), { redriveCount: 2 }, 0.5, 'SCHEDULE 180'],
      ['exponential with jitter, lowest draw', exponential({ jitter: true }), { redriveCount: 2 }, 0, 'SCHEDULE 120'],
      ['fixed, no stop date: never clamped', fixed(20 * 24 * 3600), { stopDate: undefined }, 0.5, `SCHEDULE ${20 * 24 * 3600}`],
    ])('%s', (_name, backoff, facts, random, expected) => {
      expect(summary(decideOn(factsWith(facts), policyWith({ backoff }), NOW, random, false))).toBe(expected);
    });

    test('an exponential backoff from 0 s (which readHandlerConfig accepts) redrives at once, whatever the count', () => {
      const policy = policyWith({ maxRedrives: 1000, backoff: exponential({ initialDelaySeconds: 0, multiplier: 10 }) });
      expect(decideOn(factsWith({ redriveCount: 3 }), policy, NOW, 0.5, false)).toEqual({ action: 'REDRIVE', redriveCount: 3 });
      // 10^400 overflows to Infinity: 0 * Infinity must not turn into a delay to the end of the redrive window.
      expect(decideOn(factsWith({ redriveCount: 400 }), policy, NOW, 0.5, false)).toEqual({ action: 'REDRIVE', redriveCount: 400 });
    });

    test.each([NO_BACKOFF, fixed(300), exponential(), exponential({ jitter: true })])('once waited (%j): redrive now', (backoff) => {
      expect(decideOn(FACTS, policyWith({ backoff }), NOW, 0.5, true)).toEqual({ action: 'REDRIVE', redriveCount: 0 });
    });

    test('once waited, the policy still applies', () => {
      expect(summary(decideOn(factsWith({ redriveCount: 3 }), policyWith({ backoff: fixed(300) }), NOW, 0.5, true))).toBe('EXHAUSTED');
      expect(summary(decideOn(factsWith({ status: 'ABORTED' }), policyWith({ backoff: fixed(300) }), NOW, 0.5, true))).toBe('STATUS_NOT_CHOSEN');
    });

    describe('near the end of the redrive window: due at least 1 hour before it closes', () => {
      const closesIn = (ms: number) => NOW.getTime() - REDRIVE_WINDOW_MS + ms;
      test.each<[string, number, number, string]>([
        ['a delay that ends 1 h before: kept', closesIn(2 * HOUR), 3600, 'SCHEDULE 3600'],
        ['a delay 1 s longer: clamped', closesIn(2 * HOUR), 3601, 'SCHEDULE 3600 clamped'],
        ['a long delay: clamped', closesIn(2 * HOUR), 7 * 24 * 3600, 'SCHEDULE 3600 clamped'],
        ['a delay that would end 90 min after the stop + 14 days: clamped', closesIn(90 * 60 * SECOND), 3 * 3600, 'SCHEDULE 1800 clamped'],
        ['closing in exactly 1 h: clamped to 0, redrive now', closesIn(HOUR), 60, 'REDRIVE'],
        ['closing in 30 min: clamped to 0, redrive now', closesIn(30 * 60 * SECOND), 60, 'REDRIVE'],
        ['closing now: redrive now', closesIn(0), 60, 'REDRIVE'],
        ['a stop in the future (clock skew): clamped to the window from that stop', NOW.getTime() + 3 * SECOND, 30 * 24 * 3600, `SCHEDULE ${14 * 24 * 3600 - 3600 + 3} clamped`],
      ])('%s', (_name, stopDate, seconds, expected) => {
        expect(summary(decideOn(factsWith({ stopDate }), policyWith({ backoff: fixed(seconds) }), NOW, 0.5, false))).toBe(expected);
      });

      test('a jittered delay is clamped too', () => {
        const decision = decideOn(factsWith({ stopDate: closesIn(2 * HOUR), redriveCount: 2 }),
          policyWith({ backoff: exponential({ maxDelaySeconds: 86_400, initialDelaySeconds: 3600, jitter: true }) }), NOW, 0.99, false);
        expect(decision).toEqual({ action: 'SCHEDULE', redriveCount: 2, delaySeconds: 3600, clamped: true });
      });
    });
  });

  describe('the policy\'s skips', () => {
    test('none when the policy allows the redrive', () => {
      expect(skipOf(FACTS)).toBeUndefined();
    });

    test('says why, with the values, in this order: status, redriveStatus, count, error, window', () => {
      const all: Partial<ExecutionFacts> = { status: 'ABORTED', redriveStatus: 'NOT_REDRIVABLE', redriveCount: 7, error: 'States.Runtime', stopDate: NOW.getTime() - 20 * DAY };
      const stopped = new Date(NOW.getTime() - 20 * DAY).toISOString();
      // Each reason, and the values its detail names: what the execution has, and what the policy wants.
      const expected: [string, Array<string | number>][] = [
        ['STATUS_NOT_CHOSEN', ['status', 'ABORTED', 'FAILED', 'TIMED_OUT']],
        ['NOT_REDRIVABLE', ['redriveStatus', 'NOT_REDRIVABLE']],
        ['EXHAUSTED', [7, 3]],
        ['ERROR_NOT_ALLOWED', ['States.Runtime']],
        ['REDRIVE_WINDOW_CLOSED', [stopped, 14]],
      ];
      const fixes: Partial<ExecutionFacts>[] = [{ status: 'FAILED' }, { redriveStatus: 'REDRIVABLE' }, { redriveCount: 0 }, { error: 'X' }, { stopDate: FACTS.stopDate }];
      let facts = factsWith(all);
      for (let i = 0; i < expected.length; i++) {
        expect(skipOf(facts)).toEqual({ action: 'SKIP', reason: expected[i][0], detail: aMessageNaming(...expected[i][1]) });
        facts = { ...facts, ...fixes[i] };
      }
      expect(skipOf(facts)).toBeUndefined();
    });

    test('an execution without an error under ALLOW_ONLY says "(none)"', () => {
      expect(skipOf(factsWith({ error: undefined }), policyWith({ errorFilter: { mode: 'ALLOW_ONLY', patterns: ['Lambda.*'] } })))
        .toEqual({ action: 'SKIP', reason: 'ERROR_NOT_ALLOWED', detail: aMessageNaming('(none)') });
    });
  });

  describe('no longer at the failure the trigger is about', () => {
    const ALL_STATUSES = policyWith({ statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'], maxRedrives: 10 });
    const sinceFailure = (now: ExecutionFacts, failureCount: number | undefined) =>
      decide(requestWith({ redriveCount: failureCount }), now, ALL_STATUSES, NOW, 0.5);
    test.each<[string, Partial<ExecutionFacts>, number | undefined, string | undefined]>([
      ['the same failure', { redriveCount: 2 }, 2, undefined],
      ['the count moved on', { redriveCount: 3 }, 2, 'REDRIVEN_SINCE_FAILURE'],
      ['the count moved on and it is running', { redriveCount: 3, status: 'RUNNING' }, 2, 'ALREADY_REDRIVEN_OR_RUNNING'],
      ['the count moved on and it succeeded', { redriveCount: 3, status: 'SUCCEEDED' }, 2, 'REDRIVEN_SINCE_FAILURE'],
      ['a count lower than the failure\'s', { redriveCount: 1 }, 2, 'REDRIVEN_SINCE_FAILURE'],
      ['running again at the same count', { redriveCount: 2, status: 'RUNNING' }, 2, 'ALREADY_REDRIVEN_OR_RUNNING'],
      ['pending redrive at the same count', { redriveCount: 2, status: 'PENDING_REDRIVE' }, 2, 'ALREADY_REDRIVEN_OR_RUNNING'],
      ['succeeded at the same count', { redriveCount: 2, status: 'SUCCEEDED' }, 2, 'NOT_REDRIVABLE'],
      ['timed out at the same count', { redriveCount: 2, status: 'TIMED_OUT' }, 2, undefined],
      ['aborted at the same count', { redriveCount: 2, status: 'ABORTED' }, 2, undefined],
      ['an unknown failure count: failed', { redriveCount: 5 }, undefined, undefined],
      ['an unknown failure count: running', { redriveCount: 5, status: 'RUNNING' }, undefined, 'ALREADY_REDRIVEN_OR_RUNNING'],
      ['an unknown failure count: pending redrive', { redriveCount: 5, status: 'PENDING_REDRIVE' }, undefined, 'ALREADY_REDRIVEN_OR_RUNNING'],
      ['an unknown failure count: succeeded', { redriveCount: 5, status: 'SUCCEEDED' }, undefined, 'NOT_REDRIVABLE'],
    ])('%s', (_name, now, failureCount, expected) => {
      const decision = sinceFailure(factsWith(now), failureCount);
      if (expected === undefined) expect(decision.action).toBe('REDRIVE');
      else expect(decision).toMatchObject({ action: 'SKIP', reason: expected, detail: expect.stringMatching(/.+/) });
    });

    test('names both counts', () => {
      expect(sinceFailure(factsWith({ redriveCount: 4 }), 2)).toEqual({
        action: 'SKIP', reason: 'REDRIVEN_SINCE_FAILURE', detail: aMessageNaming(2, 4),
      });
    });
  });

  describe('a fresh event is redriven on its word; anything else looks first', () => {
    const request = (claim: Partial<ExecutionFacts> | undefined, trigger: 'event' | 'schedule' = 'event'): RedriveRequest =>
      requestWith({ trigger, redriveCount: claim?.redriveCount, claim: claim && factsWith(claim) });
    const isFresh = (req: RedriveRequest, policy: HandlerPolicy) => {
      const decision = decide(req, undefined, policy, NOW, 0.5);
      expect(['REDRIVE', 'LOOK']).toContain(decision.action);
      return decision.action === 'REDRIVE';
    };
    const stoppedAgo = (ms: number) => ({ stopDate: NOW.getTime() - ms, redriveCount: 1 });

    test('the limits', () => {
      expect(FRESH_EVENT_MS).toBe(60_000);
      expect(CLIENT_TOKEN_MEMORY).toBe(10);
    });

    test.each<[string, RedriveRequest, Partial<HandlerPolicy>, boolean]>([
      ['an event just handled', request(stoppedAgo(SECOND)), {}, true],
      ['an event handled at the stop', request(stoppedAgo(0)), {}, true],
      ['an event handled exactly 60 s after the stop', request(stoppedAgo(FRESH_EVENT_MS)), {}, true],
      ['an event handled 60 s and 1 ms after the stop', request(stoppedAgo(FRESH_EVENT_MS + 1)), {}, false],
      ['an event an hour old', request(stoppedAgo(HOUR)), {}, false],
      ['a stop 5 s in the future (clock skew)', request(stoppedAgo(-5 * SECOND)), {}, true],
      ['a stop 5 s and 1 ms in the future', request(stoppedAgo(-5 * SECOND - 1)), {}, false],
      ['a stop an hour in the future', request(stoppedAgo(-HOUR)), {}, false],
      ['an event without a redrive count', request({ stopDate: NOW.getTime() - SECOND, redriveCount: undefined }), {}, false],
      ['an event without a stop date', request({ stopDate: undefined, redriveCount: 1 }), {}, false],
      ['an event with a redrive count of 0', request({ stopDate: NOW.getTime() - SECOND, redriveCount: 0 }), {}, true],
      ['a schedule, even with fresh facts', request(stoppedAgo(SECOND), 'schedule'), {}, false],
      ['a trigger without a claim', request(undefined), {}, false],
      ['maxRedrives of 10, what Step Functions remembers', request(stoppedAgo(SECOND)), { maxRedrives: CLIENT_TOKEN_MEMORY }, true],
      ['maxRedrives of 11, more than Step Functions remembers', request(stoppedAgo(SECOND)), { maxRedrives: CLIENT_TOKEN_MEMORY + 1 }, false],
      ['maxRedrives of 1000', request(stoppedAgo(SECOND)), { maxRedrives: 1000 }, false],
    ])('%s', (_name, req, policy, expected) => {
      expect(isFresh(req, policyWith(policy))).toBe(expected);
    });

    test('reads the claim\'s count, not only the request\'s', () => {
      const claimWithoutCount = factsWith({ stopDate: NOW.getTime(), redriveCount: undefined });
      expect(isFresh({ ...request(stoppedAgo(SECOND)), claim: claimWithoutCount }, POLICY)).toBe(false);
    });
  });

  describe('properties', () => {
    const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE', 'UNKNOWN'];
    const PATTERNS = ['States.*', '*Timeout', 'Lambda.*Exception', '*', 'Custom', 'States.Runtime', 'a.b+c(*)', '*.*'];
    const ERRORS = ['States.Runtime', 'States.Timeout', 'States.TaskFailed', 'Lambda.ServiceException', 'Lambda.Unknown', 'MyTimeout', 'Custom', 'a.b+c(d)', ''];

    /** An independent oracle for a `*` pattern: `*` matches any run of characters, everything else itself. */
    const globMatches = (name: string, pattern: string): boolean => {
      if (pattern === '') return name === '';
      if (pattern[0] === '*') {
        for (let i = 0; i <= name.length; i++) if (globMatches(name.slice(i), pattern.slice(1))) return true;
        return false;
      }
      return name.length > 0 && name[0] === pattern[0] && globMatches(name.slice(1), pattern.slice(1));
    };
    const filterAllows = (error: string | undefined, filter: ErrorFilterSpec): boolean => {
      if (filter.mode === 'ALL') return true;
      const matched = error !== undefined && filter.patterns.some((pattern) => globMatches(error, pattern));
      return filter.mode === 'ALLOW_ONLY' ? matched : !matched;
    };

    const factsArbitrary: fc.Arbitrary<ExecutionFacts> = fc.record({
      status: fc.constantFrom(...STATUSES),
      redriveStatus: fc.option(fc.constantFrom('REDRIVABLE', 'NOT_REDRIVABLE', 'REDRIVE_IN_PROGRESS'), { nil: undefined }),
      redriveCount: fc.option(fc.oneof(fc.nat(12), fc.nat(2000)), { nil: undefined }),
      stopDate: fc.option(fc.oneof(
        fc.integer({ min: -10 * SECOND, max: 30 * DAY }),
        fc.integer({ min: REDRIVE_WINDOW_MS - 2 * DAY, max: REDRIVE_WINDOW_MS + HOUR }),
      ).map((ageMs) => NOW.getTime() - ageMs), { nil: undefined }),
      error: fc.option(fc.oneof(fc.constantFrom(...ERRORS), fc.string({ unit: fc.constantFrom('S', 't', 'a', '.', '*', 'x', '\n', 'é'), maxLength: 8 })), { nil: undefined }),
    }, { requiredKeys: ['status'] });
    const backoffArbitrary: fc.Arbitrary<BackoffSpec> = fc.oneof(
      fc.constant(NO_BACKOFF),
      fc.integer({ min: 0, max: 20 * 24 * 3600 }).map(fixed),
      fc.record({
        initialDelaySeconds: fc.integer({ min: 1, max: 86_400 }),
        extraSeconds: fc.integer({ min: 0, max: 20 * 24 * 3600 }),
        multiplier: fc.double({ min: 1, max: 10, noNaN: true }),
        jitter: fc.boolean(),
      }).map(({ initialDelaySeconds, extraSeconds, multiplier, jitter }) =>
        exponential({ initialDelaySeconds, maxDelaySeconds: initialDelaySeconds + extraSeconds, multiplier, jitter })),
    );
    const policyArbitrary: fc.Arbitrary<HandlerPolicy> = fc.record({
      maxRedrives: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 1000 })),
      statuses: fc.subarray(['FAILED', 'TIMED_OUT', 'ABORTED'], { minLength: 1 }),
      errorFilter: fc.oneof(
        fc.constant<ErrorFilterSpec>({ mode: 'ALL', patterns: [] }),
        fc.record({ mode: fc.constantFrom<'ALLOW_ONLY' | 'DENY'>('ALLOW_ONLY', 'DENY'), patterns: fc.subarray(PATTERNS, { minLength: 1 }) }),
      ),
      backoff: backoffArbitrary,
      dryRun: fc.constant(false),
    });
    const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    const input = fc.tuple(factsArbitrary, policyArbitrary, random, fc.boolean());

    test('redrives or schedules exactly when every rule allows it', () => {
      fc.assert(fc.property(input, ([facts, policy, draw, backoffWaited]) => {
        const decision = decideOn(facts, policy, NOW, draw, backoffWaited);
        const allowed = policy.statuses.includes(facts.status) &&
          (facts.redriveStatus === undefined || facts.redriveStatus === 'REDRIVABLE') &&
          (facts.redriveCount === undefined || facts.redriveCount < policy.maxRedrives) &&
          filterAllows(facts.error, policy.errorFilter) &&
          (facts.stopDate === undefined || NOW.getTime() - facts.stopDate <= 14 * DAY);
        expect(decision.action !== 'SKIP').toBe(allowed);
        if (decision.action === 'SKIP') expect(decision.detail.length).toBeGreaterThan(0);
      }), { numRuns: 5000 });
    });

    test('never redrives or schedules at or beyond maxRedrives', () => {
      fc.assert(fc.property(input, fc.nat(2000), ([facts, policy, draw, backoffWaited], count) => {
        const decision = decideOn({ ...facts, redriveCount: policy.maxRedrives + (count % 3) }, policy, NOW, draw, backoffWaited);
        expect(decision.action).toBe('SKIP');
      }));
    });

    test('never redrives or schedules a status the policy did not choose, past the window, or an error the filter rejects', () => {
      fc.assert(fc.property(input, ([facts, policy, draw, backoffWaited]) => {
        const decision = decideOn(facts, policy, NOW, draw, backoffWaited);
        if (decision.action === 'SKIP') return;
        expect(policy.statuses).toContain(facts.status);
        if (facts.stopDate !== undefined) expect(NOW.getTime() - facts.stopDate).toBeLessThanOrEqual(REDRIVE_WINDOW_MS);
        expect(filterAllows(facts.error, policy.errorFilter)).toBe(true);
      }), { numRuns: 3000 });
    });

    test('a schedule is only for an unwaited backoff, > 0 s, and due no later than 1 h before the window closes', () => {
      fc.assert(fc.property(input, ([facts, policy, draw, backoffWaited]) => {
        const decision = decideOn(facts, policy, NOW, draw, backoffWaited);
        if (decision.action !== 'SCHEDULE') return;
        expect(backoffWaited).toBe(false);
        expect(policy.backoff.kind).not.toBe('NONE');
        expect(Number.isFinite(decision.delaySeconds)).toBe(true);
        expect(decision.delaySeconds).toBeGreaterThan(0);
        const wanted = redriveDelaySeconds(policy.backoff, facts.redriveCount ?? 0, draw);
        expect(decision.clamped).toBe(decision.delaySeconds < wanted);
        if (!decision.clamped) expect(decision.delaySeconds).toBe(wanted);
        if (facts.stopDate !== undefined) {
          // As the redrive path computes the due time.
          const due = new Date(NOW.getTime() + decision.delaySeconds * 1000).getTime();
          expect(due).toBeLessThanOrEqual(facts.stopDate + REDRIVE_WINDOW_MS - HOUR);
        } else {
          expect(decision.clamped).toBe(false);
        }
      }), { numRuns: 5000 });
    });

    test('with no backoff, or once it is waited, never schedules', () => {
      fc.assert(fc.property(input, ([facts, policy, draw, backoffWaited]) => {
        expect(decideOn(facts, { ...policy, backoff: NO_BACKOFF }, NOW, draw, backoffWaited).action).not.toBe('SCHEDULE');
        expect(decideOn(facts, policy, NOW, draw, true).action).not.toBe('SCHEDULE');
      }));
    });

    test('is deterministic and leaves its inputs alone', () => {
      fc.assert(fc.property(input, ([facts, policy, draw, backoffWaited]) => {
        const factsBefore = structuredClone(facts);
        const policyBefore = structuredClone(policy);
        const first = decideOn(facts, policy, NOW, draw, backoffWaited);
        expect(decideOn(structuredClone(facts), structuredClone(policy), new Date(NOW.getTime()), draw, backoffWaited)).toEqual(first);
        expect(facts).toEqual(factsBefore);
        expect(policy).toEqual(policyBefore);
      }));
    });

    test('a dry run acts on nothing, and skips with DRY_RUN exactly where the policy would act', () => {
      fc.assert(fc.property(input, ([facts, policy, draw, backoffWaited]) => {
        const real = decideOn(facts, policy, NOW, draw, backoffWaited);
        const dry = decideOn(facts, { ...policy, dryRun: true }, NOW, draw, backoffWaited);
        if (real.action === 'SKIP') expect(dry).toEqual(real);
        else expect(dry).toMatchObject({ action: 'SKIP', reason: 'DRY_RUN', detail: aMessageNaming('redrive') });
      }), { numRuns: 2000 });
    });

    test('errorAllowed agrees with the oracle for any error and patterns', () => {
      const name = fc.string({ unit: fc.constantFrom('a', 'b', '.', '*', '+', '(', ')', '\n', '$', '^', '\\'), maxLength: 8 });
      fc.assert(fc.property(fc.option(name, { nil: undefined }), fc.constantFrom('ALL', 'ALLOW_ONLY', 'DENY') as fc.Arbitrary<ErrorFilterSpec['mode']>,
        fc.array(name.filter((pattern) => !pattern.includes('**') && pattern.length > 0), { maxLength: 3 }), (error, mode, patterns) => {
          expect(errorAllowed(error, { mode, patterns })).toBe(filterAllows(error, { mode, patterns }));
        }), { numRuns: 3000 });
    });
  });
});

describe('decide, before it looks', () => {
  const fresh: Partial<ExecutionFacts> = { redriveCount: 0, stopDate: NOW.getTime() - SECOND };
  const eventWith = (claim: Partial<ExecutionFacts>, overrides: Partial<RedriveRequest> = {}): RedriveRequest =>
    requestWith({ trigger: 'event', redriveCount: claim.redriveCount, claim: factsWith(claim), ...overrides });

  test.each<[string, RedriveRequest, Partial<HandlerPolicy>, Decision]>([
    ['a trigger that claims nothing: look', requestWith(), {}, { action: 'LOOK' }],
    ['a fresh, complete event: redrive at its count', eventWith(fresh), {}, { action: 'REDRIVE', redriveCount: 0 }],
    ['the same event when another of its execution came first in the batch: look', eventWith(fresh, { lookFirst: true }), {}, { action: 'LOOK' }],
    ['a fresh event without its error, under an error filter: look', eventWith({ ...fresh, error: undefined }), {}, { action: 'LOOK' }],
    ['a fresh event without its error, every error allowed: redrive', eventWith({ ...fresh, error: undefined }), { errorFilter: { mode: 'ALL', patterns: [] } },
      { action: 'REDRIVE', redriveCount: 0 }],
    ['a stale complete claim under a backoff: schedule, and look when due', eventWith({ ...fresh, stopDate: NOW.getTime() - HOUR }, { trigger: 'sweep' }),
      { backoff: fixed(300) }, { action: 'SCHEDULE', redriveCount: 0, delaySeconds: 300, clamped: false }],
    ['a stale complete claim without a backoff: look', eventWith({ ...fresh, stopDate: NOW.getTime() - HOUR }, { trigger: 'sweep' }), {}, { action: 'LOOK' }],
    ['a fresh event under a dry run: says it would redrive', eventWith(fresh), { dryRun: true },
      { action: 'SKIP', reason: 'DRY_RUN', detail: aMessageNaming('redrive', 'now') }],
    ['a person\'s checked act: redrive at the count the check saw', requestWith({ trigger: 'cli', checked: true, redriveCount: 2 }), {},
      { action: 'REDRIVE', redriveCount: 2 }],
    ['a person\'s checked act under a dry run: look again', requestWith({ trigger: 'cli', checked: true, redriveCount: 2 }), { dryRun: true }, { action: 'LOOK' }],
  ])('%s', (_name, request, policy, expected) => {
    expect(decide(request, undefined, policyWith(policy), NOW, 0.5)).toEqual(expected);
  });

  test('a claim the policy forbids is skipped on its word; one it leaves out a field of is not', () => {
    expect(decide(eventWith({ redriveCount: 3 }), undefined, POLICY, NOW, 0.5)).toMatchObject({ action: 'SKIP', reason: 'EXHAUSTED' });
    expect(decide(eventWith({ error: 'States.Runtime' }), undefined, POLICY, NOW, 0.5)).toMatchObject({ action: 'SKIP', reason: 'ERROR_NOT_ALLOWED' });
    expect(decide(eventWith({ error: undefined, redriveCount: undefined }), undefined, POLICY, NOW, 0.5)).toEqual({ action: 'LOOK' });
  });

  test('a Distributed Map child is redriven through its parent, whatever is known of it', () => {
    const child = requestWith({ execution: { ...EXECUTION, mapRunLabel: 'map' } });
    expect(decide(child, undefined, POLICY, NOW, 0.5)).toMatchObject({ action: 'SKIP', reason: 'MAP_RUN_CHILD' });
    expect(decide(child, FACTS, POLICY, NOW, 0.5)).toMatchObject({ action: 'SKIP', reason: 'MAP_RUN_CHILD' });
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
    ['States.Timeout', 'ALLOW_ONLY', [], false],
    ['States.Runtime', 'DENY', ['States.Runtime'], false],
    ['States.RuntimeX', 'DENY', ['States.Runtime'], true],
    ['States.Timeout', 'DENY', [], true],
    [undefined, 'DENY', ['*'], true],
    ['a.b+c(d)', 'ALLOW_ONLY', ['a.b+c(*)'], true],
    ['aXb+c(d)', 'ALLOW_ONLY', ['a.b+c(*)'], false],
    ['line\nbreak', 'ALLOW_ONLY', ['line*break'], true],
  ])('%j with %s %j -> %s', (error, mode, patterns, expected) => {
    expect(errorAllowed(error, { mode, patterns })).toBe(expected);
  });
});

describe('idempotency names', () => {
  const arnArbitrary = fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }))
    .map(([machine, name]) => `arn:aws:states:us-east-1:123456789012:execution:${machine}:${name}`);
  const CLIENT_TOKEN = /^[!-~]{1,64}$/;
  const SCHEDULE_NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

  test('the redrive token: 1 to 64 of [!-~], the same for the same failure, different for another', () => {
    fc.assert(fc.property(arnArbitrary, arnArbitrary, fc.nat(1000), fc.nat(1000), (arn, otherArn, count, otherCount) => {
      const token = redriveClientToken(arn, count);
      expect(token).toMatch(CLIENT_TOKEN);
      expect(redriveClientToken(arn, count)).toBe(token);
      if (count !== otherCount) expect(redriveClientToken(arn, otherCount)).not.toBe(token);
      if (arn !== otherArn) expect(redriveClientToken(otherArn, count)).not.toBe(token);
    }));
  });

  test('the backoff schedule name: at most 64 of [0-9a-zA-Z-_.], the same for the same failure, different for another', () => {
    fc.assert(fc.property(arnArbitrary, arnArbitrary, fc.nat(1000), fc.nat(1000), (arn, otherArn, count, otherCount) => {
      const name = redriveScheduleName(arn, count);
      expect(name).toMatch(SCHEDULE_NAME);
      expect(redriveScheduleName(arn, count)).toBe(name);
      if (count !== otherCount) expect(redriveScheduleName(arn, otherCount)).not.toBe(name);
      if (arn !== otherArn) expect(redriveScheduleName(otherArn, count)).not.toBe(name);
    }));
  });

  test('put-off names: valid schedule names, one per put-off, none the backoff schedule\'s', () => {
    fc.assert(fc.property(arnArbitrary, fc.option(fc.nat(1000), { nil: undefined }), (arn, count) => {
      const names = Array.from({ length: 49 }, (_, putOffs) => putOffScheduleName(arn, count, putOffs));
      for (const name of names) expect(name).toMatch(SCHEDULE_NAME);
      expect(new Set(names).size).toBe(names.length);
      expect(putOffScheduleName(arn, count, 3)).toBe(names[3]);
      expect(names).not.toContain(redriveScheduleName(arn, count ?? 0));
      if (count !== undefined) expect(names).not.toContain(putOffScheduleName(arn, undefined, 1));
    }), { numRuns: 200 });
  });
});
