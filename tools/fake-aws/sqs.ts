import { createHash, randomUUID } from 'crypto';
import { AwsError } from './aws-error';

/** SQS's documented limit on a message, in UTF-8 bytes (256 KiB). */
export const MAX_MESSAGE_BYTES = 262_144;
/** A queue's default visibility timeout, and the bounds of the VisibilityTimeout parameter (12 hours). */
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
/** ReceiveMessage returns 1 to 10 messages. */
export const MAX_RECEIVE = 10;

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** A message attribute as SQS's JSON protocol carries it (BinaryValue base64-encoded). */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

/** What a queue was created with: its visibility timeout, and its redrive policy. */
export interface QueueConfig {
  readonly visibilityTimeoutSeconds: number;
  /** Where a message goes once it has been received maxReceiveCount times and is received again. */
  readonly redrive?: { readonly deadLetterQueueUrl: string; readonly maxReceiveCount: number };
}

/** A message as a service principal receives it. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly receiveCount: number;
  readonly sentAt: number;
  readonly firstReceivedAt: number;
}

/** A message in a queue, in flight or not. */
export interface FakeMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Record<string, MessageAttributeValue>;
  /** The ARN of the queue SQS moved it from, for a message its redrive policy moved. */
  deadLetterQueueSourceArn?: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Epoch ms before which the message is in flight (received and not yet visible again). */
  invisibleUntil: number;
  /** The receipt handle of the latest receive: only it deletes the message or changes its visibility. */
  receiptHandle?: string;
}

/**
 * SQS queues that keep what is sent to them, in order, as SQS documents them over AWS JSON 1.0:
 * SendMessage (body and message attributes), ReceiveMessage (1 to 10 messages, a visibility timeout,
 * receipt handles, message and system attributes), DeleteMessage and ChangeMessageVisibility. A
 * queue is a standard queue that answers from all of its messages (no sampling), oldest first, and
 * never holds a long poll: an empty queue answers at once whatever WaitTimeSeconds says.
 * Visibility timeouts run on `now` (real time unless given). A queue may have its own visibility
 * timeout and a redrive policy (`configure`): a message received maxReceiveCount times moves to the
 * dead-letter queue on its next receive, with the DeadLetterQueueSourceArn system attribute.
 */
export class FakeSqs {
  private readonly queues = new Map<string, FakeMessage[]>();
  private readonly configs = new Map<string, QueueConfig>();
  private readonly tags = new Map<string, Record<string, string>>();
  /** Receipt handles ever given, to tell a stale handle from one SQS never issued. */
  private readonly issued = new Map<string, FakeMessage>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Every queue's message bodies (in flight or not), in the order they were sent. */
  get messages(): Map<string, string[]> {
    return new Map([...this.queues].map(([url, queue]) => [url, queue.map((message) => message.body)]));
  }

  /** Creates a queue and returns its URL. */
  createQueue(baseUrl: string, name: string): string {
    const url = `${baseUrl}/${ACCOUNT}/${name}`;
    // CreateQueue of an existing queue with the same attributes returns it as it is.
    if (!this.queues.has(url)) this.queues.set(url, []);
    return url;
  }

  /** Tags a queue, as its CloudFormation Tags do. */
  tag(queueUrl: string, tags: Record<string, string>): void {
    this.queue(queueUrl);
    this.tags.set(queueUrl, { ...this.tags.get(queueUrl), ...tags });
  }

  /** Sets a queue's visibility timeout and redrive policy, as its CloudFormation properties do. */
  configure(queueUrl: string, config: QueueConfig): void {
    this.queue(queueUrl);
    this.configs.set(queueUrl, config);
  }

  /**
   * Receives up to `max` visible messages as a service principal would (the Lambda event source
   * mapping): with the queue's visibility timeout and redrive policy, and every system attribute.
   */
  receive(queueUrl: string, max: number): ReceivedMessage[] {
    const answer = this.receiveMessage({ QueueUrl: queueUrl, MaxNumberOfMessages: max }) as { Messages?: any[] };
    return (answer.Messages ?? []).map((received) => {
      const message = this.issued.get(received.ReceiptHandle)!;
      return {
        messageId: message.messageId,
        receiptHandle: received.ReceiptHandle,
        body: message.body,
        receiveCount: message.receiveCount,
        sentAt: message.sentAt,
        firstReceivedAt: message.firstReceivedAt!,
      };
    });
  }

  /** Deletes a received message by its receipt handle, as DeleteMessage does. */
  delete(queueUrl: string, receiptHandle: string): void {
    this.deleteMessage({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle });
  }

