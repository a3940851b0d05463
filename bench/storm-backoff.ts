import { maxConcurrencyFromEnvironment } from './storm';
import { bucketsOf } from './support/quotas';
import { LATENCY_MS, numberFromEnvironment, QUICK, round, STORM_RUNS } from './support/stats';
import { Bucket, RepeatedStorm, runStormRepeatedly } from './support/storm-run';
import { BackoffSpec } from '../src/shared/contract';
import { autoRedriveTemplate } from '../tools/auto-redrive-template';

/**
 * Virtual seconds per real second of the storm-backoff runs (BENCH_TIME_FACTOR): the clock, the
 * token buckets' refill, the intake queue's visibility timeouts, the schedules and the handler's own clock and timers
 * all run this much faster than real time. Network latency and CPU do not: in virtual time each
 * call takes factor x latency, which makes the run harder for the handler, never easier.
 */
export const TIME_FACTOR = numberFromEnvironment('BENCH_TIME_FACTOR', 4);

/** A Region class: the quotas the storm meets (per virtual second). */
export interface RegionClass {
  readonly name: string;
  readonly buckets: Readonly<Record<string, Bucket>>;
}

/**
 * RedriveExecution at the smaller Regions' 800 / 150 per s in both, so that DescribeExecution binds:
 * at the largest Regions' 300 / 15 with their other quotas, and at the others' 250 / 10 with theirs.
 */
export const BACKOFF_REGIONS: readonly RegionClass[] = [
  { name: 'describe 300/15', buckets: bucketsOf('largestRegions', { RedriveExecution: 'otherRegions' }) },
  { name: 'describe 250/10', buckets: bucketsOf('otherRegions') },
];

export interface StormBackoffRow extends RepeatedStorm {
  readonly region: RegionClass;
  readonly ideal: number;
  readonly apiCallsPerRedrive: number;
  readonly timeFactor: number;
  readonly latencyMs: number;
  readonly outcomeEvents: boolean;
}

/**
 * The fewest virtual seconds the run can take. The first redrive of a failure waits the backoff's
 * delay for redrive count 0, drawn from [lo, hi] (jitter), so DescribeExecution and
 * RedriveExecution cannot be called before lo, and the last schedule can be due as late as hi; each
 * bucket b then needs (calls_b - burst_b) / rate_b for the calls every redrive must make (one
 * CreateSchedule, one DescribeExecution and one RedriveExecution per failure, and one PutEvents per
 * invocation when outcome events are on). ideal = max(hi, max_b(start_b + (calls_b - burst_b) / rate_b)).
 */
export function idealSeconds(events: number, backoff: BackoffSpec, buckets: Readonly<Record<string, Bucket>>, outcomeEvents: boolean): number {
  const hi = Math.min(backoff.maxDelaySeconds, backoff.initialDelaySeconds);
  const lo = backoff.jitter ? hi / 2 : hi;
  const calls: Record<string, { count: number; start: number }> = {
    CreateSchedule: { count: events, start: 0 },
    DescribeExecution: { count: events, start: lo },
    RedriveExecution: { count: events, start: lo },
    PutEvents: { count: outcomeEvents ? 2 * events : 0, start: 0 },
  };
  let ideal = hi;
  for (const [operation, { count, start }] of Object.entries(calls)) {
    const bucket = buckets[operation];
    if (!bucket || count === 0) continue;
    ideal = Math.max(ideal, start + Math.max(0, count - bucket.burst) / bucket.perSecond);
  }
  return ideal;
}

/**
 * storm-backoff: failures through the construct's default configuration (exponential backoff,
 * 1 minute to 1 hour, with jitter): each fresh failure is scheduled, each due schedule looks at the
 * execution (DescribeExecution) and redrives it; throttling past the SDK's retries is put off with
 * another schedule. Every trigger goes through the intake queue, with the construct's default
 * maxConcurrency (BENCH_MAX_CONCURRENCY overrides it).
 */
