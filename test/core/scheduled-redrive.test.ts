import * as fc from 'fast-check';
import { BadEventError } from '../../core/request';
import { isScheduledRedrive, parseScheduledRedrive } from '../../core/scheduled-redrive';
import { LIBRARY_SOURCE, SCHEDULED_REDRIVE_DETAIL_TYPE, ScheduledRedrive } from '../../src/shared/contract';
import { failureEvent } from '../../tools/events';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1';
const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';

/** What a schedule delivers, as scheduler.ts writes it (undefined fields dropped, as JSON drops them). */
function scheduled(detail: Partial<Record<keyof ScheduledRedrive['detail'], unknown>> = {}): any {
  return JSON.parse(JSON.stringify({
    'source': LIBRARY_SOURCE,
    'detail-type': SCHEDULED_REDRIVE_DETAIL_TYPE,
    'detail': { executionArn: ARN, redriveCount: 1, eventId: 'event-1', scheduledFor: '2026-11-21T12:05:00Z', reason: 'BACKOFF', ...detail },
  }));
}

function badEvent(event: unknown): BadEventError {
  try {
    parseScheduledRedrive(event);
  } catch (error) {
    expect(error).toBeInstanceOf(BadEventError);
    return error as BadEventError;
  }
  throw new Error('expected a BadEventError');
}

describe('isScheduledRedrive', () => {
  test('is true for what a schedule delivers', () => {
    expect(isScheduledRedrive(scheduled())).toBe(true);
    expect(isScheduledRedrive(scheduled({ reason: 'THROTTLED', putOffs: 2 }))).toBe(true);
  });

  test.each<[string, unknown]>([
    ['a Step Functions event', failureEvent()],
    ['another source', { ...scheduled(), source: 'aws.states' }],
    ['another detail-type', { ...scheduled(), 'detail-type': 'Step Functions Execution Status Change' }],
    ['a dead letter of the library', { source: LIBRARY_SOURCE, reason: 'BAD_EVENT' }],
    ['null', null],
    ['an array', [scheduled()]],
    ['a string', JSON.stringify(scheduled())],
  ])('is false for %s', (_name, raw) => {
    expect(isScheduledRedrive(raw)).toBe(false);
  });
});

