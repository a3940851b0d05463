import { createHash } from 'crypto';
import { IntakeDeployment } from './deploy-to-fake';
import { REGION } from './events';
import { FakeAws } from './fake-aws/server';

/** One SQS record as Lambda's event source mapping hands it to the function. */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly messageAttributes: Record<string, unknown>;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** Invokes the function with a batch; resolves to its response, or rejects when the invocation failed. */
export type BatchInvoker = (batch: { Records: SqsRecord[] }) => Promise<unknown>;

/**
 * Lambda's SQS event source mapping over the local endpoint's queue: each poll receives up to the
 * batch size with the queue's visibility timeout (and so its redrive policy), invokes the function
 * with the batch, at most `maxConcurrency` invocations at once, and deletes every message the
 * function did not name in `batchItemFailures`. A failed invocation, or a response that is not a
 * valid partial batch response, returns the whole batch: its messages become visible again when
 * their visibility timeout ends.
 */
export class EventSourceMapping {
  invocations = 0;
  failedInvocations = 0;
  /** Messages returned to the queue, by a batch item failure or a failed invocation. */
  returned = 0;
  /** Messages deleted after their batch. */
  deleted = 0;
  private running = 0;
  private stopped = false;

  constructor(private readonly fake: FakeAws, readonly intake: IntakeDeployment, private readonly invoke: BatchInvoker) {}

  /** Invocations under way now. */
  get busy(): number {
    return this.running;
  }

  /** One poll: the number of messages handed to the function (0 when none was visible). */
  async pollOnce(): Promise<number> {
    const received = this.fake.sqs.receive(this.intake.queueUrl, this.intake.batchSize);
    if (received.length === 0) return 0;
    this.running += 1;
    this.invocations += 1;
    try {
      const records: SqsRecord[] = received.map((message) => ({
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body: message.body,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          SenderId: 'AIDAFAKESENDER',
          ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(message.body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: this.intake.queueArn,
        awsRegion: REGION,
      }));
      let failed: Set<string>;
      try {
        failed = failedItems(await this.invoke({ Records: records }), records);
      } catch {
        this.failedInvocations += 1;
        failed = new Set(records.map((record) => record.messageId));
      }
      for (const record of records) {
        if (failed.has(record.messageId)) {
          this.returned += 1;
        } else {
          this.fake.sqs.delete(this.intake.queueUrl, record.receiptHandle);
          this.deleted += 1;
        }
      }
      return records.length;
    } finally {
      this.running -= 1;
    }
  }

  /**
   * Polls with `maxConcurrency` pollers until no message is visible and no invocation is under way:
   * what is left in flight (returned by a failure) waits for its visibility timeout.
   */
  async drain(): Promise<void> {
    const poller = async () => {
      while (!this.stopped) {
        const handled = await this.pollOnce();
        if (handled === 0 && this.running === 0) return;
        if (handled === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    await Promise.all(Array.from({ length: this.intake.maxConcurrency }, poller));
  }

  /**
   * Polls with `maxConcurrency` pollers until `stop()`: an empty receive waits `idleMs` before the
   * next, as Lambda's pollers long-poll.
   */
  async run(idleMs: number): Promise<void> {
    const poller = async () => {
      while (!this.stopped) {
        if ((await this.pollOnce()) === 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
      }
    };
    await Promise.all(Array.from({ length: this.intake.maxConcurrency }, poller));
  }

  stop(): void {
    this.stopped = true;
  }
}

/** The messages a response returns; every message when it is not a valid partial batch response, as Lambda treats it. */
function failedItems(response: unknown, records: SqsRecord[]): Set<string> {
  const all = new Set(records.map((record) => record.messageId));
  if (response === null || response === undefined) return new Set();
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const named = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown })?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    named.add(id);
  }
  return named;
}
