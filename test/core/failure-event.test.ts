import * as fc from 'fast-check';
import { MAX_EVENT_ID_LENGTH, parseFailureEvent } from '../../core/failure-event';
import { BadEventError } from '../../core/request';
import { executionArn, failureEvent } from '../../tools/events';
import { aMessageNaming } from '../support/messages';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:orders:4a5b6c7d-1111-2222-3333-444455556666';
const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';

/** The BadEventError parseFailureEvent throws for `event`; fails the test when it throws nothing or something else. */
function badEvent(event: unknown): BadEventError {
  try {
    parseFailureEvent(event);
  } catch (error) {
    expect(error).toBeInstanceOf(BadEventError);
    return error as BadEventError;
  }
  throw new Error('expected a BadEventError');
}

describe('parseFailureEvent', () => {
  test('reads the documented event into a redrive request', () => {
    expect(parseFailureEvent(failureEvent({ id: 'event-1', redriveCount: 2 }))).toEqual({
      trigger: 'event',
      eventId: 'event-1',
      executionArn: ARN,
      execution: {
        partition: 'aws',
        region: 'us-east-1',
        account: '123456789012',
        stateMachineName: 'orders',
        mapRunLabel: undefined,
        executionName: '4a5b6c7d-1111-2222-3333-444455556666',
      },
      stateMachineArn: STATE_MACHINE_ARN,
      redriveCount: 2,
      claim: {
        status: 'FAILED',
        redriveStatus: 'REDRIVABLE',
        redriveCount: 2,
        stopDate: 1763667741000,
        error: 'Lambda.ServiceException',
        cause: 'The service is unavailable (secret-output-ignored)',
      },
      backoffWaited: false,
      putOffs: 0,
    });
  });

  test('never copies the execution input or output', () => {
    expect(JSON.stringify(parseFailureEvent(failureEvent()))).not.toContain('4111-secret');
  });

  test.each(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'])('accepts status %s', (status) => {
    expect(parseFailureEvent(failureEvent({ status })).claim?.status).toBe(status);
  });

  test.each(['REDRIVABLE', 'NOT_REDRIVABLE', 'REDRIVE_IN_PROGRESS'])('keeps redriveStatus %s', (redriveStatus) => {
    expect(parseFailureEvent(failureEvent({ redriveStatus })).claim?.redriveStatus).toBe(redriveStatus);
  });

  test('treats null and missing optional fields alike: the redrive count is then unknown, not 0', () => {
    const nulls = failureEvent({ redriveCount: null, redriveStatus: null, stopDate: null, error: null, cause: null });
    nulls.detail.stateMachineArn = null;
    const missing = failureEvent();
    for (const key of ['redriveCount', 'redriveStatus', 'stopDate', 'error', 'cause', 'stateMachineArn']) delete missing.detail[key];
    for (const event of [nulls, missing]) {
      const request = parseFailureEvent(event);
      expect(request.redriveCount).toBeUndefined();
      expect(request.stateMachineArn).toBe(STATE_MACHINE_ARN);
      expect(request.claim).toEqual({
        status: 'FAILED', redriveStatus: undefined, redriveCount: undefined, stopDate: undefined, error: undefined, cause: undefined,
      });
    }
  });

  test('a redrive count of 0 is kept as 0', () => {
    const request = parseFailureEvent(failureEvent({ redriveCount: 0 }));
    expect(request.redriveCount).toBe(0);
    expect(request.claim?.redriveCount).toBe(0);
  });

  test('the event id is kept up to 128 characters, "(none)" when missing or empty', () => {
    expect(MAX_EVENT_ID_LENGTH).toBe(128);
    expect(parseFailureEvent(failureEvent({ id: 'i'.repeat(500) })).eventId).toBe('i'.repeat(128));
    expect(parseFailureEvent(failureEvent({ id: '' })).eventId).toBe('(none)');
    const noId = failureEvent();
    delete noId.id;
    expect(parseFailureEvent(noId).eventId).toBe('(none)');
    expect(parseFailureEvent({ ...failureEvent(), id: 42 }).eventId).toBe('(none)');
  });

  describe('a Distributed Map child', () => {
    const childArn = executionArn('orders/map-run-label', 'child-1');

    test('parses with its Map Run label and its parent state machine', () => {
      const request = parseFailureEvent(failureEvent({ executionArn: childArn }));
      expect(request.execution).toMatchObject({ stateMachineName: 'orders', mapRunLabel: 'map-run-label', executionName: 'child-1' });
      expect(request.stateMachineArn).toBe(STATE_MACHINE_ARN);
    });

    test.each([
      ['the parent state machine', STATE_MACHINE_ARN],
      ['the Map Run state machine', `${STATE_MACHINE_ARN}/map-run-label`],
    ])('may declare %s', (_name, declared) => {
      const event = failureEvent({ executionArn: childArn });
      event.detail.stateMachineArn = declared;
      expect(parseFailureEvent(event).stateMachineArn).toBe(STATE_MACHINE_ARN);
    });

    test.each([
      ['another label', `${STATE_MACHINE_ARN}/other-label`],
      ['another state machine', 'arn:aws:states:us-east-1:123456789012:stateMachine:billing'],
      ['another state machine with the label', 'arn:aws:states:us-east-1:123456789012:stateMachine:billing/map-run-label'],
    ])('may not declare %s', (_name, declared) => {
      const event = failureEvent({ executionArn: childArn });
      event.detail.stateMachineArn = declared;
      expect(badEvent(event).problems).toEqual([`detail.stateMachineArn ${JSON.stringify(declared)} is not the state machine of detail.executionArn`]);
    });

    test('a top-level execution may not declare a Map Run state machine', () => {
      const event = failureEvent();
      event.detail.stateMachineArn = `${STATE_MACHINE_ARN}/map-run-label`;
      expect(badEvent(event).problems).toEqual([aMessageNaming('detail.stateMachineArn', event.detail.stateMachineArn, 'detail.executionArn')]);
    });
  });

  // Each problem starts with the field it is about, and names the value it got when there was one.
  test.each<[string, (event: any) => void, string, string | undefined]>([
    ['a state machine ARN that is not the execution\'s', (e) => { e.detail.stateMachineArn += 'V2'; }, 'detail.stateMachineArn', `"${STATE_MACHINE_ARN}V2"`],
    ['a string redriveCount', (e) => { e.detail.redriveCount = '1'; }, 'detail.redriveCount', '"1"'],
    ['a negative redriveCount', (e) => { e.detail.redriveCount = -1; }, 'detail.redriveCount', '-1'],
    ['a fractional redriveCount', (e) => { e.detail.redriveCount = 1.5; }, 'detail.redriveCount', '1.5'],
    ['a string stopDate', (e) => { e.detail.stopDate = '2026-11-20'; }, 'detail.stopDate', '"2026-11-20"'],
    ['a negative stopDate', (e) => { e.detail.stopDate = -1; }, 'detail.stopDate', '-1'],
    ['a numeric error', (e) => { e.detail.error = 42; }, 'detail.error', '42'],
    ['an object cause', (e) => { e.detail.cause = {}; }, 'detail.cause', undefined],
    ['a boolean redriveStatus', (e) => { e.detail.redriveStatus = true; }, 'detail.redriveStatus', 'true'],
    ['an array state machine ARN', (e) => { e.detail.stateMachineArn = [1, 2]; }, 'detail.stateMachineArn', undefined],
    ['a missing status', (e) => { delete e.detail.status; }, 'detail.status', undefined],
    ['an unknown status', (e) => { e.detail.status = 'failed'; }, 'detail.status', '"failed"'],
    ['a missing execution ARN', (e) => { delete e.detail.executionArn; }, 'detail.executionArn', undefined],
    ['a state machine ARN as execution ARN', (e) => { e.detail.executionArn = STATE_MACHINE_ARN; }, 'detail.executionArn', `"${STATE_MACHINE_ARN}"`],
    ['a wrong source', (e) => { e.source = 'aws.ec2'; }, 'source', '"aws.ec2"'],
    ['a wrong detail-type', (e) => { e['detail-type'] = 'EC2 Instance State-change Notification'; }, 'detail-type', '"EC2 Instance State-change Notification"'],
    ['a missing detail', (e) => { delete e.detail; }, 'detail', undefined],
    ['an array detail', (e) => { e.detail = []; }, 'detail', undefined],
  ])('rejects %s', (_name, spoil, field, got) => {
    const event = failureEvent();
    spoil(event);
    const error = badEvent(event);
    expect(error.name).toBe('BadEventError');
    expect(error.eventId).toBe(event.id);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].split(' ')[0]).toBe(field);
    if (got !== undefined) expect(error.problems[0]).toContain(got);
    expect(error.message).toContain(error.problems[0]);
  });

  test('an execution ARN that breaks the naming rules says why', () => {
    const event = failureEvent();
    event.detail.executionArn = executionArn('orders', 'run 1');
    expect(badEvent(event).problems).toEqual([aMessageNaming('detail.executionArn', JSON.stringify(event.detail.executionArn), 'execution name', 'U+0020')]);
  });

  test('lists every problem at once, and carries the execution ARN when it was valid', () => {
    const event = failureEvent();
    Object.assign(event, { 'source': 'x', 'detail-type': 'y' });
    Object.assign(event.detail, { status: 'NOPE', redriveCount: -1, stopDate: 'z', error: 1, cause: 2, redriveStatus: 3, stateMachineArn: 4 });
    const error = badEvent(event);
    expect(error.problems).toHaveLength(9);
    expect(error.problems.map((problem) => problem.split(' ')[0])).toEqual([
      'source', 'detail-type', 'detail.status', 'detail.redriveCount', 'detail.stopDate',
      'detail.redriveStatus', 'detail.error', 'detail.cause', 'detail.stateMachineArn',
    ]);
    expect(error.executionArn).toBe(ARN);
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  test('carries no execution ARN when it was not valid', () => {
    const event = failureEvent();
    event.detail.executionArn = 'arn:aws:states:us-east-1:123456789012:execution:orders';
    event.detail.status = 'NOPE';
    const error = badEvent(event);
    expect(error.problems).toHaveLength(2);
    expect(error.executionArn).toBeUndefined();
  });

  test('with no detail, still names the source and detail-type problems', () => {
    const error = badEvent({ 'id': 'e-1', 'source': 'x', 'detail-type': 'y', 'detail': 'z' });
    expect(error.eventId).toBe('e-1');
    expect(error.problems.map((problem) => problem.split(' ')[0])).toEqual(['source', 'detail-type', 'detail']);
    expect(error.problems).toEqual([aMessageNaming('"x"'), aMessageNaming('"y"'), aMessageNaming('"z"')]);
    expect(error.executionArn).toBeUndefined();
  });

  test.each([null, undefined, 42, 'text', [], [failureEvent()], true])('rejects a non-object event: %j', (event) => {
    const error = badEvent(event);
    expect(error.eventId).toBe('(none)');
    expect(error.problems).toEqual([aMessageNaming('event', 'object')]);
  });

  test('a long value is shortened in the message', () => {
    const event = failureEvent();
    event.detail.status = 'X'.repeat(10_000);
    event.id = 'i'.repeat(10_000);
    expect(badEvent(event).message.length).toBeLessThan(400);
  });

  describe('properties', () => {
    const jsonValue = fc.jsonValue({ maxDepth: 3 });
    const spoiled = fc.record({
      path: fc.constantFrom('id', 'source', 'detail-type', 'detail', 'detail.executionArn', 'detail.status',
        'detail.redriveCount', 'detail.stopDate', 'detail.error', 'detail.cause', 'detail.redriveStatus', 'detail.stateMachineArn'),
      value: fc.oneof(jsonValue, fc.constant(undefined), fc.string({ unit: 'binary' })),
    }).map(({ path, value }) => {
      const event = failureEvent();
      const keys = path.split('.');
      const parent = keys.length === 2 ? event.detail : event;
      parent[keys[keys.length - 1]] = value;
      return event;
    });

    test('any JSON value either parses into a request or throws a BadEventError naming the problems, never anything else', () => {
      fc.assert(fc.property(fc.oneof(jsonValue, fc.anything(), spoiled), (event) => {
        let request;
        try {
          request = parseFailureEvent(event);
        } catch (error) {
          expect(error).toBeInstanceOf(BadEventError);
          expect((error as BadEventError).problems.length).toBeGreaterThan(0);
          expect((error as BadEventError).eventId.length).toBeGreaterThan(0);
          expect((error as BadEventError).eventId.length).toBeLessThanOrEqual(MAX_EVENT_ID_LENGTH);
          return;
        }
        expect(request.trigger).toBe('event');
        expect(request.backoffWaited).toBe(false);
        expect(request.putOffs).toBe(0);
        expect(request.executionArn).toBe((event as any).detail.executionArn);
        expect(request.stateMachineArn).toMatch(/^arn:aws:states:us-east-1:123456789012:stateMachine:[^/]+$/);
        expect(request.redriveCount).toBe(request.claim?.redriveCount);
      }), { numRuns: 1000 });
    });

    test('a valid event with any redrive count and stop date reads them back', () => {
      const stopDates = fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: null });
      fc.assert(fc.property(fc.option(fc.nat(), { nil: null }), stopDates, (count, stopDate) => {
        const request = parseFailureEvent(failureEvent({ redriveCount: count, stopDate }));
        expect(request.redriveCount).toBe(count ?? undefined);
        expect(request.claim?.stopDate).toBe(stopDate ?? undefined);
      }));
    });
  });
});
