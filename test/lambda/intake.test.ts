import { Duration } from 'aws-cdk-lib';
import { Backoff } from '../../src';
import { executionArn, failureEvent } from '../../tools/events';
import { startHandler } from '../support/handler-harness';
import { aMessageNaming, naming } from '../support/messages';

type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'run-1');
const PAYMENT = executionArn('payments', 'run-2');

/** A record as the event source mapping sends it, for batches written by hand. */
function record(messageId: string, body: string, receiveCount = 1) {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'AIDA', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:intake',
    awsRegion: 'us-east-1',
  };
}

describe('the intake: every trigger through the SQS queue and its event source mapping', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test('a failure event the rule matches goes to the intake queue, is redriven from a batch, and its message deleted', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);

    expect(h.publish(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }))).toBe(1);
    expect(h.intakeMessages()).toHaveLength(1);
    await h.intake.drain();

    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.intakeMessages()).toHaveLength(0);
    expect(h.intake.invocations).toBe(1);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'execution redriven', executionArn: ORDER, receiveCount: 1 }));
  });

  test('a message delivered twice in one batch, and an event EventBridge delivered twice: one redrive, one report', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    const body = JSON.stringify(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    const response = await h.receive({ Records: [record('m-1', body), record('m-1', body), record('m-2', body)] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(1);
    expect(h.logs.filter((line) => line.message === 'execution redriven')).toHaveLength(1);
    expect(h.published().filter((event) => event.DetailType === 'Execution Redriven')).toHaveLength(1);
  });

  test('two different triggers for one execution in a batch run one after the other: the second sees the first\'s redrive', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    const event = failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() });
    const duplicate = { ...event, id: 'another-delivery-id' };

    const response = await h.receive({ Records: [record('m-1', JSON.stringify(event)), record('m-2', JSON.stringify(duplicate))] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.logs.filter((line) => line.message === 'execution redriven')).toHaveLength(1);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'redrive skipped', reason: 'ALREADY_REDRIVEN_OR_RUNNING', messageId: 'm-2' }));
  });

  test('a batch mixing good, bad and failing messages: the bad one is dead-lettered at once, only the failing one comes back', async () => {
    h = await startHandler({ maxAttempts: 1 });
    h.fake.stepFunctions.addExecution(ORDER);
    // The payment's event is an hour old: the handler looks first, and Step Functions keeps failing that look.
    h.fake.stepFunctions.addExecution(PAYMENT, { stopDate: h.fake.clock.now() - 60 * 60 * 1000 });
    h.fake.faults.inject('DescribeExecution', { kind: 'error', code: 'ServiceUnavailable', status: 503 }, 10);

    const response = await h.receive({
      Records: [
        record('good', JSON.stringify(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }))),
        record('not-json', '{"truncated'),
        record('not-an-event', JSON.stringify({ hello: 'world' })),
        record('failing', JSON.stringify(failureEvent({ executionArn: PAYMENT, stopDate: h.fake.clock.now() - 60 * 60 * 1000 }))),
      ],
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'failing' }] });
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.fake.stepFunctions.redrivesOf(PAYMENT)).toBe(0);
    const deadLetters = h.deadLetters();
    expect(deadLetters).toHaveLength(2);
    expect(deadLetters).toEqual(expect.arrayContaining([
      expect.objectContaining({ reason: 'BAD_EVENT', event: '{"truncated', error: aMessageNaming('event', 'object') }),
      expect.objectContaining({ reason: 'BAD_EVENT', event: { hello: 'world' } }),
    ]));
  });

  test('a returned message is received again after the visibility timeout and redriven then; its receive count is logged', async () => {
    h = await startHandler({ maxAttempts: 1 });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code: 'ServiceUnavailable', status: 503 });
    h.publish(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    await h.intake.drain();
    expect(h.intake.returned).toBe(1);
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(0);
    expect(h.intakeMessages()).toHaveLength(1);

    h.fake.clock.advance(h.deployment.intake!.visibilityTimeoutSeconds * 1000);
    await h.intake.drain();
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.intakeMessages()).toHaveLength(0);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'execution redriven', receiveCount: 2 }));
  });

  test('a message that keeps failing moves, as it was, to the dead-letter queue after its receives; nothing is lost', async () => {
    h = await startHandler({ maxAttempts: 1 });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code: 'ServiceUnavailable', status: 503 }, 100);
    const event = failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() });
    h.publish(event);

    for (let receive = 0; receive < 12; receive++) {
      await h.intake.drain();
      h.fake.clock.advance(h.deployment.intake!.visibilityTimeoutSeconds * 1000);
    }
    await h.intake.drain();

    expect(h.intake.invocations).toBe(10);
    expect(h.intakeMessages()).toHaveLength(0);
    expect(h.deadLetters()).toEqual([event]);
    const [moved] = h.fake.sqs.messagesOf(h.deployment.deadLetterQueueUrl);
    expect(moved.deadLetterQueueSourceArn).toBe(h.deployment.intake!.queueArn);
  });

  test('a due schedule is sent to the intake queue and redriven from there', async () => {
    h = await startHandler({ props: { backoff: Backoff.fixed(Duration.minutes(2)) } });
    h.fake.stepFunctions.addExecution(ORDER);
    h.publish(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));
    await h.intake.drain();
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(0);
    const [schedule] = h.fake.scheduler.schedules.values();
    expect(schedule.Target.Arn).toBe(h.deployment.intake!.queueArn);

    h.fake.clock.advance(3 * 60 * 1000);
    expect(h.sendDueSchedules()).toHaveLength(1);
    await h.intake.drain();
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
  });

  test('the sweep runs from the intake queue, as its recurring schedule sends it', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER, { stopDate: h.fake.clock.now() - 10 * 60 * 1000 });
    h.fake.sqs.putMessage(h.deployment.intake!.queueUrl, h.sweepPayload());

    await h.intake.drain();

    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'sweep finished', trigger: 'sweep' }));
  });

  test('messages not started before the deadline come back untouched; the ones under way end', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    const stopDate = h.fake.clock.now();
    // Three deliveries of one failure share a lane; the first one's redrive hangs past the deadline.
    h.fake.faults.inject('RedriveExecution', { kind: 'hang' });
    const bodies = [0, 1, 2].map((i) => JSON.stringify({ ...failureEvent({ executionArn: ORDER, stopDate }), id: `delivery-${i}` }));
    // Another execution, already redriven three times: skipped on its event's word, with no Step Functions call.
    const exhausted = JSON.stringify(failureEvent({ executionArn: PAYMENT, stopDate, redriveCount: 3 }));

    // 6 s left: the work stops 5 s before Lambda's timeout, 1 s from now.
    const response = await h.receive({ Records: [record('a', bodies[0]), record('b', bodies[1]), record('c', bodies[2]), record('d', exhausted)] }, 6_000);

    const returned = response.batchItemFailures.map((failure) => failure.itemIdentifier);
    expect(returned).toEqual(expect.arrayContaining(['a', 'b', 'c']));
    expect(h.fake.callsOf('RedriveExecution')).toHaveLength(1);
    expect(h.logs.filter((line) => line.outcome === 'FAILED')).toEqual([expect.objectContaining({ messageId: 'a', failure: 'DeadlineExceeded' })]);
    // The other execution's message ended (skipped), or, on a machine too busy to start it within the second, came back untouched.
    const ended = h.logs.filter((line) => line.message === 'redrive skipped' && line.reason === 'EXHAUSTED' && line.messageId === 'd');
    expect(ended.length + returned.filter((id) => id === 'd').length).toBe(1);
  });

  test('a bad message whose dead letter cannot be written comes back, and SQS keeps it as it was after its receives', async () => {
    h = await startHandler({ maxAttempts: 1 });
    h.fake.faults.inject('SendMessage', { kind: 'error', code: 'ServiceUnavailable', status: 503 }, 100);
    h.fake.sqs.putMessage(h.deployment.intake!.queueUrl, 'not json at all');

    for (let receive = 0; receive < 11; receive++) {
      await h.intake.drain();
      h.fake.clock.advance(h.deployment.intake!.visibilityTimeoutSeconds * 1000);
    }

    expect(h.intake.returned).toBe(10);
    expect(h.intakeMessages()).toHaveLength(0);
    expect(h.fake.sqs.messagesOf(h.deployment.deadLetterQueueUrl).map((message) => message.body)).toEqual(['not json at all']);
  });

  test('a body as large as SQS allows, that is no event, is dead-lettered within SQS\'s size, cut and said so', async () => {
    h = await startHandler();
    const body = JSON.stringify({ id: 'huge', padding: 'x'.repeat(256 * 1024 - 40) });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(256 * 1024);

    const response = await h.receive({ Records: [record('huge', body)] });

    expect(response).toEqual({ batchItemFailures: [] });
    const [deadLetter] = h.fake.sqs.messagesOf(h.deployment.deadLetterQueueUrl);
    expect(Buffer.byteLength(deadLetter.body)).toBeLessThanOrEqual(256 * 1024);
    expect(JSON.parse(deadLetter.body)).toMatchObject({ reason: 'BAD_EVENT', eventTruncated: true });
  });

  test('a storm of ten throttled failures in one batch: each is put off with a schedule that sends it back to the intake queue', async () => {
    h = await startHandler({ maxAttempts: 1, retryMode: 'standard' });
    const arns = Array.from({ length: 10 }, (_, i) => executionArn('orders', `storm-${i}`));
    for (const arn of arns) h.fake.stepFunctions.addExecution(arn);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code: 'ThrottlingException', status: 400 }, 10);
    for (const arn of arns) h.publish(failureEvent({ executionArn: arn, stopDate: h.fake.clock.now() }));

    await h.intake.drain();
    expect(h.intake).toMatchObject({ invocations: 1, deleted: 10, returned: 0 });
    const schedules = [...h.fake.scheduler.schedules.values()];
    expect(schedules).toHaveLength(10);
    for (const schedule of schedules) expect(schedule.Target.Arn).toBe(h.deployment.intake!.queueArn);

    h.fake.clock.advance(60_000);
    expect(h.sendDueSchedules()).toHaveLength(10);
    await h.intake.drain();
    for (const arn of arns) expect(h.fake.stepFunctions.redrivesOf(arn)).toBe(1);
    expect(h.intakeMessages()).toHaveLength(0);
  });

  test('an invocation that is not an SQS batch fails with a clear error', async () => {
    h = await startHandler();
    await expect(h.receive(failureEvent({ executionArn: ORDER }))).rejects.toThrow(naming('SQS', 'Records'));
    await expect(h.receive({ Records: [{ body: '{}' }] })).rejects.toThrow(naming(0, 'messageId', 'body'));
  });
});
