import * as os from 'os';
import { OUR_BUNDLE } from './bundles';
import { AsyncLambda } from './lambda';
import { median, Spread, spreadOf } from './stats';
import { AutoRedriveProps } from '../../src';
import { autoRedriveTemplate } from '../../test/support/auto-redrive-template';
import { Containers } from '../../test/support/containers';
import { deployToFake } from '../../test/support/deploy-to-fake';
import { executionArn, failureEvent } from '../../test/support/events';
import { ScaledClock } from '../../test/support/fake-aws/clock';
import { FakeAws } from '../../test/support/fake-aws/server';

/** A token bucket in the quotas' terms: burst, and refill per (virtual) second. */
export interface Bucket {
  readonly burst: number;
  readonly perSecond: number;
}

export interface StormOptions {
  /** Failures that arrive together. */
  readonly events: number;
  /** The AutoRedrive props (beside the one watched state machine, `orders`). */
  readonly props: Partial<AutoRedriveProps>;
  /** Token buckets per operation, in virtual time. */
  readonly buckets: Readonly<Record<string, Bucket>>;
  /** Real milliseconds the endpoint waits before answering each call. */
  readonly latencyMs: number;
  /** Virtual seconds per real second: the clock, the buckets, Lambda's retry delays and the schedules follow it. */
  readonly timeFactor: number;
  /** Containers; the template's reserved concurrency unless given. */
  readonly concurrency?: number;
  /** Extra environment for the handler (e.g. AUTO_REDRIVE_OUTCOME_EVENTS). */
  readonly environment?: Record<string, string>;
  /** The run is stopped after this many virtual seconds, done or not. */
  readonly limitSeconds: number;
}

export interface StormRun {
  readonly events: number;
  /** Executions redriven at least once. */
  readonly redriven: number;
  /** Redrives beyond the first of an execution. */
  readonly duplicates: number;
  /** Events whose every Lambda attempt threw, plus triggers the handler itself sent to the dead-letter queue. */
  readonly deadLettered: number;
  /** Invocations that threw (each then retried by Lambda, or dead-lettered after the last retry). */
  readonly failedInvocations: number;
  /** Virtual seconds from the failures to the last execution's redrive. */
  readonly seconds: number;
  /** Virtual seconds from the failures until 99% of the executions had been redriven. */
  readonly seconds99: number;
  /** Virtual seconds until nothing was left to do (every schedule fired, every invocation ended). */
  readonly drainedSeconds: number;
  /** Virtual seconds until the last failure event (not a schedule) had been handled: the intake. */
  readonly intakeSeconds: number;
  /** False when the run hit its limit before it drained. */
  readonly finished: boolean;
  readonly invocations: number;
  /** Requests the endpoint received, per operation (throttled ones included). */
  readonly calls: Record<string, number>;
  /** Requests answered with ThrottlingException, per operation. */
  readonly throttled: Record<string, number>;
  /** Invocation outcomes and errors, counted. */
  readonly tally: Record<string, number>;
  readonly concurrency: number;
  readonly lambdaRetryAttempts: number;
  /** Median and mean real milliseconds of an invocation in its container. */
  readonly invocationMs: { readonly median: number; readonly mean: number };
  /** The fraction of the machine's CPU time busy during the run (every process, not only the benchmark's). */
  readonly machineCpuBusy: number;
}

/**
 * One storm through the construct: AutoRedrive synthesized with `props` and deployed to the local
 * endpoint (deployToFake), the handler bundle in as many containers as its reserved concurrency,
 * Lambda's asynchronous queue and retries (AsyncLambda), EventBridge Scheduler firing each
 * one-time schedule when it is due on the virtual clock. `events` executions fail at once and
 * every failure event is queued; the run ends when nothing is left to do.
 */
