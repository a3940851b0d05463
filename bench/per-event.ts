import { performance } from 'perf_hooks';
import { buildBaselineBundle, OUR_BUNDLE } from './support/bundles';
import { Containers } from './support/containers';
import { deployForBench } from './support/environment';
import { median, QUICK, round } from './support/stats';
import { decide } from '../lambda/redrive/decide';
import { parseFailureEvent } from '../lambda/redrive/failure-event';
import { HandlerPolicy } from '../src/shared/contract';
import { executionArn, failureEvent } from '../test/support/events';
import { FakeAws } from '../test/support/fake-aws/server';

const POLICY: HandlerPolicy = {
  maxRedrives: 3,
  statuses: ['FAILED', 'TIMED_OUT'],
  errorFilter: { mode: 'DENY', patterns: ['States.Runtime', 'States.DataLimitExceeded', 'Lambda.*Exception'] },
  backoff: { kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 3600, multiplier: 2, jitter: true },
  dryRun: false,
};

/** Decisions per second of the pure decision function. */
function decisionsPerSecond(): number {
  const events = Array.from({ length: 1000 }, (_, i) => parseFailureEvent(failureEvent({
    executionArn: executionArn('orders', `d-${i}`), redriveCount: i % 4, error: i % 2 ? 'States.Timeout' : 'Lambda.ServiceException', stopDate: Date.now(),
  })).claim!);
  const now = new Date();
  const rates: number[] = [];
  for (let run = 0; run < 5; run++) {
    let decided = 0;
    const started = performance.now();
    while (performance.now() - started < (QUICK ? 200 : 1000)) {
      for (const event of events) decide(event, POLICY, now, 0.5, false);
      decided += events.length;
    }
    rates.push(decided / ((performance.now() - started) / 1000));
  }
  return median(rates);
}

/** Events per second through one container of a handler bundle, against the local endpoint with no added latency. */
async function eventsPerSecond(bundle: string, fake: FakeAws, environment: Record<string, string>, label: string): Promise<number> {
  const containers = await Containers.start(bundle, 1, environment);
  try {
    const count = QUICK ? 200 : 1000;
    const rates: number[] = [];
    for (let run = 0; run < 3; run++) {
      const events = Array.from({ length: count }, (_, i) => {
        const arn = executionArn('orders', `${label}-${run}-${i}`);
        fake.stepFunctions.addExecution(arn);
        return failureEvent({ executionArn: arn, stopDate: Date.now() });
      });
      const started = performance.now();
      for (const event of events) {
        const result = await containers.invoke(event);
        if (!result.ok) throw new Error(`the ${label} handler failed: ${result.error}`);
      }
      rates.push(count / ((performance.now() - started) / 1000));
    }
    return median(rates);
  } finally {
    containers.stop();
  }
}

export async function perEvent() {
  const fake = await FakeAws.start();
  try {
    const environment = deployForBench(fake, 'orders');
    const ours = await eventsPerSecond(OUR_BUNDLE, fake, environment, 'ours');
    const baseline = await eventsPerSecond(buildBaselineBundle(), fake, fake.environment, 'baseline');
    return {
      decisionsPerSecond: Math.round(decisionsPerSecond()),
      oursPerSecond: round(ours, 0),
      baselinePerSecond: round(baseline, 0),
      ratio: round(ours / baseline),
    };
  } finally {
    await fake.close();
  }
}
