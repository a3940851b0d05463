import { readHandlerConfig } from '../../lambda/redrive/config';
import { ENV } from '../../src/shared/contract';
import { naming } from '../support/messages';

const BACKOFF = { kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 3600, multiplier: 2, jitter: true };
const GOOD_POLICY = { maxRedrives: 3, statuses: ['FAILED', 'TIMED_OUT'], errorFilter: { mode: 'DENY', patterns: ['States.Runtime', 'Lambda.*'] }, backoff: BACKOFF, dryRun: false };

/**
 * The environment the construct writes (src/private/handler-environment.ts): every ENV variable;
 * TRACING and DETAILED_METRICS only when on; OUTCOME_EVENTS 'true' or 'false'.
 */
const environment = (overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
  [ENV.POLICY]: JSON.stringify(GOOD_POLICY),
  [ENV.DEAD_LETTER_QUEUE_URL]: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
  [ENV.SCHEDULE_GROUP]: 'StackAutoRedriveDelayedRedrives',
  [ENV.SCHEDULER_ROLE_ARN]: 'arn:aws:iam::123456789012:role/scheduler',
  [ENV.DEAD_LETTER_QUEUE_ARN]: 'arn:aws:sqs:us-east-1:123456789012:dlq',
  [ENV.INTAKE_QUEUE_ARN]: 'arn:aws:sqs:us-east-1:123456789012:intake',
  [ENV.NAME]: 'StackAutoRedrive1A2B3C4D',
  [ENV.OUTCOME_EVENT_BUS]: 'ops-bus',
  [ENV.METRICS_NAMESPACE]: 'CdkStepFunctionsRedrive',
  [ENV.OUTCOME_EVENTS]: 'false',
  AWS_RETRY_MODE: 'adaptive',
  AWS_MAX_ATTEMPTS: '4',
  ...overrides,
});
const withPolicy = (policy: unknown) => environment({ [ENV.POLICY]: JSON.stringify(policy) });
const withPolicyField = (field: string, value: unknown) => withPolicy({ ...GOOD_POLICY, [field]: value });
const withBackoffField = (field: string, value: unknown) => withPolicy({ ...GOOD_POLICY, backoff: { ...BACKOFF, [field]: value } });
const without = (field: string) => {
  const policy: Record<string, unknown> = { ...GOOD_POLICY };
  delete policy[field];
  return withPolicy(policy);
};

