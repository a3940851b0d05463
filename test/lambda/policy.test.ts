import { readHandlerConfig } from '../../lambda/redrive/policy';
import { ENV } from '../../src/shared/contract';

const BACKOFF = { kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 3600, multiplier: 2, jitter: true };
const GOOD_POLICY = { maxRedrives: 3, statuses: ['FAILED'], errorFilter: { mode: 'DENY', patterns: ['States.Runtime'] }, backoff: BACKOFF, dryRun: false };
const environment = (overrides: Record<string, string | undefined> = {}) => ({
  [ENV.POLICY]: JSON.stringify(GOOD_POLICY),
  [ENV.RULE_NAME_PREFIX]: 'StackAutoRedrive1A2B3C4D',
  [ENV.RULE_COUNT]: '2',
  [ENV.DEAD_LETTER_QUEUE_URL]: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
  [ENV.SCHEDULE_GROUP]: 'StackAutoRedriveDelayedRedrives',
  [ENV.SCHEDULER_ROLE_ARN]: 'arn:aws:iam::123456789012:role/scheduler',
  [ENV.DEAD_LETTER_QUEUE_ARN]: 'arn:aws:sqs:us-east-1:123456789012:dlq',
  [ENV.NAME]: 'StackAutoRedrive1A2B3C4D',
  [ENV.OUTCOME_EVENT_BUS]: 'ops-bus',
  ...overrides,
});

describe('readHandlerConfig', () => {
  test('reads what the construct writes', () => {
    expect(readHandlerConfig(environment())).toEqual({
      policy: GOOD_POLICY,
      ruleNames: ['StackAutoRedrive1A2B3C4D-1', 'StackAutoRedrive1A2B3C4D-2'],
      deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
      scheduling: {
        scheduleGroup: 'StackAutoRedriveDelayedRedrives',
        schedulerRoleArn: 'arn:aws:iam::123456789012:role/scheduler',
        deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:dlq',
      },
      name: 'StackAutoRedrive1A2B3C4D',
      outcomeEventBus: 'ops-bus',
      tracing: false,
    });
  });

  test('tracing is on when the construct says so', () => {
    expect(readHandlerConfig(environment({ [ENV.TRACING]: 'true' })).tracing).toBe(true);
  });

  test('needs no scheduling settings when the backoff never delays', () => {
    const policy = { ...GOOD_POLICY, backoff: { kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false } };
    const config = readHandlerConfig(environment({ [ENV.POLICY]: JSON.stringify(policy), [ENV.SCHEDULE_GROUP]: undefined }));
    expect(config.scheduling).toBeUndefined();
  });

  test.each([
    [{ [ENV.DEAD_LETTER_QUEUE_URL]: undefined }, 'AUTO_REDRIVE_DEAD_LETTER_QUEUE_URL is not set'],
    [{ [ENV.SCHEDULE_GROUP]: '' }, 'AUTO_REDRIVE_SCHEDULE_GROUP is not set'],
    [{ [ENV.RULE_COUNT]: '0' }, 'AUTO_REDRIVE_RULE_COUNT must be a whole number of at least 1'],
    [{ [ENV.POLICY]: '{' }, 'AUTO_REDRIVE_POLICY is not JSON'],
    [{ [ENV.POLICY]: JSON.stringify({ ...GOOD_POLICY, maxRedrives: 0 }) }, 'needs maxRedrives'],
    [{ [ENV.POLICY]: JSON.stringify({ ...GOOD_POLICY, statuses: 'FAILED' }) }, 'needs statuses'],
    [{ [ENV.POLICY]: JSON.stringify({ ...GOOD_POLICY, dryRun: 'no' }) }, 'needs dryRun'],
    [{ [ENV.POLICY]: JSON.stringify({ ...GOOD_POLICY, errorFilter: { mode: 'SOME' } }) }, 'needs errorFilter.mode'],
    [{ [ENV.POLICY]: JSON.stringify({ ...GOOD_POLICY, errorFilter: { mode: 'DENY', patterns: [''] } }) }, 'needs errorFilter.patterns'],
    [{ [ENV.POLICY]: JSON.stringify({ ...GOOD_POLICY, backoff: { ...BACKOFF, multiplier: 0.5 } }) }, 'needs backoff'],
  ])('a bad configuration fails loudly: %j', (overrides, message) => {
    expect(() => readHandlerConfig(environment(overrides))).toThrow(message);
  });
});