  /** Messages of a queue that are visible now. */
  visible(queueUrl: string): number {
    return this.queue(queueUrl).filter((message) => message.invisibleUntil <= this.now()).length;
  }

  bodies(queueUrl: string): any[] {
    return (this.queues.get(queueUrl) ?? []).map((message) => JSON.parse(message.body));
  }

  /** The messages of a queue, in flight or not, with their attributes and receive counts. */
  messagesOf(queueUrl: string): readonly FakeMessage[] {
    return this.queue(queueUrl);
  }

  /**
   * Puts a message in a queue as a service would (EventBridge, Scheduler, a Lambda destination),
   * with string message attributes (EventBridge's ERROR_CODE and ERROR_MESSAGE). Returns its id.
   */
  putMessage(queueUrl: string, body: string | object, attributes: Record<string, string> = {}): string {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const typed = Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]));
    return this.store(this.queue(queueUrl), text, typed).messageId;
  }

  /** Ends the visibility timeout of every message in flight, as if it had run out. */
  makeVisible(queueUrl: string): void {
    for (const message of this.queue(queueUrl)) message.invisibleUntil = 0;
  }

  /** How many messages of a queue are in flight now. */
  inFlight(queueUrl: string): number {
    return this.queue(queueUrl).filter((message) => message.invisibleUntil > this.now()).length;
  }

  handle(operation: string, input: any): object {
    switch (operation) {
      case 'SendMessage': return this.sendMessage(input);
      case 'ReceiveMessage': return this.receiveMessage(input);
      case 'DeleteMessage': return this.deleteMessage(input);
      case 'ChangeMessageVisibility': return this.changeMessageVisibility(input);
      case 'ListQueueTags': return this.listQueueTags(input);
      case 'GetQueueUrl': return this.getQueueUrl(input);
      default: throw sqsError('UnsupportedOperation', `the fake does not implement ${operation}`);
    }
  }

  private sendMessage(input: any): object {
    const queue = this.existingQueue(input.QueueUrl);
    if (typeof input.MessageBody !== 'string' || input.MessageBody.length === 0) {
      throw sqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    }
    const invalid = firstInvalidCharacter(input.MessageBody);
    if (invalid !== undefined) {
      throw sqsError('InvalidMessageContents',
        `Invalid binary character '#x${invalid.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is ` +
        '#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
    }
    const attributes = checkAttributes(input.MessageAttributes);
    if (Buffer.byteLength(input.MessageBody, 'utf8') + attributesBytes(attributes) > MAX_MESSAGE_BYTES) {
      throw sqsError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`);
    }
    const message = this.store(queue, input.MessageBody, attributes);
    return {
      MessageId: message.messageId,
      MD5OfMessageBody: md5(input.MessageBody),
      ...(Object.keys(attributes).length > 0 ? { MD5OfMessageAttributes: md5OfMessageAttributes(attributes) } : {}),
    };
  }

  private receiveMessage(input: any): object {
    const queue = this.existingQueue(input.QueueUrl);
    const max = input.MaxNumberOfMessages ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > MAX_RECEIVE) {
      throw invalidValue('MaxNumberOfMessages', max, `Must be between 1 and ${MAX_RECEIVE}, if provided.`);
    }
    const config = this.configs.get(input.QueueUrl);
    const visibility = input.VisibilityTimeout ?? config?.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
    if (!Number.isInteger(visibility) || visibility < 0 || visibility > MAX_VISIBILITY_TIMEOUT_SECONDS) {
      throw invalidValue('VisibilityTimeout', visibility, `Must be between 0 and ${MAX_VISIBILITY_TIMEOUT_SECONDS}, if provided.`);
    }
    const wait = input.WaitTimeSeconds ?? 0;
    if (!Number.isInteger(wait) || wait < 0 || wait > 20) throw invalidValue('WaitTimeSeconds', wait, 'Must be >= 0 and <= 20, if provided.');

    const now = this.now();
    if (config?.redrive) this.moveExhausted(input.QueueUrl, queue, config.redrive, now);
    const received = queue.filter((message) => message.invisibleUntil <= now).slice(0, max);
    const wantedSystem: string[] = [...(input.MessageSystemAttributeNames ?? []), ...(input.AttributeNames ?? [])];
    const wantedAttributes: string[] = input.MessageAttributeNames ?? [];
    const messages = received.map((message) => {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.invisibleUntil = now + visibility * 1000;
      message.receiptHandle = `rh-${randomUUID()}`;
      this.issued.set(message.receiptHandle, message);
      const attributes = pick(message.attributes, wantedAttributes);
      const system = pick({
        SentTimestamp: String(message.sentAt),
        ApproximateReceiveCount: String(message.receiveCount),
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
        SenderId: 'AIDAFAKESENDER',
        ...(message.deadLetterQueueSourceArn ? { DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn } : {}),
      }, wantedSystem);
      return {
        MessageId: message.messageId,
        ReceiptHandle: message.receiptHandle,
        MD5OfBody: md5(message.body),
        Body: message.body,
        ...(Object.keys(system).length > 0 ? { Attributes: system } : {}),
        ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes, MD5OfMessageAttributes: md5OfMessageAttributes(attributes) } : {}),
      };
    });
    // SQS's JSON answer leaves Messages out when there are none.
    return messages.length > 0 ? { Messages: messages } : {};
  }

  private listQueueTags(input: any): object {
    this.existingQueue(input.QueueUrl);
    const tags = this.tags.get(input.QueueUrl) ?? {};
    return Object.keys(tags).length > 0 ? { Tags: tags } : {};
  }

  private getQueueUrl(input: any): object {
    const account = input.QueueOwnerAWSAccountId ?? ACCOUNT;
    const url = [...this.queues.keys()].find((candidate) => candidate.endsWith(`/${account}/${input.QueueName}`));
    if (!url) throw sqsError('QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue');
    return { QueueUrl: url };
  }

  /** The redrive policy: a visible message already received maxReceiveCount times moves to the dead-letter queue, as it was. */
  private moveExhausted(queueUrl: string, queue: FakeMessage[], redrive: NonNullable<QueueConfig['redrive']>, now: number): void {
    const target = this.queue(redrive.deadLetterQueueUrl);
    for (const message of queue.filter((m) => m.invisibleUntil <= now && m.receiveCount >= redrive.maxReceiveCount)) {
      queue.splice(queue.indexOf(message), 1);
      message.invisibleUntil = 0;
      message.receiptHandle = undefined;
      message.deadLetterQueueSourceArn = queueArnOf(queueUrl);
      target.push(message);
    }
  }

  private deleteMessage(input: any): object {
    const queue = this.existingQueue(input.QueueUrl);
    const message = this.messageOf(input.ReceiptHandle);
    if (message === undefined) return {}; // already deleted: SQS answers a repeated delete with success
    const index = queue.indexOf(message);
    if (index >= 0) queue.splice(index, 1);
    return {};
  }

  private changeMessageVisibility(input: any): object {
    this.existingQueue(input.QueueUrl);
    const visibility = input.VisibilityTimeout;
    if (!Number.isInteger(visibility) || visibility < 0 || visibility > MAX_VISIBILITY_TIMEOUT_SECONDS) {
      throw invalidValue('VisibilityTimeout', visibility, `Must be between 0 and ${MAX_VISIBILITY_TIMEOUT_SECONDS}.`);
    }
    const message = this.messageOf(input.ReceiptHandle);
    if (message === undefined || message.invisibleUntil <= this.now() || !this.queues.get(input.QueueUrl)!.includes(message)) {
      throw sqsError('MessageNotInflight', 'The message referred to is not in flight.', 'AWS.SimpleQueueService.MessageNotInflight');
    }
    message.invisibleUntil = this.now() + visibility * 1000;
    return {};
  }

  /** The message a receipt handle is for, undefined when it was deleted; throws for a handle SQS never gave or one a later receive replaced. */
  private messageOf(receiptHandle: unknown): FakeMessage | undefined {
    if (typeof receiptHandle !== 'string' || receiptHandle === '') {
      throw sqsError('MissingParameter', 'The request must contain the parameter ReceiptHandle.');
    }
    const message = this.issued.get(receiptHandle);
    if (!message) throw sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`);
    if (message.receiptHandle !== receiptHandle) {
      throw invalidValue('ReceiptHandle', receiptHandle, 'The receipt handle has expired.');
    }
    return [...this.queues.values()].some((queue) => queue.includes(message)) ? message : undefined;
  }

  private store(queue: FakeMessage[], body: string, attributes: Record<string, MessageAttributeValue>): FakeMessage {
    const message: FakeMessage = { messageId: randomUUID(), body, attributes, sentAt: this.now(), receiveCount: 0, invisibleUntil: 0 };
    queue.push(message);
    return message;
  }

  private queue(queueUrl: string): FakeMessage[] {
    const queue = this.queues.get(queueUrl);
    if (!queue) throw new Error(`no queue ${queueUrl}`);
    return queue;
  }

  private existingQueue(queueUrl: unknown): FakeMessage[] {
    const queue = typeof queueUrl === 'string' ? this.queues.get(queueUrl) : undefined;
    if (!queue) throw sqsError('QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue');
    return queue;
  }
}

