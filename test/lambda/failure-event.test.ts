import * as fc from 'fast-check';
import { BadEventError, parseFailureEvent } from '../../lambda/redrive/failure-event';
import { executionArn, failureEvent } from '../support/events';

describe('parseFailureEvent', () => {
  test('reads the documented event', () => {
    expect(parseFailureEvent(failureEvent({ redriveCount: 2 }))).toEqual({
      id: expect.any(String),
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:orders:4a5b6c7d-1111-2222-3333-444455556666',
      execution: expect.objectContaining({ partition: 'aws', region: 'us-east-1', account: '123456789012', stateMachinePart: 'orders' }),
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders',
      status: 'FAILED',
      redriveStatus: 'REDRIVABLE',
      redriveCount: 2,
      stopDate: 1763667741000,
      error: 'Lambda.ServiceException',
      cause: 'The service is unavailable (secret-output-ignored)',
    });
  });

  test('treats null and missing optional fields alike', () => {
    const event = failureEvent({ redriveCount: null, redriveStatus: null, stopDate: null, error: null, cause: null });
    delete event.detail.stateMachineArn;
    expect(parseFailureEvent(event)).toMatchObject({ redriveCount: 0, redriveStatus: undefined, stopDate: undefined, error: undefined });
  });

  test('derives the state machine of a Distributed Map child from its ARN', () => {
    const event = failureEvent({ executionArn: executionArn('orders/label', 'child') });
    expect(parseFailureEvent(event).stateMachineArn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:orders/label');
  });

  test.each<[string, (event: any) => void, string]>([
    ['a state machine ARN that is not the execution\'s', (e) => { e.detail.stateMachineArn += 'V2'; }, 'is not the state machine of detail.executionArn'],
    ['a string redriveCount', (e) => { e.detail.redriveCount = '1'; }, 'detail.redriveCount must be a whole number'],
    ['a string stopDate', (e) => { e.detail.stopDate = '2026-11-20'; }, 'detail.stopDate must be epoch milliseconds'],
    ['a numeric error', (e) => { e.detail.error = 42; }, 'detail.error must be a string, got 42'],
    ['an object cause', (e) => { e.detail.cause = {}; }, 'detail.cause must be a string, got an object'],
    ['a missing status', (e) => { delete e.detail.status; }, 'detail.status must be one of'],
    ['a missing execution ARN', (e) => { delete e.detail.executionArn; }, 'detail.executionArn must be a Step Functions execution ARN, got nothing'],
    ['a wrong detail-type', (e) => { e['detail-type'] = 'EC2 Instance State-change Notification'; }, 'detail-type must be'],
  ])('rejects %s', (_name, spoil, message) => {
    const event = failureEvent();
    spoil(event);
    expect(() => parseFailureEvent(event)).toThrow(message);
  });

  test('a long value is shortened in the message', () => {
    const event = failureEvent();
    event.detail.status = 'X'.repeat(10_000);
    try {
      parseFailureEvent(event);
      throw new Error('expected a BadEventError');
    } catch (error) {
      expect(error).toBeInstanceOf(BadEventError);
      expect((error as Error).message.length).toBeLessThan(400);
    }
  });

  test('any JSON value either parses or is a BadEventError naming the problem, never anything else', () => {
    const spoiled = fc.record({
      path: fc.constantFrom('id', 'source', 'detail-type', 'detail', 'detail.executionArn', 'detail.status',
        'detail.redriveCount', 'detail.stopDate', 'detail.error', 'detail.cause', 'detail.redriveStatus', 'detail.stateMachineArn'),
      value: fc.oneof(fc.jsonValue(), fc.constant(undefined)),
    });
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), spoiled.map(({ path, value }) => {
      const event = failureEvent();
      const keys = path.split('.');
      const parent = keys.length === 2 ? event.detail : event;
      parent[keys[keys.length - 1]] = value;
      return event;
    })), (event) => {
      try {
        const parsed = parseFailureEvent(event);
        expect(parsed.executionArn).toMatch(/^arn:aws/);
      } catch (error) {
        expect(error).toBeInstanceOf(BadEventError);
        expect((error as BadEventError).problems.length).toBeGreaterThan(0);
      }
    }), { numRuns: 1000 });
  });
});