describe('parseScheduledRedrive', () => {
  test('a BACKOFF schedule: the backoff has been waited', () => {
    expect(parseScheduledRedrive(scheduled())).toEqual({
      trigger: 'schedule',
      eventId: 'event-1',
      executionArn: ARN,
      execution: { partition: 'aws', region: 'us-east-1', account: '123456789012', stateMachineName: 'orders', mapRunLabel: undefined, executionName: 'run-1' },
      stateMachineArn: STATE_MACHINE_ARN,
      redriveCount: 1,
      backoffWaited: true,
      putOffs: 0,
    });
  });

  test('carries no claim: a schedule never says what the execution is now', () => {
    expect(parseScheduledRedrive(scheduled()).claim).toBeUndefined();
  });

  test('a payload without a reason is a bad event: every schedule the handler makes says why', () => {
    expect(badEvent(scheduled({ reason: undefined })).problems.map((problem) => problem.split(' ')[0])).toEqual(['detail.reason']);
  });

  test('a BACKOFF schedule has always waited the backoff, whatever the payload says', () => {
    expect(parseScheduledRedrive(scheduled({ backoffWaited: false })).backoffWaited).toBe(true);
  });

  test.each<[unknown, boolean]>([[true, true], [false, false], [undefined, false]])(
    'a THROTTLED schedule carries its put-offs, and backoffWaited %j -> %j', (backoffWaited, expected) => {
      const request = parseScheduledRedrive(scheduled({ reason: 'THROTTLED', putOffs: 3, backoffWaited }));
      expect(request).toMatchObject({ trigger: 'schedule', putOffs: 3, backoffWaited: expected, redriveCount: 1 });
    });

  test('a put-off of a check whose redrive count was not known has none', () => {
    const request = parseScheduledRedrive(scheduled({ reason: 'THROTTLED', putOffs: 1, redriveCount: undefined }));
    expect(request.redriveCount).toBeUndefined();
    expect('redriveCount' in scheduled({ redriveCount: undefined }).detail).toBe(false);
  });

  test('a redrive count of 0 is kept', () => {
    expect(parseScheduledRedrive(scheduled({ redriveCount: 0 })).redriveCount).toBe(0);
  });

  test('the event id is kept up to 128 characters, "(none)" when missing', () => {
    expect(parseScheduledRedrive(scheduled({ eventId: 'e'.repeat(300) })).eventId).toBe('e'.repeat(128));
    expect(parseScheduledRedrive(scheduled({ eventId: undefined })).eventId).toBe('(none)');
  });

  test('a Map Run child ARN parses with its label and parent state machine', () => {
    const request = parseScheduledRedrive(scheduled({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:orders/label:child' }));
    expect(request.execution.mapRunLabel).toBe('label');
    expect(request.stateMachineArn).toBe(STATE_MACHINE_ARN);
  });

  // Each problem starts with the field it is about, and names the value it got when there was one.
  test.each<[string, Record<string, unknown>, string, string | undefined]>([
    ['a missing execution ARN', { executionArn: undefined }, 'detail.executionArn', undefined],
    ['a state machine ARN', { executionArn: STATE_MACHINE_ARN }, 'detail.executionArn', `"${STATE_MACHINE_ARN}"`],
    ['a numeric execution ARN', { executionArn: 7 }, 'detail.executionArn', '7'],
    ['a negative redrive count', { redriveCount: -1 }, 'detail.redriveCount', '-1'],
    ['a fractional redrive count', { redriveCount: 1.5 }, 'detail.redriveCount', '1.5'],
    ['a string redrive count', { redriveCount: '2' }, 'detail.redriveCount', '"2"'],
    ['a null redrive count', { redriveCount: null }, 'detail.redriveCount', 'null'],
    ['an unknown reason', { reason: 'LATER' }, 'detail.reason', '"LATER"'],
    ['a negative put-off count', { reason: 'THROTTLED', putOffs: -1 }, 'detail.putOffs', '-1'],
    ['a string put-off count', { reason: 'THROTTLED', putOffs: 'x' }, 'detail.putOffs', '"x"'],
    ['a string backoffWaited', { reason: 'THROTTLED', backoffWaited: 'yes' }, 'detail.backoffWaited', '"yes"'],
  ])('rejects %s', (_name, detail, field, got) => {
    const error = badEvent(scheduled(detail));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].split(' ')[0]).toBe(field);
    if (got !== undefined) expect(error.problems[0]).toContain(got);
    expect(error.eventId).toBe('event-1 (scheduled redrive)');
    expect(error.message).toContain(error.problems[0]);
  });

  test('lists every problem, and carries the execution ARN when it was valid', () => {
    const error = badEvent(scheduled({ redriveCount: 'x', reason: 'X', putOffs: -2, backoffWaited: 1 }));
    expect(error.problems.map((problem) => problem.split(' ')[0])).toEqual(['detail.redriveCount', 'detail.reason', 'detail.putOffs', 'detail.backoffWaited']);
    expect(error.executionArn).toBe(ARN);
    expect(badEvent(scheduled({ executionArn: 'arn:nope', reason: 'X' })).executionArn).toBeUndefined();
  });

  test('a payload with no detail is a BadEventError', () => {
    const error = badEvent({ 'source': LIBRARY_SOURCE, 'detail-type': SCHEDULED_REDRIVE_DETAIL_TYPE });
    expect(error.eventId).toBe('(none) (scheduled redrive)');
    expect(error.problems.map((problem) => problem.split(' ')[0])).toEqual(['detail.executionArn', 'detail.reason']);
  });

  test('property: any detail either parses or throws a BadEventError, never anything else', () => {
    const field = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    const detail = fc.record({
      executionArn: fc.oneof(fc.constant(ARN), field),
      redriveCount: fc.oneof(fc.nat(), field),
      eventId: field,
      reason: fc.oneof(fc.constantFrom('BACKOFF', 'THROTTLED'), field),
      putOffs: fc.oneof(fc.nat(100), field),
      backoffWaited: fc.oneof(fc.boolean(), field),
    });
    fc.assert(fc.property(fc.oneof(detail.map((d) => scheduled(d)), fc.anything()), (raw) => {
      let request;
      try {
        request = parseScheduledRedrive(raw);
      } catch (error) {
        expect(error).toBeInstanceOf(BadEventError);
        expect((error as BadEventError).problems.length).toBeGreaterThan(0);
        return;
      }
      const d = raw.detail;
      expect(request.trigger).toBe('schedule');
      expect(request.executionArn).toBe(d.executionArn);
      expect(request.putOffs).toBe(d.putOffs ?? 0);
      expect(request.backoffWaited).toBe(d.reason === 'BACKOFF' || d.backoffWaited === true);
    }), { numRuns: 1000 });
  });
});
