import { execFileSync } from 'child_process';
import { buildBaselineBundle, OUR_BUNDLE, sizeOf } from './support/bundles';
import { deployForBench } from './support/environment';
import { median, numberFromEnvironment, quantile, QUICK, round } from './support/stats';
import { FakeAws } from '../tools/fake-aws/server';

const LOAD = 'const t = process.hrtime.bigint(); require(process.argv[1]); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';

/** Milliseconds to load a bundle in a fresh Node.js process: what a cold start pays before the first event. */
function loadTime(bundle: string, environment: Record<string, string>): number {
  return Number(execFileSync(process.execPath, ['-e', LOAD, bundle], {
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString());
}

export interface RatioSpread {
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
  readonly min: number;
  readonly max: number;
}

function ratioSpread(ratios: number[]): RatioSpread {
  return {
    median: round(median(ratios)),
    p10: round(quantile(ratios, 0.1)),
    p90: round(quantile(ratios, 0.9)),
    min: round(Math.min(...ratios)),
    max: round(Math.max(...ratios)),
  };
}

export interface ColdInit {
  readonly oursMs: number;
  readonly baselineMs: number;
  /** Per pair: ours / baseline, loaded one after the other. */
  readonly ratio: RatioSpread;
  readonly bytes: number;
  readonly baselineBytes: number;
  readonly pairs: number;
}

/**
 * Paired runs: each round loads our bundle and the baseline once each in fresh processes, one
 * right after the other, in an order that alternates from round to round, so that both sides of a
 * pair see the same machine state and neither always goes first. The ratio is taken per pair, then
 * summarized (median, p10/p90, min/max).
 */
export async function coldInit(): Promise<ColdInit> {
  const fake = await FakeAws.start();
  try {
    const environment = deployForBench(fake, 'orders');
    const baseline = buildBaselineBundle();
    const pairs = numberFromEnvironment('BENCH_COLD_PAIRS', QUICK ? 7 : 15);
    const sides = [
      { name: 'ours', bundle: OUR_BUNDLE, environment },
      { name: 'baseline', bundle: baseline, environment: fake.environment },
    ];
    // One load of each first: the file cache, not the bundle, would make the first round slow.
    for (const side of sides) loadTime(side.bundle, side.environment);
    const times: Record<string, number[]> = { ours: [], baseline: [] };
    for (let round_ = 0; round_ < pairs; round_++) {
      const order = round_ % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) times[side.name].push(loadTime(side.bundle, side.environment));
    }
    const ratios = times.ours.map((ours, i) => ours / times.baseline[i]);
    return {
      oursMs: round(median(times.ours)),
      baselineMs: round(median(times.baseline)),
      ratio: ratioSpread(ratios),
      bytes: sizeOf(OUR_BUNDLE),
      baselineBytes: sizeOf(baseline),
      pairs,
    };
  } finally {
    await fake.close();
  }
}