/** The queue ARN of a queue URL (`<endpoint>/<account>/<name>`), as IAM sees it. */
export function queueArnOf(queueUrl: unknown): string {
  if (typeof queueUrl !== 'string') return '*';
  const [name, account] = queueUrl.replace(/\/+$/, '').split('/').reverse();
  return `arn:aws:sqs:${REGION}:${/^\d{12}$/.test(account ?? '') ? account : ACCOUNT}:${name}`;
}

/**
 * The first code point SQS refuses in a body, if any: it takes #x9 | #xA | #xD | #x20-#xD7FF |
 * #xE000-#xFFFD | #x10000-#x10FFFF. A lone surrogate (not a character) is refused.
 */
export function firstInvalidCharacter(body: string): number | undefined {
  for (const char of body) {
    const code = char.codePointAt(0)!;
    const allowed = code === 0x9 || code === 0xa || code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    if (!allowed) return code;
  }
  return undefined;
}

/**
 * MD5OfMessageAttributes as SQS computes it: for each attribute in name order, the name, the data
 * type (each as a 4-byte big-endian length and UTF-8 bytes), a transport byte (1 string, 2 binary)
 * and the value (length and bytes).
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttributeValue>): string {
  const hash = createHash('md5');
  const withLength = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name];
    withLength(Buffer.from(name, 'utf8'));
    withLength(Buffer.from(value.DataType, 'utf8'));
    if (value.StringValue !== undefined) {
      hash.update(Buffer.from([1]));
      withLength(Buffer.from(value.StringValue, 'utf8'));
    } else {
      hash.update(Buffer.from([2]));
      withLength(Buffer.from(value.BinaryValue ?? '', 'base64'));
    }
  }
  return hash.digest('hex');
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** The entries `names` asks for: `All`, `.*`, `prefix.*` or exact names. */
function pick<T>(values: Record<string, T>, names: readonly string[]): Record<string, T> {
  const wanted = (name: string) => names.some((pattern) =>
    pattern === 'All' || pattern === '.*' || pattern === name || (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))));
  return Object.fromEntries(Object.entries(values).filter(([name]) => wanted(name)));
}

