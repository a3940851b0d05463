import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { errorOf, useFakeAws } from './sdk-environment';
import { firstInvalidCharacter, MAX_MESSAGE_BYTES, queueArnOf } from '../../../tools/fake-aws/sqs';

describe('SQS SendMessage: the documented character and size rules', () => {
  const fake = useFakeAws();
  let sqs: SQSClient;
  let queueUrl: string;
  beforeEach(() => {
    sqs = new SQSClient({ maxAttempts: 1 });
    queueUrl = fake().createQueue('dlq');
  });
  afterEach(() => sqs.destroy());
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
