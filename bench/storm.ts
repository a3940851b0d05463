import { performance } from 'perf_hooks';
import { OUR_BUNDLE } from './support/bundles';
import { Containers } from './support/containers';
import { deployForBench } from './support/environment';
import { QUICK, round } from './support/stats';
import { DEFAULT_RESERVED_CONCURRENCY } from '../src/private/resolve-props';
import { executionArn, failureEvent } from '../test/support/events';
import { FakeAws } from '../test/support/fake-aws/server';

/** Lambda retries a failed asynchronous invocation twice; it waits a minute or two, the benchmark a second. */
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 1_000;

/**
 * A storm: many executions fail at once, and every failure event reaches the handler, run with the
 * construct's default reserved concurrency, against RedriveExecution's token bucket.
 */
export async function storm() {
  const scale = QUICK ? 0.2 : 1;
  const count = QUICK ? 1_000 : 10_000;
  const burst = 800 * scale;
  const perSecond = 150 * scale;
  const fake = await FakeAws.start();
  fake.rateLimit('RedriveExecution', burst, perSecond);
  const environment = deployForBench(fake, 'orders');
  const containers = await Containers.start(OUR_BUNDLE, DEFAULT_RESERVED_CONCURRENCY, environment);
  try {
    const arns = Array.from({ length: count }, (_, i) => executionArn('orders', `storm-${i}`));
    for (const arn of arns) fake.stepFunctions.addExecution(arn);
    const queue = arns.map((arn) => ({ event: failureEvent({ executionArn: arn, stopDate: Date.now() }), attempt: 1 }));
    let lost = 0;
    let pendingRetries = 0;

    const started = performance.now();
    const invoker = async (): Promise<void> => {
      for (;;) {
        const next = queue.shift();
        if (!next) {
          if (pendingRetries === 0) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        const result = await containers.invoke(next.event);
        if (result.ok) continue;
        if (next.attempt >= ATTEMPTS) {
          lost++;
          continue;
        }
        pendingRetries++;
        setTimeout(() => {
          queue.push({ event: next.event, attempt: next.attempt + 1 });
          pendingRetries--;
        }, RETRY_DELAY_MS);
      }
    };
    await Promise.all(Array.from({ length: DEFAULT_RESERVED_CONCURRENCY }, invoker));
    const seconds = (performance.now() - started) / 1000;

    const redrivesPerExecution = arns.map((arn) => fake.stepFunctions.redrivesOf(arn));
    const ideal = Math.max(0, (count - burst) / perSecond);
    return {
      events: count,
      redriven: redrivesPerExecution.filter((n) => n > 0).length,
      duplicates: redrivesPerExecution.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      lost,
      throttled: fake.throttled,
      seconds: round(seconds, 1),
      ideal: round(ideal, 1),
      ratio: round(ideal / seconds),
      burst,
      perSecond,
      concurrency: DEFAULT_RESERVED_CONCURRENCY,
    };
  } finally {
    containers.stop();
    await fake.close();
  }
}