/** Message attributes as SendMessage takes them: at most 10, each with a DataType and a value. */
function checkAttributes(raw: unknown): Record<string, MessageAttributeValue> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object') throw invalidValue('MessageAttributes', raw, 'Must be a map.');
  const entries = Object.entries(raw as Record<string, any>);
  if (entries.length > 10) throw invalidValue('MessageAttributes', entries.length, 'Number of message attributes [' + entries.length + '] exceeds the allowed maximum [10].');
  for (const [name, value] of entries) {
    if (!/^(String|Number|Binary)(\..+)?$/.test(value?.DataType ?? '')) {
      throw invalidValue(`MessageAttributes.${name}.DataType`, value?.DataType, 'The type of message attribute must be String, Number or Binary.');
    }
    if ((value.StringValue === undefined) === (value.BinaryValue === undefined)) {
      throw invalidValue(`MessageAttributes.${name}`, '', 'A message attribute needs exactly one of StringValue and BinaryValue.');
    }
  }
  return Object.fromEntries(entries.map(([name, value]) =>
    [name, { DataType: value.DataType, StringValue: value.StringValue, BinaryValue: value.BinaryValue }]));
}

function attributesBytes(attributes: Record<string, MessageAttributeValue>): number {
  return Object.entries(attributes).reduce((sum, [name, value]) =>
    sum + Buffer.byteLength(name) + Buffer.byteLength(value.DataType) +
      (value.StringValue !== undefined ? Buffer.byteLength(value.StringValue) : Buffer.from(value.BinaryValue ?? '', 'base64').length), 0);
}

function invalidValue(parameter: string, value: unknown, reason: string): AwsError {
  return sqsError('InvalidParameterValue', `Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}`);
}

/**
 * An SQS error over AWS JSON 1.0 in its query-compatible form: `__type` in the body and the
 * query protocol's code in the `x-amzn-query-error` header, which the SDK reads first.
 */
function sqsError(code: string, message: string, queryCode = code, status = 400): AwsError {
  return new AwsError(code, message, status, 'com.amazonaws.sqs', `${queryCode};${status < 500 ? 'Sender' : 'Receiver'}`);
}
