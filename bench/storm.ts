import { Backoff } from '../src';
import { bucketsOf } from './support/quotas';
import { LATENCY_MS, numberFromEnvironment, QUICK, round, STORM_RUNS } from './support/stats';
import { Bucket, RepeatedStorm, runStormRepeatedly } from './support/storm-run';

/** A Region class of the fresh-event storm: the quotas per second. */
export interface StormRegion {
  readonly name: string;
  readonly buckets: Readonly<Record<string, Bucket>>;
}

/** The largest Regions and the others, each with its own quotas. */
export const STORM_REGIONS: readonly StormRegion[] = [
  { name: 'large Regions', buckets: bucketsOf('largestRegions') },
  { name: 'other Regions', buckets: bucketsOf('otherRegions') },
];

/** Quick mode: a tenth of the events and of every burst, the same refill rates (what the intake must sustain). */
const QUICK_SCALE = 0.1;

/**
 * The intake's maxConcurrency the storms run with: BENCH_MAX_CONCURRENCY when set, else the
 * construct's default (undefined: the template decides, as a user who leaves the prop out gets).
 */
export function maxConcurrencyFromEnvironment(): number | undefined {
  const value = numberFromEnvironment('BENCH_MAX_CONCURRENCY', NaN);
  return Number.isNaN(value) ? undefined : value;
}

export interface StormRow extends RepeatedStorm {
  readonly region: StormRegion;
  readonly buckets: Readonly<Record<string, Bucket>>;
  readonly ideal: number;
  readonly latencyMs: number;
}

/**
 * storm: fresh failure events under `Backoff.none()`, each redriven on its own word (RedriveExecution
 * only, unless it waited past the one-minute freshness window or was throttled past the SDK's
 * retries), in real time (time factor 1), through the intake queue with the construct's default
 * maxConcurrency (BENCH_MAX_CONCURRENCY overrides it).
 */
export async function storm(onRow: (row: StormRow) => void = () => undefined): Promise<StormRow[]> {
  const rows: StormRow[] = [];
  for (const region of STORM_REGIONS) {
    const row = await stormRow(region, maxConcurrencyFromEnvironment(), STORM_RUNS);
    onRow(row);
    rows.push(row);
  }
  return rows;
}

/**
 * storm-sweep: the fresh-event storm in both Region classes at each maxConcurrency of
 * BENCH_MAX_CONCURRENCY_STEPS (default 2,3,4,6,8), BENCH_SWEEP_RUNS runs each (1 unless set), so
 * that the default is chosen from data.
 */
export async function stormSweep(onRow: (row: StormRow) => void = () => undefined): Promise<StormRow[]> {
  const steps = (process.env.BENCH_MAX_CONCURRENCY_STEPS ?? '2,3,4,6,8').split(',').map(Number);
  const runs = numberFromEnvironment('BENCH_SWEEP_RUNS', 1);
  const rows: StormRow[] = [];
  for (const maxConcurrency of steps) {
    for (const region of STORM_REGIONS) {
      const row = await stormRow(region, maxConcurrency, runs);
      onRow(row);
      rows.push(row);
    }
  }
  return rows;
}

export async function stormRow(region: StormRegion, maxConcurrency: number | undefined, runCount: number): Promise<StormRow> {
  const scale = QUICK ? QUICK_SCALE : 1;
  const events = Math.round(10_000 * scale);
  const buckets = Object.fromEntries(Object.entries(region.buckets)
    .map(([operation, b]) => [operation, { burst: Math.round(b.burst * scale), perSecond: b.perSecond }]));
  const redrive = buckets.RedriveExecution;
  const ideal = Math.max(0, (events - redrive.burst) / redrive.perSecond);
  const storms = await runStormRepeatedly(runCount, ideal, {
    events,
    props: { backoff: Backoff.none(), ...(maxConcurrency === undefined ? {} : { maxConcurrency }) },
    buckets,
    latencyMs: LATENCY_MS,
    timeFactor: numberFromEnvironment('BENCH_STORM_TIME_FACTOR', 1),
    limitSeconds: Math.max(10 * ideal, 300),
  });
  return { region, buckets, ...storms, ideal: round(ideal, 1), latencyMs: LATENCY_MS };
}

/** The storm's target: the run takes at most 1 / 0.9 of the time RedriveExecution's bucket needs. */
export const STORM_TARGET = 0.9;

export function formatStorm(row: StormRow, prefix = 'storm'): string[] {
  const { run, runs, worst } = row;
  const buckets = Object.entries(row.buckets).map(([op, b]) => `${op} ${b.burst}/${b.perSecond}`).join(', ');
  return [
    `${prefix}: events=${run.events} redriven=${worst.redriven} duplicates=${worst.duplicates} lost=${run.events - worst.redriven} ` +
    `dead_lettered=${worst.deadLettered} throttled=${worst.throttled} failed_invocations=${worst.failedInvocations} ` +
    `failed_items=${worst.failedItems} returned=${worst.returned} seconds=${round(run.seconds, 1)} ideal=${row.ideal} ` +
    `ratio=${row.ratio.median} ratio_min=${row.ratio.min} ratio_max=${row.ratio.max} runs=${runs.length} ` +
    `(${row.region.name}; buckets ${buckets}; latency ${row.latencyMs} ms; max concurrency ${run.maxConcurrency}; batch size ${run.batchSize})`,
    `  detail: seconds_all_runs=${runs.map((r) => round(r.seconds, 1)).join('/')} seconds_99pct=${round(run.seconds99, 1)} ` +
    `intake_seconds=${round(run.intakeSeconds, 1)} drained_seconds=${round(run.drainedSeconds, 1)} finished=${run.finished} ` +
    `batches=${run.invocations} mean_batch=${round(run.meanBatch, 1)} max_concurrency_used=${run.maxConcurrencyUsed} ` +
    `invocation_ms_median=${round(run.invocationMs.median, 1)} invocation_ms_mean=${round(run.invocationMs.mean, 1)} ` +
    `dead_lettered_by_handler=${run.handlerDeadLetters} dead_lettered_by_redrive_policy=${run.movedByRedrivePolicy} ` +
    `machine_cpu_busy=${round(run.machineCpuBusy)} ` +
    `calls=${JSON.stringify(run.calls)} throttled=${JSON.stringify(run.throttled)} outcomes=${JSON.stringify(run.tally)}`,
  ];
}