export async function runStorm(options: StormOptions): Promise<StormRun> {
  const factor = options.timeFactor;
  const clock = new ScaledClock(factor);
  const fake = await FakeAws.start(clock);
  const template = autoRedriveTemplate(['orders'], options.props);
  const deployment = deployToFake(template, fake, {});
  const handler = resourceOfType(template, 'AWS::Lambda::Function', 'AutoRedriveHandler');
  const invokeConfig = resourceOfType(template, 'AWS::Lambda::EventInvokeConfig', 'AutoRedriveHandler');
  const concurrency = options.concurrency ?? handler.ReservedConcurrentExecutions;
  const lambdaRetryAttempts: number = invokeConfig?.MaximumRetryAttempts ?? 2;
  // Lambda waits about a minute before the first retry of a failed asynchronous invocation, two before the second.
  const retryDelaysMs = [60_000, 120_000].slice(0, lambdaRetryAttempts).map((ms) => ms / factor);

  for (const [operation, bucket] of Object.entries(options.buckets)) fake.rateLimit(operation, bucket.burst, bucket.perSecond * factor);
  fake.setLatency(options.latencyMs);
  const containers = await Containers.start(OUR_BUNDLE, concurrency, { ...deployment.environment, ...options.environment },
    { clock: { factor, origin: clock.origin }, timeoutMs: (handler.Timeout ?? 30) * 1000 });
  let lastEventHandledAt = clock.now();
  const lambda = new AsyncLambda(containers, retryDelaysMs, (event) => {
    if ((event as { source?: string }).source === 'aws.states') lastEventHandledAt = clock.now();
  });
  let firing: NodeJS.Timeout | undefined;
  try {
    const arns = Array.from({ length: options.events }, (_, i) => executionArn('orders', `storm-${i}`));
    const stoppedAt = clock.now();
    for (const arn of arns) fake.stepFunctions.addExecution(arn, { stopDate: stoppedAt });
    const events = arns.map((arn) => failureEvent({ executionArn: arn, stopDate: stoppedAt }));
    const cpuBefore = cpuTimes();
    const started = clock.now();
    for (const event of events) lambda.invoke(event);

    // EventBridge Scheduler: each due schedule invokes the function asynchronously with its input.
    firing = setInterval(() => {
      for (const schedule of fake.scheduler.takeDue()) lambda.invoke(JSON.parse(schedule.Target.Input ?? '{}'));
    }, 20);
    const finished = await new Promise<boolean>((resolve) => {
      const poll = setInterval(() => {
        const done = lambda.idle && fake.scheduler.schedules.size === 0;
        if (done || clock.now() - started > options.limitSeconds * 1000) {
          clearInterval(poll);
          resolve(done);
        }
      }, 20);
    });
    const drainedSeconds = (clock.now() - started) / 1000;
    const cpuAfter = cpuTimes();

    const redrives = new Map<string, number>();
    const firstRedriveAt: number[] = [];
    for (const redrive of fake.stepFunctions.redrives) {
      const count = (redrives.get(redrive.executionArn) ?? 0) + 1;
      redrives.set(redrive.executionArn, count);
      if (count === 1) firstRedriveAt.push(redrive.at);
    }
    firstRedriveAt.sort((a, b) => a - b);
    const lastRedriveAt = firstRedriveAt.length ? firstRedriveAt[firstRedriveAt.length - 1] : started;
    const at99 = firstRedriveAt.length ? firstRedriveAt[Math.max(0, Math.ceil(0.99 * options.events) - 1)] ?? lastRedriveAt : started;
    const durations = lambda.durationsMs;
    const handlerDeadLetters = fake.sqs.bodies(deployment.deadLetterQueueUrl).length;
    return {
      events: options.events,
      redriven: arns.filter((arn) => (redrives.get(arn) ?? 0) > 0).length,
      duplicates: [...redrives.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      deadLettered: lambda.deadLettered + handlerDeadLetters,
      failedInvocations: lambda.failedInvocations,
      seconds: (lastRedriveAt - started) / 1000,
      seconds99: (at99 - started) / 1000,
      drainedSeconds,
      intakeSeconds: (lastEventHandledAt - started) / 1000,
      finished,
      invocations: lambda.invocations,
      calls: countBy(fake.calls.map((call) => call.operation)),
      throttled: Object.fromEntries(fake.throttledByOperation),
      tally: Object.fromEntries(lambda.tally),
      concurrency,
      lambdaRetryAttempts,
      invocationMs: {
        median: median(durations),
        mean: durations.reduce((a, b) => a + b, 0) / Math.max(1, durations.length),
      },
      machineCpuBusy: (cpuAfter.busy - cpuBefore.busy) / Math.max(1, cpuAfter.total - cpuBefore.total),
    };
  } finally {
    if (firing) clearInterval(firing);
    lambda.stop();
    containers.stop();
    await fake.close();
  }
}

function resourceOfType(template: any, type: string, idPrefix: string): any {
  const entry = Object.entries<any>(template.Resources ?? {}).find(([id, resource]) => resource.Type === type && id.startsWith(idPrefix));
  return entry?.[1].Properties;
}

/** CPU time of every core of the machine, busy and in all, in milliseconds. */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + idle + irq;
  }
  return { busy, total };
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Several runs of one storm configuration against one ideal: the median run, the ratio's spread and the worst counts. */
export interface RepeatedStorm {
  readonly runs: StormRun[];
  /** The run of median ratio. */
  readonly run: StormRun;
  readonly ratio: Spread;
  readonly worst: { redriven: number; duplicates: number; deadLettered: number; failedInvocations: number; throttled: number };
}

export async function runStormRepeatedly(count: number, ideal: number, options: StormOptions): Promise<RepeatedStorm> {
  const runs: StormRun[] = [];
  for (let i = 0; i < count; i++) runs.push(await runStorm(options));
  const ratios = runs.map((run) => ideal / run.seconds);
  const byRatio = runs.map((run, i) => ({ run, ratio: ratios[i] })).sort((a, b) => a.ratio - b.ratio);
  return {
    runs,
    run: byRatio[Math.floor((byRatio.length - 1) / 2)].run,
    ratio: spreadOf(ratios),
    worst: {
      redriven: Math.min(...runs.map((r) => r.redriven)),
      duplicates: Math.max(...runs.map((r) => r.duplicates)),
      deadLettered: Math.max(...runs.map((r) => r.deadLettered)),
      failedInvocations: Math.max(...runs.map((r) => r.failedInvocations)),
      throttled: Math.max(...runs.map((r) => Object.values(r.throttled).reduce((a, b) => a + b, 0))),
    },
  };
}
