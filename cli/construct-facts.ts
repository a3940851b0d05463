import { ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeadLetterQueueTag } from '../src/shared/contract';
import { MAX_REDRIVES_LIMIT } from '../src/shared/limits';

/** What the construct's dead-letter queue says of the construct, in its tags. */
export interface ConstructFacts {
  /** The construct's maxRedrives: an execution redriven this many times is done with. */
  readonly maxRedrives?: number;
  /** The name of the construct's intake queue, in the dead-letter queue's account and Region. */
  readonly intakeQueueName?: string;
}

/**
 * Reads the tags the construct puts on its dead-letter queue. A queue without them (imported, or
 * tags not readable) says nothing: replay then keeps what only the construct's policy could close.
 */
export async function constructOf(sqs: SQSClient, queueUrl: string): Promise<ConstructFacts> {
  let tags: Record<string, string>;
  try {
    tags = (await sqs.send(new ListQueueTagsCommand({ QueueUrl: queueUrl }))).Tags ?? {};
  } catch {
    return {};
  }
  const maxRedrives = Number(tags[DeadLetterQueueTag.MAX_REDRIVES]);
  const intakeQueueName = tags[DeadLetterQueueTag.INTAKE_QUEUE];
  return {
    ...(Number.isInteger(maxRedrives) && maxRedrives >= 1 && maxRedrives <= MAX_REDRIVES_LIMIT ? { maxRedrives } : {}),
    ...(intakeQueueName && /^[\w-]{1,80}$/.test(intakeQueueName) ? { intakeQueueName } : {}),
  };
}
