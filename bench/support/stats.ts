export function median(values: number[]): number {
  return quantile(values, 0.5);
}

/** The q-quantile (0..1) of `values`, interpolated between the nearest ranks. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

/** Minimum, median and maximum: the spread of a figure over runs. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function spreadOf(values: number[], digits = 2): Spread {
  return { min: round(Math.min(...values), digits), median: round(median(values), digits), max: round(Math.max(...values), digits) };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const QUICK = process.env.BENCH_QUICK === '1';

/** A number from the environment (`BENCH_...`), else the default. */
export function numberFromEnvironment(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${text}`);
  return value;
}

/** Runs of each storm configuration: 3 in a full pass, 1 in a quick one, unless BENCH_RUNS says. */
export const STORM_RUNS = numberFromEnvironment('BENCH_RUNS', QUICK ? 1 : 3);

/** Milliseconds of latency the local endpoint adds to every call in the storms (BENCH_LATENCY_MS, default 25). */
export const LATENCY_MS = numberFromEnvironment('BENCH_LATENCY_MS', 25);

/** Which benchmarks to run: BENCH_ONLY=storm,storm-backoff (all when unset). */
export function selected(name: string): boolean {
  const only = process.env.BENCH_ONLY;
  return only === undefined || only === '' || only.split(',').map((s) => s.trim()).includes(name);
}
