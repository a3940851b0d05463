import { createHash, randomUUID } from 'crypto';
import { AwsError } from './aws-error';

/** SQS's documented limit on a message, in UTF-8 bytes (256 KiB). */
export const MAX_MESSAGE_BYTES = 262_144;

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** SQS queues that keep what is sent to them, in order. */
export class FakeSqs {
  readonly messages = new Map<string, string[]>();

  /** Creates a queue and returns its URL. */
  createQueue(baseUrl: string, name: string): string {
    const url = `${baseUrl}/${ACCOUNT}/${name}`;
    // CreateQueue of an existing queue with the same attributes returns it as it is.
    if (!this.messages.has(url)) this.messages.set(url, []);
    return url;
  }

  bodies(queueUrl: string): any[] {
    return (this.messages.get(queueUrl) ?? []).map((body) => JSON.parse(body));
  }

  handle(operation: string, input: any): object {
    if (operation !== 'SendMessage') {
      throw sqsError('UnsupportedOperation', `the fake does not implement ${operation}`);
    }
    const queue = this.messages.get(input.QueueUrl);
    if (!queue) throw sqsError('QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue');
    if (typeof input.MessageBody !== 'string' || input.MessageBody.length === 0) {
      throw sqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    }
    const invalid = firstInvalidCharacter(input.MessageBody);
    if (invalid !== undefined) {
      throw sqsError('InvalidMessageContents',
        `Invalid binary character '#x${invalid.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is ` +
        '#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
    }
    if (Buffer.byteLength(input.MessageBody, 'utf8') > MAX_MESSAGE_BYTES) {
      throw sqsError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`);
    }
    queue.push(input.MessageBody);
    return {
      MessageId: randomUUID(),
      MD5OfMessageBody: createHash('md5').update(input.MessageBody, 'utf8').digest('hex'),
    };
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
 * An SQS error over AWS JSON 1.0 in its query-compatible form: `__type` in the body and the
 * query protocol's code in the `x-amzn-query-error` header, which the SDK reads first.
 */
function sqsError(code: string, message: string, queryCode = code, status = 400): AwsError {
  return new AwsError(code, message, status, 'com.amazonaws.sqs', `${queryCode};${status < 500 ? 'Sender' : 'Receiver'}`);
}
