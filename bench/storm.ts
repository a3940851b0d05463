import { Backoff } from '../src';
import { bucketsOf } from './support/quotas';
import { LATENCY_MS, numberFromEnvironment, QUICK, round, STORM_RUNS } from './support/stats';
import { Bucket, RepeatedStorm, runStormRepeatedly } from './support/storm-run';
import { DEFAULT_RESERVED_CONCURRENCY } from '../src/private/resolve-props';

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

/** Quick mode: a tenth of the events and of every burst, the same refill rates (what the concurrency must sustain). */
const QUICK_SCALE = 0.1;

export interface StormRow extends RepeatedStorm {
  readonly region: StormRegion;
  readonly buckets: Readonly<Record<string, Bucket>>;
  readonly concurrency: number;
  readonly ideal: number;
  readonly latencyMs: number;
}

/**
 * storm: fresh failure events under `Backoff.none()`, each redriven on its own word (RedriveExecution
 * only, unless it waited past the one-minute freshness window or was throttled past the SDK's
 * retries), in real time (time factor 1), with the construct's default reserved concurrency.
 */
export async function storm(): Promise<StormRow[]> {
  const rows: StormRow[] = [];
  for (const region of STORM_REGIONS) rows.push(await stormRow(region, DEFAULT_RESERVED_CONCURRENCY, STORM_RUNS));
  return rows;
}

/**
 * For a Region class whose default misses ratio 0.9: the reserved concurrency that reaches it
 * (median over BENCH_SWEEP_RUNS runs, as many as the default's unless set), tried upwards from the
 * default in steps (BENCH_CONCURRENCY_STEPS overrides the list).
 */
export async function concurrencyNeeded(region: StormRegion, target: number): Promise<StormRow[]> {
  const steps = (process.env.BENCH_CONCURRENCY_STEPS ?? '15,20,25,30').split(',').map(Number)
    .filter((concurrency) => concurrency > DEFAULT_RESERVED_CONCURRENCY);
  const runs = numberFromEnvironment('BENCH_SWEEP_RUNS', STORM_RUNS);
  const rows: StormRow[] = [];
  for (const concurrency of steps) {
    const row = await stormRow(region, concurrency, runs);
    rows.push(row);
    if (row.ratio.median >= target) break;
  }
  return rows;
}

export async function stormRow(region: StormRegion, concurrency: number, runCount: number): Promise<StormRow> {
  const scale = QUICK ? QUICK_SCALE : 1;
  const events = Math.round(10_000 * scale);
  const buckets = Object.fromEntries(Object.entries(region.buckets)
    .map(([operation, b]) => [operation, { burst: Math.round(b.burst * scale), perSecond: b.perSecond }]));
  const redrive = buckets.RedriveExecution;
  const ideal = Math.max(0, (events - redrive.burst) / redrive.perSecond);
  const storms = await runStormRepeatedly(runCount, ideal, {
    events,
    props: { backoff: Backoff.none() },
    buckets,
    latencyMs: LATENCY_MS,
    timeFactor: numberFromEnvironment('BENCH_STORM_TIME_FACTOR', 1),
    concurrency,
    limitSeconds: Math.max(10 * ideal, 300),
  });
  return { region, buckets, concurrency, ...storms, ideal: round(ideal, 1), latencyMs: LATENCY_MS };
}

/** The storm's target: the run takes at most 1 / 0.9 of the time RedriveExecution's bucket needs. */
export const STORM_TARGET = 0.9;

/**
 * Little's law: the containers that handle the run's events within ideal / target seconds when an
 * invocation takes as long as it did in this run (mean, real time): events x mean / (ideal / target).
 */
export function concurrencyFor(row: StormRow, target: number): number {
  return Math.ceil((row.run.events * (row.run.invocationMs.mean / 1000)) / (row.ideal / target));
}

export function formatStorm(row: StormRow, prefix = 'storm'): string[] {
  const { run, runs, worst } = row;
  const buckets = Object.entries(row.buckets).map(([op, b]) => `${op} ${b.burst}/${b.perSecond}`).join(', ');
  return [
    `${prefix}: events=${run.events} redriven=${worst.redriven} duplicates=${worst.duplicates} lost=${run.events - worst.redriven} ` +
    `dead_lettered=${worst.deadLettered} throttled=${worst.throttled} failed_invocations=${worst.failedInvocations} seconds=${round(run.seconds, 1)} ideal=${row.ideal} ` +
    `ratio=${row.ratio.median} ratio_min=${row.ratio.min} ratio_max=${row.ratio.max} runs=${runs.length} ` +
    `(${row.region.name}; buckets ${buckets}; latency ${row.latencyMs} ms; concurrency ${row.concurrency})`,
    `  detail: seconds_all_runs=${runs.map((r) => round(r.seconds, 1)).join('/')} seconds_99pct=${round(run.seconds99, 1)} ` +
    `invocation_ms_median=${round(run.invocationMs.median, 1)} invocation_ms_mean=${round(run.invocationMs.mean, 1)} ` +
    `concurrency_for_target=${concurrencyFor(row, STORM_TARGET)} machine_cpu_busy=${round(run.machineCpuBusy)} invocations=${run.invocations} ` +
    `calls=${JSON.stringify(run.calls)} throttled=${JSON.stringify(run.throttled)} outcomes=${JSON.stringify(run.tally)}`,
  ];
}
