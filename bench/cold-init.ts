import { execFileSync } from 'child_process';
import { buildBaselineBundle, OUR_BUNDLE, sizeOf } from './support/bundles';
import { deployForBench } from './support/environment';
import { median, QUICK, round } from './support/stats';
import { FakeAws } from '../test/support/fake-aws/server';

const LOAD = 'const t = process.hrtime.bigint(); require(process.argv[1]); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';

/** Milliseconds to load a bundle in a fresh Node.js process: what a cold start pays before the first event. */
function loadTimes(bundle: string, environment: Record<string, string>, runs: number): number[] {
  return Array.from({ length: runs }, () => Number(execFileSync(process.execPath, ['-e', LOAD, bundle], {
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString()));
}

export async function coldInit() {
  const fake = await FakeAws.start();
  try {
    const environment = deployForBench(fake, 'orders');
    const baseline = buildBaselineBundle();
    const runs = QUICK ? 7 : 21;
    // Interleaved, so that both see the same machine state.
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < runs; i++) {
      ours.push(...loadTimes(OUR_BUNDLE, environment, 1));
      theirs.push(...loadTimes(baseline, fake.environment, 1));
    }
    const oursMs = round(median(ours));
    const baselineMs = round(median(theirs));
    return { oursMs, baselineMs, ratio: round(oursMs / baselineMs), bytes: sizeOf(OUR_BUNDLE), baselineBytes: sizeOf(baseline), runs };
  } finally {
    await fake.close();
  }
}
