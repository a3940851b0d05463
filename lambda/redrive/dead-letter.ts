import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LIBRARY_SOURCE, DeadLetterMessage, DeadLetterReason } from '../../src/shared/contract';

/** SQS takes messages up to 256 KiB; an event is at most 256 KB, the error stays short. */
const MAX_ERROR_LENGTH = 2048;

/**
 * Keeps an event that must not be retried in the dead-letter queue, with why. If the queue cannot
 * be written, the error is thrown: the invocation fails and Lambda's own retries and on-failure
 * destination take over, so the event is still not lost.
 */
export async function sendToDeadLetterQueue(
  client: SQSClient,
  queueUrl: string,
  reason: DeadLetterReason,
  error: string,
  event: unknown,
): Promise<void> {
  const message: DeadLetterMessage = {
    source: LIBRARY_SOURCE,
    reason,
    error: error.slice(0, MAX_ERROR_LENGTH),
    event,
  };
  await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
}
