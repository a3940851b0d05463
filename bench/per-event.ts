import { performance } from 'perf_hooks';
import { buildBaselineBundle, OUR_BUNDLE } from './support/bundles';
import { deployForBench } from './support/environment';
import { median, numberFromEnvironment, QUICK, round } from './support/stats';
import { decide } from '../core/decide';
import { parseFailureEvent } from '../core/failure-event';
import { HandlerPolicy } from '../src/shared/contract';
import { Containers } from '../tools/containers';
import { executionArn, failureEvent } from '../tools/events';
import { ScaledClock } from '../tools/fake-aws/clock';
import { FakeAws } from '../tools/fake-aws/server';

const POLICY: HandlerPolicy = {
  maxRedrives: 3,
  statuses: ['FAILED', 'TIMED_OUT'],
  errorFilter: { mode: 'DENY', patterns: ['States.Runtime', 'States.DataLimitExceeded', 'Lambda.*Exception'] },
  backoff: { kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 3600, multiplier: 2, jitter: true },
  dryRun: false,
};

/** Decisions per second of the pure decision function. */
function decisionsPerSecond(): number {
  const requests = Array.from({ length: 1000 }, (_, i) => parseFailureEvent(failureEvent({
    executionArn: executionArn('orders', `d-${i}`), redriveCount: i % 4, error: i % 2 ? 'States.Timeout' : 'Lambda.ServiceException', stopDate: Date.now(),
  })));
  const now = new Date();
  const rates: number[] = [];
  for (let run = 0; run < 5; run++) {
    let decided = 0;
    const started = performance.now();
    while (performance.now() - started < (QUICK ? 200 : 1000)) {
      // The decision on the execution's facts, as once DescribeExecution has answered: here the event's own.
      for (const request of requests) decide(request, request.claim!, POLICY, now, 0.5);
      decided += requests.length;
    }
    rates.push(decided / ((performance.now() - started) / 1000));
  }
  return median(rates);
}

interface Side {
  readonly name: string;
  readonly bundle: string;
  readonly environment: Record<string, string>;
  /** What the handler is invoked with for one failure event. */
  readonly invocation: (event: any) => unknown;
  containers?: Containers;
  readonly rates: number[];
}

/** Ours takes batches of SQS messages from its intake queue: one failure event is a batch of one message. */
function intakeBatch(event: any): unknown {
  return { Records: [{ messageId: event.id, body: JSON.stringify(event), attributes: { ApproximateReceiveCount: '1' }, eventSource: 'aws:sqs' }] };
}

/** Events per second of one batch through one container, against the local endpoint with no added latency. */
async function batchRate(side: Side, fake: FakeAws, batch: string, count: number): Promise<number> {
  const events = Array.from({ length: count }, (_, i) => {
    const arn = executionArn('orders', `${side.name}-${batch}-${i}`);
    fake.stepFunctions.addExecution(arn);
    return failureEvent({ executionArn: arn, stopDate: Date.now() });
  });
  const started = performance.now();
  for (const event of events) {
    const result = await side.containers!.invoke(side.invocation(event));
    if (!result.ok) throw new Error(`the ${side.name} handler failed: ${result.error}: ${result.errorMessage}`);
    if (result.result?.batchItemFailures?.length) throw new Error(`the ${side.name} handler returned its message for retry`);
  }
  return count / ((performance.now() - started) / 1000);
}

export interface PerEvent {
  readonly decisionsPerSecond: number;
  readonly oursPerSecond: number;
  readonly baselinePerSecond: number;
  readonly ratio: number;
  readonly rounds: number;
}

/**
 * Events per second through one container of each handler bundle: ours and the baseline. Each
 * round sends one batch through both bundles, in an order that alternates; the figure is the median
 * over rounds.
 */
export async function perEvent(): Promise<PerEvent> {
  // The endpoint's clock runs in real time: a frozen one would date every redrive before the call.
  const fake = await FakeAws.start(new ScaledClock(1));
  const environment = deployForBench(fake, 'orders');
  const sides: Side[] = [
    { name: 'ours', bundle: OUR_BUNDLE, environment, invocation: intakeBatch, rates: [] },
    { name: 'baseline', bundle: buildBaselineBundle(), environment: fake.environment, invocation: (event) => event, rates: [] },
  ];
  try {
    for (const side of sides) side.containers = await Containers.start(side.bundle, 1, side.environment);
    const count = QUICK ? 200 : 1000;
    const rounds = numberFromEnvironment('BENCH_PER_EVENT_ROUNDS', QUICK ? 3 : 7);
    // A first batch each warms the container (its first event creates clients, JIT).
    for (const side of sides) await batchRate(side, fake, 'warm', Math.min(count, 100));
    for (let r = 0; r < rounds; r++) {
      const order = sides.map((_, i) => sides[(i + r) % sides.length]);
      for (const side of order) side.rates.push(await batchRate(side, fake, `r${r}`, count));
    }
    const rate = (name: string) => median(sides.find((side) => side.name === name)!.rates);
    return {
      decisionsPerSecond: Math.round(decisionsPerSecond()),
      oursPerSecond: round(rate('ours'), 0),
      baselinePerSecond: round(rate('baseline'), 0),
      ratio: round(rate('ours') / rate('baseline')),
      rounds,
    };
  } finally {
    for (const side of sides) side.containers?.stop();
    await fake.close();
  }
}
