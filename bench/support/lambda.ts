import { performance } from 'perf_hooks';
import { Containers, Invocation } from '../../test/support/containers';

/**
 * Lambda's asynchronous invocation, as the storms need it: events wait in a queue until one of the
 * function's containers (its reserved concurrency) is free, never failing for want of one; an
 * invocation that throws is retried after Lambda's delays (about 1 then 2 minutes, given here in
 * real milliseconds, already scaled to the benchmark's clock), and after the last retry the event
 * is dead-lettered (the function's on-failure destination).
 */
export class AsyncLambda {
  /** Invocations started, retries included. */
  invocations = 0;
  /** Invocations that threw. */
  failedInvocations = 0;
  /** Events whose every attempt threw. */
  deadLettered = 0;
  /** Real milliseconds each invocation took in its container, IPC included. */
  readonly durationsMs: number[] = [];
  /** Outcomes (`REDRIVEN`, `SCHEDULED:THROTTLED`, ...) and errors (`error:ThrottlingException`), counted. */
  readonly tally = new Map<string, number>();

  private readonly queue: { event: unknown; attempt: number }[] = [];
  private head = 0;
  private running = 0;
  private pendingRetries = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  /**
   * @param onSettled called as each invocation ends, with its event and result
   */
  constructor(
    private readonly containers: Containers,
    private readonly retryDelaysMs: readonly number[],
    private readonly onSettled: (event: unknown, result: Invocation) => void = () => undefined,
  ) {}

  /** Queues an asynchronous invocation with `event`. */
  invoke(event: unknown, attempt = 1): void {
    this.queue.push({ event, attempt });
    this.pump();
  }

  /** Nothing queued, running or waiting to be retried. */
  get idle(): boolean {
    return this.running === 0 && this.head === this.queue.length && this.pendingRetries === 0;
  }

  /** Events waiting for a container. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private pump(): void {
    while (this.running < this.containers.size && this.head < this.queue.length) {
      const next = this.queue[this.head++];
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.running++;
      this.invocations++;
      const started = performance.now();
      void this.containers.invoke(next.event).then((result) => {
        this.durationsMs.push(performance.now() - started);
        this.running--;
        this.settle(next, result);
        this.pump();
      });
    }
  }

  private settle(item: { event: unknown; attempt: number }, result: Invocation): void {
    const key = result.ok ? (result.reason ? `${result.outcome}:${result.reason}` : `${result.outcome}`) : `error:${result.error}`;
    this.tally.set(key, (this.tally.get(key) ?? 0) + 1);
    this.onSettled(item.event, result);
    if (result.ok) return;
    this.failedInvocations++;
    if (item.attempt > this.retryDelaysMs.length) {
      this.deadLettered++;
      return;
    }
    this.pendingRetries++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.pendingRetries--;
      this.invoke(item.event, item.attempt + 1);
    }, this.retryDelaysMs[item.attempt - 1]);
    this.timers.add(timer);
  }
}