/** The message readHandlerConfig throws for `env`; fails the test when it throws nothing. */
function problemOf(env: Record<string, string | undefined>): string {
  try {
    readHandlerConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
  throw new Error('expected readHandlerConfig to throw');
}

describe('readHandlerConfig', () => {
  test('reads what the construct writes', () => {
    expect(readHandlerConfig(environment())).toEqual({
      policy: GOOD_POLICY,
      deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
      scheduling: {
        scheduleGroup: 'StackAutoRedriveDelayedRedrives',
        schedulerRoleArn: 'arn:aws:iam::123456789012:role/scheduler',
        deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:dlq',
        intakeQueueArn: 'arn:aws:sqs:us-east-1:123456789012:intake',
      },
      name: 'StackAutoRedrive1A2B3C4D',
      outcomeEventBus: 'ops-bus',
      metricsNamespace: 'CdkStepFunctionsRedrive',
      tracing: false,
      outcomeEvents: false,
      detailedMetrics: false,
    });
  });

  test('keeps only the policy fields it knows', () => {
    const config = readHandlerConfig(withPolicy({
      ...GOOD_POLICY, extra: 1, backoff: { ...BACKOFF, extra: 2 }, errorFilter: { ...GOOD_POLICY.errorFilter, extra: 3 },
    }));
    expect(config.policy).toEqual(GOOD_POLICY);
  });

  test.each([
    ['no backoff', { kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false }],
    ['a fixed backoff', { kind: 'FIXED', initialDelaySeconds: 300, maxDelaySeconds: 300, multiplier: 1, jitter: false }],
    ['an exponential backoff without jitter', { ...BACKOFF, multiplier: 1.5, jitter: false }],
  ])('reads %s, and still needs the scheduling settings (throttled redrives are put off with a schedule)', (_name, backoff) => {
    expect(readHandlerConfig(withPolicy({ ...GOOD_POLICY, backoff })).policy.backoff).toEqual(backoff);
    expect(problemOf({ ...withPolicy({ ...GOOD_POLICY, backoff }), [ENV.SCHEDULE_GROUP]: undefined })).toMatch(naming(ENV.SCHEDULE_GROUP));
  });

  test.each([
    ['ALL', []],
    ['ALLOW_ONLY', ['Lambda.*', 'States.Timeout', '*Exception']],
    ['DENY', ['States.Runtime']],
  ])('reads error filter %s', (mode, patterns) => {
    expect(readHandlerConfig(withPolicyField('errorFilter', { mode, patterns })).policy.errorFilter).toEqual({ mode, patterns });
  });

  test('reads dry run and every status', () => {
    const config = readHandlerConfig(withPolicy({ ...GOOD_POLICY, dryRun: true, statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'], maxRedrives: 1000 }));
    expect(config.policy).toMatchObject({ dryRun: true, statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'], maxRedrives: 1000 });
  });

  const SWITCHES = [['TRACING', 'tracing'], ['OUTCOME_EVENTS', 'outcomeEvents'], ['DETAILED_METRICS', 'detailedMetrics']] as const;
  describe.each(SWITCHES)('%s is a switch, off unless exactly "true"', (key, field) => {
    test.each<[string | undefined, boolean]>([['true', true], [undefined, false], ['false', false], ['', false], ['TRUE', false]])(
      '%j -> %j', (value, on) => {
        expect(readHandlerConfig(environment({ [ENV[key]]: value }))[field]).toBe(on);
      });
  });

  describe('every variable the construct writes is needed, and a missing one is named', () => {
    const needed = Object.entries(ENV).filter(([key]) => !SWITCHES.some(([name]) => name === key));
    test('the environment above sets every variable of the contract', () => {
      for (const [key, variable] of needed) expect({ key, set: Boolean(environment()[variable]) }).toEqual({ key, set: true });
    });
    test.each(needed)('%s (%s), missing or empty', (_key, variable) => {
      expect(problemOf(environment({ [variable]: undefined }))).toMatch(naming(variable));
      expect(problemOf(environment({ [variable]: '' }))).toMatch(naming(variable));
    });
  });

  test.each<[string, Record<string, string | undefined>, string]>([
    ['a policy that is not JSON', { [ENV.POLICY]: '{' }, 'JSON'],
    ['a policy that is null', withPolicy(null), 'maxRedrives'],
    ['a policy that is a list', withPolicy([GOOD_POLICY]), 'maxRedrives'],
    ['a policy that is a string', withPolicy('policy'), 'maxRedrives'],
    ['no maxRedrives', without('maxRedrives'), 'maxRedrives'],
    ['maxRedrives 0', withPolicyField('maxRedrives', 0), 'maxRedrives'],
    ['maxRedrives -1', withPolicyField('maxRedrives', -1), 'maxRedrives'],
    ['maxRedrives 1.5', withPolicyField('maxRedrives', 1.5), 'maxRedrives'],
    ['maxRedrives "3"', withPolicyField('maxRedrives', '3'), 'maxRedrives'],
    ['no statuses', without('statuses'), 'statuses'],
    ['statuses a string', withPolicyField('statuses', 'FAILED'), 'statuses'],
    ['statuses with a number', withPolicyField('statuses', ['FAILED', 1]), 'statuses'],
    ['no dryRun', without('dryRun'), 'dryRun'],
    ['dryRun "no"', withPolicyField('dryRun', 'no'), 'dryRun'],
    ['no errorFilter', without('errorFilter'), 'errorFilter.mode'],
    ['errorFilter mode SOME', withPolicyField('errorFilter', { mode: 'SOME', patterns: [] }), 'errorFilter.mode'],
    ['errorFilter without patterns', withPolicyField('errorFilter', { mode: 'DENY' }), 'errorFilter.patterns'],
    ['errorFilter patterns a string', withPolicyField('errorFilter', { mode: 'DENY', patterns: 'States.*' }), 'errorFilter.patterns'],
    ['an empty pattern', withPolicyField('errorFilter', { mode: 'DENY', patterns: [''] }), 'errorFilter.patterns'],
    ['a blank pattern', withPolicyField('errorFilter', { mode: 'DENY', patterns: ['  '] }), 'errorFilter.patterns'],
    ['a pattern with "**"', withPolicyField('errorFilter', { mode: 'ALLOW_ONLY', patterns: ['States.**'] }), 'errorFilter.patterns'],
    ['a pattern with white space around', withPolicyField('errorFilter', { mode: 'ALLOW_ONLY', patterns: [' States.Timeout'] }), 'errorFilter.patterns'],
    ['a pattern with a control character', withPolicyField('errorFilter', { mode: 'ALLOW_ONLY', patterns: ['States.\n'] }), 'errorFilter.patterns'],
    ['a pattern of 257 characters', withPolicyField('errorFilter', { mode: 'ALLOW_ONLY', patterns: ['E'.repeat(257)] }), 'errorFilter.patterns'],
    ['a numeric pattern', withPolicyField('errorFilter', { mode: 'ALLOW_ONLY', patterns: [5] }), 'errorFilter.patterns'],
    ['no backoff', without('backoff'), 'backoff'],
    ['backoff kind LINEAR', withBackoffField('kind', 'LINEAR'), 'kind'],
    ['no initialDelaySeconds', withBackoffField('initialDelaySeconds', undefined), 'initialDelaySeconds'],
    ['a negative initialDelaySeconds', withBackoffField('initialDelaySeconds', -1), 'initialDelaySeconds'],
    ['a string maxDelaySeconds', withBackoffField('maxDelaySeconds', '60'), 'maxDelaySeconds'],
    ['a negative maxDelaySeconds', withBackoffField('maxDelaySeconds', -60), 'maxDelaySeconds'],
    ['multiplier 0.5', withBackoffField('multiplier', 0.5), 'multiplier'],
    ['no multiplier', withBackoffField('multiplier', undefined), 'multiplier'],
    ['jitter "yes"', withBackoffField('jitter', 'yes'), 'jitter'],
  ])('a bad configuration fails loudly, naming what is wrong: %s', (_name, env, field) => {
    // The variable, and the field of the policy at fault.
    expect(problemOf(env)).toMatch(naming(ENV.POLICY, field));
  });

  test('a bad backoff names every field a backoff needs', () => {
    expect(problemOf(withBackoffField('jitter', 'yes'))).toMatch(naming(ENV.POLICY, 'backoff', 'kind', 'initialDelaySeconds', 'maxDelaySeconds', 'multiplier', 'jitter'));
  });
});
