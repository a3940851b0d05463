import { createHash, randomUUID } from 'crypto';
import { AwsError } from './aws-error';

/** SQS queues that keep what is sent to them, in order. */
export class FakeSqs {
  readonly messages = new Map<string, string[]>();

  /** Creates a queue and returns its URL. */
  createQueue(baseUrl: string, name: string): string {
    const url = `${baseUrl}/123456789012/${name}`;
    this.messages.set(url, []);
    return url;
  }

  bodies(queueUrl: string): any[] {
    return (this.messages.get(queueUrl) ?? []).map((body) => JSON.parse(body));
  }

  handle(operation: string, input: any): object {
    if (operation !== 'SendMessage') {
      throw new AwsError('UnsupportedOperation', `the fake does not implement ${operation}`, 400, 'com.amazonaws.sqs');
    }
    const queue = this.messages.get(input.QueueUrl);
    if (!queue) throw new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400, 'com.amazonaws.sqs');
    if (typeof input.MessageBody !== 'string' || input.MessageBody.length === 0) {
      throw new AwsError('MissingParameter', 'MessageBody is required', 400, 'com.amazonaws.sqs');
    }
    queue.push(input.MessageBody);
    return {
      MessageId: randomUUID(),
      MD5OfMessageBody: createHash('md5').update(input.MessageBody, 'utf8').digest('hex'),
    };
  }
}
