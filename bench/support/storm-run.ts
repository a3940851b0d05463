import * as os from 'os';
import { performance } from 'perf_hooks';
import { OUR_BUNDLE } from './bundles';
import { median, Spread, spreadOf } from './stats';
import { AutoRedriveProps } from '../../src';
import { autoRedriveTemplate } from '../../tools/auto-redrive-template';
import { Containers } from '../../tools/containers';
import { deployToFake } from '../../tools/deploy-to-fake';
import { EventSourceMapping, SqsRecord } from '../../tools/event-source-mapping';
import { executionArn, failureEvent } from '../../tools/events';
import { ScaledClock } from '../../tools/fake-aws/clock';
import { FakeAws } from '../../tools/fake-aws/server';

/** A token bucket in the quotas' terms: burst, and refill per (virtual) second. */
export interface Bucket {
  readonly burst: number;
  readonly perSecond: number;
}

/** Real milliseconds an event source mapping poller waits after an empty receive (Lambda's pollers long-poll). */
const IDLE_POLL_MS = 5;

export interface StormOptions {
  /** Failures that arrive together. */
  readonly events: number;
  /** The AutoRedrive props (beside the one watched state machine, `orders`); `maxConcurrency` sets the intake's cap. */
  readonly props: Partial<AutoRedriveProps>;
  /** Token buckets per operation, in virtual time. */
  readonly buckets: Readonly<Record<string, Bucket>>;
  /** Real milliseconds the endpoint waits before answering each call. */
  readonly latencyMs: number;
  /** Virtual seconds per real second: the clock, the buckets, visibility timeouts and the schedules follow it. */
  readonly timeFactor: number;
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
  /** Everything in the dead-letter queue: the handler's own dead letters plus messages the intake's redrive policy moved. */
  readonly deadLettered: number;
  /** Dead letters the handler sent itself (bad event, redrive rejected). */
  readonly handlerDeadLetters: number;
  /** Messages the intake queue's redrive policy moved to the dead-letter queue after their last receive. */
  readonly movedByRedrivePolicy: number;
  /** Invocations that failed (threw, or the container failed): the mapping returned their whole batch. */
  readonly failedInvocations: number;
  /** Messages the handler named in batchItemFailures. */
  readonly failedItems: number;
  /** Messages returned to the queue for retry: failed items plus every message of a failed invocation. */
  readonly returned: number;
  /** Virtual seconds from the failures to the last execution's redrive. */
  readonly seconds: number;
  /** Virtual seconds from the failures until 99% of the executions had been redriven. */
  readonly seconds99: number;
  /** Virtual seconds until nothing was left to do (the intake queue empty, no invocation running, every schedule fired). */
  readonly drainedSeconds: number;
  /** Virtual seconds until the last batch holding a failure event (not a schedule) had been handled: the intake. */
  readonly intakeSeconds: number;
  /** False when the run hit its limit before it drained. */
  readonly finished: boolean;
  /** Batches: invocations of the handler by the event source mapping. */
  readonly invocations: number;
  /** Messages handed to the handler (a returned message counts at each receive). */
  readonly messagesReceived: number;
  /** Requests the endpoint received, per operation (throttled ones included). */
  readonly calls: Record<string, number>;
  /** Requests answered with ThrottlingException, per operation. */
  readonly throttled: Record<string, number>;
  /**
   * Outcomes as the fake saw them (the handler returns only batchItemFailures): REDRIVEN (executions
   * redriven), SCHEDULED:<reason> (distinct schedules created, by the reason in their input),
   * DEAD_LETTERED:<reason> (the handler's dead letters) and DEAD_LETTERED:RECEIVE_COUNT (moved by the redrive policy).
   */
  readonly tally: Record<string, number>;
  /** The template's ScalingConfig.MaximumConcurrency: the mapping's pollers and the containers. */
  readonly maxConcurrency: number;
  readonly batchSize: number;
  /** The most invocations under way at once. */
  readonly maxConcurrencyUsed: number;
  /** Median and mean real milliseconds of an invocation (a batch) in its container. */
  readonly invocationMs: { readonly median: number; readonly mean: number };
  /** Mean messages per batch. */
  readonly meanBatch: number;
  /** The fraction of the machine's CPU time busy during the run (every process, not only the benchmark's). */
  readonly machineCpuBusy: number;
}