export async function stormBackoff(onRow: (row: StormBackoffRow) => void = () => undefined): Promise<StormBackoffRow[]> {
  const events = QUICK ? 1_000 : 10_000;
  const outcomeEvents = process.env.BENCH_OUTCOME_EVENTS === '1';
  const policy = JSON.parse(autoRedriveTemplateEnvironment().AUTO_REDRIVE_POLICY);
  const maxConcurrency = maxConcurrencyFromEnvironment();
  const rows: StormBackoffRow[] = [];
  for (const region of BACKOFF_REGIONS) {
    const ideal = idealSeconds(events, policy.backoff, region.buckets, outcomeEvents);
    const storms = await runStormRepeatedly(STORM_RUNS, ideal, {
      events,
      props: maxConcurrency === undefined ? {} : { maxConcurrency },
      buckets: region.buckets,
      latencyMs: LATENCY_MS,
      timeFactor: TIME_FACTOR,
      environment: outcomeEvents ? { AUTO_REDRIVE_OUTCOME_EVENTS: 'true' } : {},
      limitSeconds: Math.max(4 * ideal, 600),
    });
    const totalCalls = Object.values(storms.run.calls).reduce((a, b) => a + b, 0);
    const row: StormBackoffRow = {
      region,
      ...storms,
      ideal: round(ideal, 1),
      apiCallsPerRedrive: round(totalCalls / Math.max(1, storms.run.redriven)),
      timeFactor: TIME_FACTOR,
      latencyMs: LATENCY_MS,
      outcomeEvents,
    };
    onRow(row);
    rows.push(row);
  }
  return rows;
}

function autoRedriveTemplateEnvironment(): Record<string, string> {
  const template = autoRedriveTemplate(['orders'], {});
  const handler = Object.entries<any>(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('AutoRedriveHandler'))!;
  return handler[1].Properties.Environment.Variables;
}

export function formatStormBackoff(row: StormBackoffRow): string[] {
  const { run, worst, region } = row;
  const buckets = Object.entries(region.buckets).map(([op, b]) => `${op} ${b.burst}/${b.perSecond}`).join(', ');
  return [
    `storm-backoff: events=${run.events} redriven=${worst.redriven} duplicates=${worst.duplicates} lost=${run.events - worst.redriven} ` +
    `dead_lettered=${worst.deadLettered} failed_invocations=${worst.failedInvocations} failed_items=${worst.failedItems} returned=${worst.returned} ` +
    `seconds=${round(run.seconds, 1)} ideal=${row.ideal} ratio=${row.ratio.median} ` +
    `api_calls_per_redrive=${row.apiCallsPerRedrive} ratio_min=${row.ratio.min} ratio_max=${row.ratio.max} runs=${row.runs.length} ` +
    `(${region.name}; buckets ${buckets}; latency ${row.latencyMs} ms; max concurrency ${run.maxConcurrency}; batch size ${run.batchSize}; ` +
    `time factor ${row.timeFactor}; outcome events ${row.outcomeEvents ? 'on' : 'off'})`,
    `  detail: intake_seconds=${round(run.intakeSeconds, 1)} seconds_99pct=${round(run.seconds99, 1)} drained_seconds=${round(run.drainedSeconds, 1)} ` +
    `finished=${run.finished} batches=${run.invocations} mean_batch=${round(run.meanBatch, 1)} max_concurrency_used=${run.maxConcurrencyUsed} ` +
    `invocation_ms_median=${round(run.invocationMs.median, 1)} ` +
    `dead_lettered_by_handler=${run.handlerDeadLetters} dead_lettered_by_redrive_policy=${run.movedByRedrivePolicy} ` +
    `machine_cpu_busy=${round(run.machineCpuBusy)} ` +
    `seconds_all_runs=${row.runs.map((r) => round(r.seconds, 1)).join('/')} ` +
    `calls=${JSON.stringify(run.calls)} throttled=${JSON.stringify(run.throttled)} outcomes=${JSON.stringify(run.tally)}`,
  ];
}
