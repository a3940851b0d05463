import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeadLetterMessage } from '../../src/shared/contract';
import { MAX_SQS_MESSAGE_BYTES } from '../../src/shared/limits';

/** Room left in a cut message for the JSON around the cut text and the escapes it may gain. */
const CUT_MARGIN_BYTES = 1024;
/** The error says what happened in far less; the rest of the message is the event's. */
const MAX_ERROR_LENGTH = 4096;

/**
 * Keeps a message in the dead-letter queue. If the queue cannot be written, the error is thrown: the
 * invocation fails and Lambda's own retries and on-failure destination take over.
 */
export async function sendToDeadLetterQueue(
  client: SQSClient,
  queueUrl: string,
  message: DeadLetterMessage,
  abortSignal: AbortSignal,
): Promise<void> {
  await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: deadLetterBody(message) }), { abortSignal });
}

/**
 * The message as JSON that SQS accepts whatever the event held: within 256 KiB (the event's text
 * cut short when needed, and said so) and with every character SQS refuses escaped.
 */
export function deadLetterBody(full: DeadLetterMessage): string {
  const message = { ...full, error: full.error.slice(0, MAX_ERROR_LENGTH) };
  const whole = sqsSafeJson(message);
  if (Buffer.byteLength(whole) <= MAX_SQS_MESSAGE_BYTES) return whole;
  const eventText = JSON.stringify(message.event) ?? String(message.event);
  const around = Buffer.byteLength(sqsSafeJson({ ...message, event: '', eventTruncated: true }));
  let budget = MAX_SQS_MESSAGE_BYTES - around - CUT_MARGIN_BYTES;
  while (budget > 0) {
    const body = sqsSafeJson({ ...message, event: cutToBytes(eventText, budget), eventTruncated: true });
    if (Buffer.byteLength(body) <= MAX_SQS_MESSAGE_BYTES) return body;
    budget -= Buffer.byteLength(body) - MAX_SQS_MESSAGE_BYTES + CUT_MARGIN_BYTES;
  }
  return sqsSafeJson({ ...message, event: '', eventTruncated: true });
}

/**
 * JSON text with the characters SQS refuses in a body escaped. JSON.stringify already escapes
 * control characters and unpaired surrogates; U+FFFE and U+FFFF are the rest of what SQS refuses.
 */
export function sqsSafeJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/[\ufffe\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16)}`);
}

function cutToBytes(text: string, bytes: number): string {
  let cut = text.slice(0, Math.max(0, bytes));
  while (Buffer.byteLength(cut) > bytes) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  // Never end on half of a surrogate pair.
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}
