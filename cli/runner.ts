import { classifyFailure } from '../core/aws-errors';
import { Pacer } from '../core/pacer';

/** A throttled item is tried again this many times (the pacer slowing down each time) before it fails. */
export const MAX_THROTTLED_ATTEMPTS = 30;
/** A 5xx or network error is tried again this many times before the item fails. */
export const MAX_RETRIES = 3;
/** At most this many calls in flight: enough for the highest --rate at a normal latency. */
const MAX_CONCURRENCY = 8;

export interface RunOptions<T, R> {
  readonly pacer: Pacer;
  /** The rate the operator chose, calls a second: how many calls may be in flight. */
  readonly rate: number;
  /** Ctrl-C: take no new item; the ones in flight finish. */
  readonly stopping: () => boolean;
  /** The item's result, when `work` gave up on an error. */
  readonly failed: (item: T, error: unknown) => R;
  readonly done: (item: T, result: R) => void;
}

/**
 * Runs `work` for each item at the pacer's rate, a few at a time. A throttled item goes back to
 * the front of the line after the pacer slows down; a 5xx or network error is retried a few
 * times; anything else, or too many tries, is the item's failure. Returns the items never started
 * (Ctrl-C).
 */
export async function runPaced<T, R>(items: readonly T[], work: (item: T) => Promise<R>, options: RunOptions<T, R>): Promise<T[]> {
  const line = items.map((item) => ({ item, throttled: 0, retried: 0 }));
  // One worker waits for the pacer at a time, each after the one before it took its token: the
  // calls start spaced out however many workers there are. Ctrl-C does not cut a wait short.
  const never = new AbortController().signal;
  let turns = Promise.resolve();
  const turn = () => (turns = turns.then(() => options.pacer.take(never)));
  const worker = async () => {
    for (;;) {
      if (options.stopping()) return;
      const entry = line.shift();
      if (!entry) return;
      await turn();
      if (options.stopping()) {
        line.unshift(entry);
        return;
      }
      try {
        const result = await work(entry.item);
        options.pacer.speedUp();
        options.done(entry.item, result);
      } catch (error) {
        const kind = classifyFailure(error);
        if (kind === 'THROTTLED') {
          options.pacer.slowDown();
          entry.throttled += 1;
          if (entry.throttled < MAX_THROTTLED_ATTEMPTS) {
            line.unshift(entry);
            continue;
          }
        } else if (kind === 'RETRY' && entry.retried < MAX_RETRIES) {
          entry.retried += 1;
          line.push(entry);
          continue;
        }
        options.done(entry.item, options.failed(entry.item, error));
      }
    }
  };
  const concurrency = Math.max(1, Math.min(MAX_CONCURRENCY, Math.ceil(options.rate / 2), items.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return line.map((entry) => entry.item);
}
