import { matchesPattern } from '../../../tools/fake-aws/event-pattern';

describe('the local endpoint\'s event-pattern matching', () => {
  const event = { 'source': 'aws.states', 'detail-type': 'Step Functions Execution Status Change', 'detail': { status: 'FAILED', stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:orders-eu', tags: ['a', 'b'] } };

  test.each<[string, object, boolean]>([
    ['exact values', { source: ['aws.states'], detail: { status: ['FAILED', 'TIMED_OUT'] } }, true],
    ['a value not listed', { detail: { status: ['TIMED_OUT'] } }, false],
    ['a prefix', { detail: { stateMachineArn: [{ prefix: 'arn:aws:states:us-east-1:1:stateMachine:orders-' }] } }, true],
    ['another prefix', { detail: { stateMachineArn: [{ prefix: 'arn:aws:states:us-east-1:1:stateMachine:pay' }] } }, false],
    ['the empty name prefix', { detail: { stateMachineArn: [{ prefix: 'arn:aws:states:us-east-1:1:stateMachine:' }] } }, true],
    ['another account', { detail: { stateMachineArn: [{ prefix: 'arn:aws:states:us-east-1:2:stateMachine:' }] } }, false],
    ['anything-but', { detail: { status: [{ 'anything-but': ['SUCCEEDED'] }] } }, true],
    ['exists false on a present field', { detail: { status: [{ exists: false }] } }, false],
    ['a missing field', { detail: { redriveStatus: ['REDRIVABLE'] } }, false],
    ['an array field matching one value', { detail: { tags: ['b'] } }, true],
    ['a nested object where the event has a value', { source: { inner: ['x'] } }, false],
  ])('%s', (_name, pattern, matches) => {
    expect(matchesPattern(pattern, event)).toBe(matches);
  });
});
