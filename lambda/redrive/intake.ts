import { Deadline, RemainingTime, startDeadline } from './deadline';
import { describeValue, isRecord } from '../../core/request';

/** One message of the intake queue, as the handler sees it. */
export interface IntakeMessage {
  readonly messageId: string;
  /** How many times SQS has handed the message out, this time included. */
  readonly receiveCount?: number;
  /** A message of the same execution was handled before this one in the batch. */
  readonly followsSameExecution?: boolean;
}

/** The response to the event source mapping: the messages to return to the queue, and only those. */
export interface BatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/** Handles one message's trigger; throws when it is worth retrying. */
export type MessageHandler = (raw: unknown, context: RemainingTime, deadline: Deadline, message: IntakeMessage) => Promise<unknown>;

interface IntakeRecord extends IntakeMessage {
  readonly body: string;
}

/**
 * A batch from the intake queue's event source mapping, message by message, concurrently. Each
 * message ends on its own: a thrown error (worth retrying, or cut off by the deadline) returns that
 * message alone to the queue. Messages of the same execution run one after the other, so that the
 * second sees what the first did; copies of one body (SQS delivers at least once, EventBridge may
 * deliver an event twice) run once and share that end. A message that has not started when the
 * deadline passes is returned untouched.
 */
export async function handleBatch(batch: unknown, context: RemainingTime, handle: MessageHandler): Promise<BatchResponse> {
  const records = intakeRecords(batch);
  const deadline = startDeadline(context);
  const byBody = new Map<string, Promise<boolean>>();
  const lanes = new Map<string, Promise<unknown>>();
  try {
    const succeeded = await Promise.all(records.map((record) => {
      const earlier = byBody.get(record.body);
      if (earlier) return earlier;
      const raw = parseBody(record.body);
      const lane = laneOf(raw, record.body);
      const before = lanes.get(lane);
      const message: IntakeMessage = { ...record, followsSameExecution: before !== undefined };
      const run = (before ?? Promise.resolve()).then(async () => {
        if (deadline.passed) return false;
        try {
          await handle(raw, context, deadline, message);
          return true;
        } catch {
          return false;
        }
      });
      lanes.set(lane, run);
      byBody.set(record.body, run);
      return run;
    }));
    return { batchItemFailures: records.filter((_, i) => !succeeded[i]).map((record) => ({ itemIdentifier: record.messageId })) };
  } finally {
    deadline.end();
  }
}

/** The records of an SQS batch; anything else is not what the event source mapping sends, and fails the invocation. */
function intakeRecords(batch: unknown): IntakeRecord[] {
  const records = isRecord(batch) ? batch.Records : undefined;
  if (!Array.isArray(records)) {
    throw new Error(`the handler takes batches of SQS messages from its intake queue, got ${describeValue(batch)} without Records`);
  }
  return records.map((record, index) => {
    if (!isRecord(record) || typeof record.messageId !== 'string' || typeof record.body !== 'string') {
      throw new Error(`the handler takes batches of SQS messages from its intake queue: record ${index} has no messageId or body`);
    }
    const receiveCount = Number(isRecord(record.attributes) ? record.attributes.ApproximateReceiveCount : undefined);
    return { messageId: record.messageId, body: record.body, ...(Number.isInteger(receiveCount) ? { receiveCount } : {}) };
  });
}

/** The body as JSON; a body that is not JSON is passed on as its text, which the trigger's parser refuses as a bad event. */
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Messages about the same execution share a lane; any other message has one of its own. */
function laneOf(raw: unknown, body: string): string {
  const detail = isRecord(raw) && isRecord(raw.detail) ? raw.detail : undefined;
  return typeof detail?.executionArn === 'string' ? `execution ${detail.executionArn}` : `body ${body}`;
}
