import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { firstInvalidCharacter, MAX_MESSAGE_BYTES, md5OfMessageAttributes, queueArnOf } from '../../../tools/fake-aws/sqs';
import { errorOf, useFakeAws } from '../../support/sdk-environment';

describe('the fake SQS through the real SDK', () => {
  const fake = useFakeAws();
  let sqs: SQSClient;
  let queueUrl: string;
  beforeEach(() => {
    sqs = new SQSClient({ maxAttempts: 1 });
    queueUrl = fake().createQueue('dlq');
  });
  afterEach(() => sqs.destroy());

  describe('SendMessage: the documented character and size rules', () => {
    const send = (MessageBody: string, QueueUrl = queueUrl) => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody }));
    const stored = () => fake().sqs.messages.get(queueUrl);

    test('U+FFFF in a body is refused with InvalidMessageContents and nothing is stored', async () => {
      const error = await errorOf(send('{"a":"\uffff"}'));

      expect(error.name).toBe('InvalidMessageContents');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toContain('#xFFFF');
      expect(stored()).toEqual([]);
    });

    test('an escaped \\uffff in JSON text is six allowed characters: accepted as sent', async () => {
      const body = String.raw`{"a":"\uffff"}`;
      await expect(send(body)).resolves.toMatchObject({ MessageId: expect.any(String) });
      expect(stored()).toEqual([body]);
      expect(fake().sqs.bodies(queueUrl)).toEqual([{ a: '\uffff' }]);
    });

    test.each([
      ['U+0000', '\u0000'], ['U+0008', '\u0008'], ['U+000B', '\u000b'], ['U+001F', '\u001f'], ['U+FFFE', '\ufffe'],
      ['a lone high surrogate', '\ud800'], ['a lone low surrogate', '\udfff'], ['a reversed pair', '\udc00\ud800'],
    ])('%s is refused', async (_, char) => {
      const error = await errorOf(send(`x${char}y`));
      expect(error.name).toBe('InvalidMessageContents');
    });

    test.each([
      ['tab, LF and CR', '\t\n\r'], ['U+0020 and U+D7FF', ' \ud7ff'], ['U+E000 and U+FFFD', '\ue000\ufffd'],
      ['U+10000 (a surrogate pair)', '\u{10000}'], ['U+10FFFF', '\u{10ffff}'], ['an emoji', '🦆'], ['U+007F to U+009F', '\u007f\u0085\u009f'],
    ])('%s are accepted', async (_, chars) => {
      await expect(send(`x${chars}y`)).resolves.toBeDefined();
      expect(stored()).toEqual([`x${chars}y`]);
    });

    test('a body of exactly 262,144 UTF-8 bytes is accepted, one byte more is InvalidParameterValue', async () => {
      await expect(send('a'.repeat(MAX_MESSAGE_BYTES))).resolves.toBeDefined();

      const error = await errorOf(send('a'.repeat(MAX_MESSAGE_BYTES + 1)));

      expect(error.name).toBe('InvalidParameterValue');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(stored()).toHaveLength(1);
    });

    test('the size counts UTF-8 bytes, not characters', async () => {
      const euros = '€'.repeat(Math.floor(MAX_MESSAGE_BYTES / 3) + 1); // 87,382 characters, 262,146 bytes
      expect((await errorOf(send(euros))).name).toBe('InvalidParameterValue');
    });

    test('an unknown queue is QueueDoesNotExist; an empty body is MissingParameter', async () => {
      expect((await errorOf(send('x', `${fake().url}/123456789012/nope`))).name).toBe('QueueDoesNotExist');
      expect((await errorOf(send(''))).name).toBe('MissingParameter');
    });

    test('firstInvalidCharacter and queueArnOf', () => {
      expect(firstInvalidCharacter('ok \u{1f986}')).toBeUndefined();
      expect(firstInvalidCharacter('a\ud83eb')).toBe(0xd83e);
      expect(queueArnOf('http://127.0.0.1:1234/123456789012/my-queue')).toBe('arn:aws:sqs:us-east-1:123456789012:my-queue');
      expect(queueArnOf(undefined)).toBe('*');
    });
  });

  describe('ReceiveMessage, DeleteMessage, ChangeMessageVisibility', () => {
    const receive = (input: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
      sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'], ...input }));

    test('up to 10 messages, oldest first, with their attributes; the SDK checks the body MD5', async () => {
      for (let i = 0; i < 12; i++) fake().sqs.putMessage(queueUrl, { i }, { ERROR_CODE: 'SDK_CLIENT_ERROR', ERROR_MESSAGE: `m${i}` });

      const answer = await receive({ MaxNumberOfMessages: 10, VisibilityTimeout: 60 });

      expect(answer.Messages).toHaveLength(10);
      expect(answer.Messages!.map((m) => JSON.parse(m.Body!).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(answer.Messages![0]).toMatchObject({
        MessageId: expect.any(String),
        ReceiptHandle: expect.any(String),
        MessageAttributes: { ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' }, ERROR_MESSAGE: { DataType: 'String', StringValue: 'm0' } },
        Attributes: { ApproximateReceiveCount: '1', SentTimestamp: expect.any(String) },
      });
      // In flight for 60 s: the next receive gets the other two only.
      expect((await receive({ MaxNumberOfMessages: 10 })).Messages).toHaveLength(2);
      expect((await receive()).Messages).toBeUndefined();
      expect(fake().sqs.inFlight(queueUrl)).toBe(12);
    });

    test('MaxNumberOfMessages outside 1 to 10 and a VisibilityTimeout over 12 hours are InvalidParameterValue', async () => {
      expect((await errorOf(receive({ MaxNumberOfMessages: 11 }))).name).toBe('InvalidParameterValue');
      expect((await errorOf(receive({ MaxNumberOfMessages: 0 }))).name).toBe('InvalidParameterValue');
      expect((await errorOf(receive({ VisibilityTimeout: 43_201 }))).name).toBe('InvalidParameterValue');
    });

    test('only the attributes asked for come back', async () => {
      fake().sqs.putMessage(queueUrl, 'x', { ERROR_CODE: 'A', RULE_ARN: 'r' });
      const answer = await receive({ MessageAttributeNames: ['ERROR_CODE'], MessageSystemAttributeNames: [] });
      expect(Object.keys(answer.Messages![0].MessageAttributes!)).toEqual(['ERROR_CODE']);
      expect(answer.Messages![0].Attributes).toBeUndefined();
    });

    test('DeleteMessage with the latest receipt handle deletes; a handle it never gave is ReceiptHandleIsInvalid; an old one has expired', async () => {
      fake().sqs.putMessage(queueUrl, 'a');
      const first = (await receive({ VisibilityTimeout: 0 })).Messages![0];
      const second = (await receive({ VisibilityTimeout: 30 })).Messages![0];
      expect(second.Attributes?.ApproximateReceiveCount).toBe('2');

      expect((await errorOf(sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: 'made-up' })))).name).toBe('ReceiptHandleIsInvalid');
      expect((await errorOf(sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first.ReceiptHandle })))).message).toContain('expired');
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: second.ReceiptHandle }));
      expect(fake().sqs.messagesOf(queueUrl)).toEqual([]);
      // A repeated delete succeeds.
      await expect(sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: second.ReceiptHandle }))).resolves.toBeDefined();
    });

    test('ChangeMessageVisibility to 0 makes a message visible again; a message not in flight is MessageNotInflight', async () => {
      fake().sqs.putMessage(queueUrl, 'a');
      const message = (await receive({ VisibilityTimeout: 300 })).Messages![0];
      expect((await receive()).Messages).toBeUndefined();

      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));

      expect(fake().sqs.inFlight(queueUrl)).toBe(0);
      const again = new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 });
      const error = await errorOf(sqs.send(again));
      expect(error.name).toMatch(/MessageNotInflight/);
      expect((await receive()).Messages).toHaveLength(1);
    });

    test('SendMessage keeps message attributes and answers their MD5 as SQS computes it', async () => {
      const MessageAttributes = { ERROR_CODE: { DataType: 'String', StringValue: 'X' }, n: { DataType: 'Number', StringValue: '3' } };
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'b', MessageAttributes }));
      expect(sent.MD5OfMessageAttributes).toBe(md5OfMessageAttributes(MessageAttributes));
      const received = (await receive()).Messages![0];
      expect(received.MessageAttributes).toEqual(MessageAttributes);
      expect(received.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    });
  });
});
