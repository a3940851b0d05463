import { readHandlerConfig } from '../../lambda/redrive/policy';
import { ENV } from '../../src/private/contract';

const GOOD_POLICY = { maxRedrives: 3, statuses: ['FAILED'], errorFilter: { mode: 'DENY', patterns: ['States.Runtime'] }, dryRun: false };
const environment = (overrides: Record<string, string | undefined> = {}) => ({
  [ENV.POLICY]: JSON.stringify(GOOD_POLICY),
  [ENV.STATE_MACHINE_ARN_PREFIX]: 'arn:aws:states:us-east-1:123456789012:stateMachine:',
  [ENV.STATE_MACHINE_NAMES]: 'orders,payments',
  [ENV.DEAD_LETTER_QUEUE_URL]: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
  ...overrides,
});

describe('readHandlerConfig', () => {
  test('reads what the construct writes', () => {
    expect(readHandlerConfig(environment())).toEqual({
      policy: GOOD_POLICY,
      stateMachineArns: new Set([
        'arn:aws:states:us-east-1:123456789012:stateMachine:orders',
        'arn:aws:states:us-east-1:123456789012:stateMachine:payments',
      ]),
      deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
    });
  });

  test.each([
    [{ [ENV.DEAD_LETTER_QUEUE_URL]: undefined }, 'AUTO_REDRIVE_DEAD_LETTER_QUEUE_URL is not set'],
    [{ [ENV.POLICY]: '{' }, 'AUTO_REDRIVE_POLICY is not JSON'],
    [{ [ENV.POLICY]: JSON.stringify({ ...GOOD_POLICY, maxRedrives: 0 }) }, 'needs maxRedrives'],
    [{ [ENV.POLICY]: JSON.stringify({ ...GOOD_POLICY, statuses: 'FAILED' }) }, 'needs statuses'],
    [{ [ENV.POLICY]: JSON.stringify({ ...GOOD_POLICY, dryRun: 'no' }) }, 'needs dryRun'],
    [{ [ENV.POLICY]: JSON.stringify({ ...GOOD_POLICY, errorFilter: { mode: 'SOME' } }) }, 'needs errorFilter.mode'],
    [{ [ENV.POLICY]: JSON.stringify({ ...GOOD_POLICY, errorFilter: { mode: 'DENY', patterns: [''] } }) }, 'needs errorFilter.patterns'],
  ])('a bad configuration fails loudly: %j', (overrides, message) => {
    expect(() => readHandlerConfig(environment(overrides))).toThrow(message);
  });
});