/**
 * One storm through the construct: AutoRedrive synthesized with `props` and deployed to the local
 * endpoint (deployToFake). `events` executions fail at once, and EventBridge puts every failure
 * event into the intake queue; EventBridge Scheduler sends each one-time schedule, when it is due on
 * the virtual clock, to the queue its target names; Lambda's SQS event source mapping
 * (EventSourceMapping) polls the queue with the template's batch size and maximum concurrency and
 * invokes the handler bundle in as many containers. The run ends when the intake queue is empty
 * (nothing visible, nothing in flight), no invocation runs and no schedule is pending.
 */
export async function runStorm(options: StormOptions): Promise<StormRun> {
  const factor = options.timeFactor;
  const clock = new ScaledClock(factor);
  const fake = await FakeAws.start(clock);
  const template = autoRedriveTemplate(['orders'], options.props);
  const deployment = deployToFake(template, fake, {});
  const intake = deployment.intake;
  if (!intake) throw new Error('the template has no intake queue with an event source mapping');
  const handler = resourceOfType(template, 'AWS::Lambda::Function', 'AutoRedriveHandler');

  for (const [operation, bucket] of Object.entries(options.buckets)) fake.rateLimit(operation, bucket.burst, bucket.perSecond * factor);
  fake.setLatency(options.latencyMs);
  const containers = await Containers.start(OUR_BUNDLE, intake.maxConcurrency, { ...deployment.environment, ...options.environment },
    { clock: { factor, origin: clock.origin }, timeoutMs: (handler.Timeout ?? 30) * 1000 });

  let lastEventHandledAt = clock.now();
  let running = 0;
  let maxConcurrencyUsed = 0;
  let failedItems = 0;
  let messagesReceived = 0;
  const durationsMs: number[] = [];
  const mapping = new EventSourceMapping(fake, intake, async (batch: { Records: SqsRecord[] }) => {
    running++;
    maxConcurrencyUsed = Math.max(maxConcurrencyUsed, running);
    messagesReceived += batch.Records.length;
    const started = performance.now();
    try {
      const invocation = await containers.invoke(batch);
      if (!invocation.ok) throw new Error(`${invocation.error}: ${invocation.errorMessage}`);
      const failures = invocation.result?.batchItemFailures;
      if (Array.isArray(failures)) failedItems += failures.length;
      return invocation.result;
    } finally {
      durationsMs.push(performance.now() - started);
      running--;
      if (batch.Records.some((record) => (safeParse(record.body) as { source?: string })?.source === 'aws.states')) lastEventHandledAt = clock.now();
    }
  });
  let firing: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  try {
    const arns = Array.from({ length: options.events }, (_, i) => executionArn('orders', `storm-${i}`));
    const stoppedAt = clock.now();
    for (const arn of arns) fake.stepFunctions.addExecution(arn, { stopDate: stoppedAt });
    const events = arns.map((arn) => failureEvent({ executionArn: arn, stopDate: stoppedAt }));
    const cpuBefore = cpuTimes();
    const started = clock.now();
    // EventBridge: the rule's target is the intake queue; each failure event becomes a message.
    for (const event of events) fake.sqs.putMessage(intake.queueUrl, event);
    polling = mapping.run(IDLE_POLL_MS);

    // EventBridge Scheduler: each due schedule sends its input to the queue its target names.
    firing = setInterval(() => {
      for (const schedule of fake.scheduler.takeDue()) {
        const url = deployment.queueUrlOf(schedule.Target.Arn);
        if (!url) throw new Error(`a schedule targets ${schedule.Target.Arn}, not a queue of the template`);
        fake.sqs.putMessage(url, schedule.Target.Input ?? '{}');
      }
    }, 20);
    const finished = await new Promise<boolean>((resolve) => {
      const poll = setInterval(() => {
        const done = fake.sqs.messagesOf(intake.queueUrl).length === 0 && mapping.busy === 0 && fake.scheduler.schedules.size === 0;
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
    const deadLetters = fake.sqs.messagesOf(deployment.deadLetterQueueUrl);
    const moved = deadLetters.filter((message) => message.deadLetterQueueSourceArn !== undefined);
    const own = deadLetters.filter((message) => message.deadLetterQueueSourceArn === undefined);
    const tally: Record<string, number> = { REDRIVEN: redrives.size };
    for (const [reason, count] of Object.entries(scheduleReasons(fake.callsOf('CreateSchedule')))) tally[`SCHEDULED:${reason}`] = count;
    for (const message of own) {
      const key = `DEAD_LETTERED:${(safeParse(message.body) as { reason?: string })?.reason ?? 'unknown'}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    if (moved.length > 0) tally['DEAD_LETTERED:RECEIVE_COUNT'] = moved.length;
    return {
      events: options.events,
      redriven: arns.filter((arn) => (redrives.get(arn) ?? 0) > 0).length,
      duplicates: [...redrives.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      deadLettered: deadLetters.length,
      handlerDeadLetters: own.length,
      movedByRedrivePolicy: moved.length,
      failedInvocations: mapping.failedInvocations,
      failedItems,
      returned: mapping.returned,
      seconds: (lastRedriveAt - started) / 1000,
      seconds99: (at99 - started) / 1000,
      drainedSeconds,
      intakeSeconds: (lastEventHandledAt - started) / 1000,
      finished,
      invocations: mapping.invocations,
      messagesReceived,
      calls: countBy(fake.calls.map((call) => call.operation)),
      throttled: Object.fromEntries(fake.throttledByOperation),
      tally,
      maxConcurrency: intake.maxConcurrency,
      batchSize: intake.batchSize,
      maxConcurrencyUsed,
      invocationMs: {
        median: median(durationsMs),
        mean: durationsMs.reduce((a, b) => a + b, 0) / Math.max(1, durationsMs.length),
      },
      meanBatch: messagesReceived / Math.max(1, mapping.invocations),
      machineCpuBusy: (cpuAfter.busy - cpuBefore.busy) / Math.max(1, cpuAfter.total - cpuBefore.total),
    };
  } finally {
    if (firing) clearInterval(firing);
    mapping.stop();
    await polling;
    containers.stop();
    await fake.close();
  }
}

/**
 * Distinct schedules CreateSchedule was asked for, by the reason in their input's detail (BACKOFF
 * when absent). The name is in the request's path, not its body: a schedule is told by its target's
 * input (execution, redrive count, due time, put-offs), which the SDK's retries of a throttled call repeat.
 */
function scheduleReasons(inputs: any[]): Record<string, number> {
  const reasonByInput = new Map<string, string>();
  for (const input of inputs) {
    const text = String(input?.Target?.Input);
    const detail = (safeParse(text) as { detail?: { reason?: string } })?.detail;
    reasonByInput.set(text, detail?.reason ?? 'BACKOFF');
  }
  return countBy([...reasonByInput.values()]);
}

function safeParse(text: unknown): unknown {
  try {
    return typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
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

/** The worst of each count over the runs of one configuration. */
export interface WorstCounts {
  readonly redriven: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  readonly failedInvocations: number;
  readonly failedItems: number;
  readonly returned: number;
  readonly throttled: number;
}

/** Several runs of one storm configuration against one ideal: the median run, the ratio's spread and the worst counts. */
export interface RepeatedStorm {
  readonly runs: StormRun[];
  /** The run of median ratio. */
  readonly run: StormRun;
  readonly ratio: Spread;
  readonly worst: WorstCounts;
}

export async function runStormRepeatedly(count: number, ideal: number, options: StormOptions): Promise<RepeatedStorm> {
  const runs: StormRun[] = [];
  for (let i = 0; i < count; i++) {
    const run = await runStorm(options);
    runs.push(run);
    // Progress on stderr: the figures are printed once every run of the configuration has ended.
    console.error(`  run ${i + 1}/${count}: max_concurrency=${run.maxConcurrency} events=${run.events} seconds=${run.seconds.toFixed(1)} ` +
      `ratio=${(ideal / run.seconds).toFixed(2)} redriven=${run.redriven} duplicates=${run.duplicates} dead_lettered=${run.deadLettered} ` +
      `returned=${run.returned} machine_cpu_busy=${run.machineCpuBusy.toFixed(2)}`);
  }
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
      failedItems: Math.max(...runs.map((r) => r.failedItems)),
      returned: Math.max(...runs.map((r) => r.returned)),
      throttled: Math.max(...runs.map((r) => Object.values(r.throttled).reduce((a, b) => a + b, 0))),
    },
  };
}
