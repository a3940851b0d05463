import * as os from 'os';
import { coldInit } from './cold-init';
import { perEvent } from './per-event';
import { formatStorm, storm, stormSweep } from './storm';
import { formatStormBackoff, stormBackoff } from './storm-backoff';
import { LATENCY_MS, QUICK, round, selected } from './support/stats';
import { formatSynth, synth } from './synth';

/**
 * Runs every benchmark and prints its figures beside the baseline's. `BENCH_QUICK=1` is a
 * scaled-down pass; `BENCH_ONLY=cold-init,per-event,storm,storm-sweep,storm-backoff,synth` runs some of them.
 * Figures are printed, never asserted.
 */
async function main(): Promise<void> {
  const cores = os.cpus().length;
  const memoryGiB = Math.round(os.totalmem() / 2 ** 30);
  console.log(`machine: cores=${cores} memory_gib=${memoryGiB} node=${process.version} mode=${QUICK ? 'quick' : 'full'} date=${new Date().toISOString()}`);
  const table: string[][] = [];

  if (selected('cold-init')) {
    const cold = await coldInit();
    const r = cold.ratio;
    console.log(`cold-init: ours_ms=${cold.oursMs} baseline_ms=${cold.baselineMs} ratio=${r.median} ratio_p10=${r.p10} ratio_p90=${r.p90} ` +
      `ratio_min=${r.min} ratio_max=${r.max} pairs=${cold.pairs} bytes=${cold.bytes} baseline_bytes=${cold.baselineBytes}`);
    table.push(['Cold init, median of paired runs (ms)', `${cold.oursMs}`, `${cold.baselineMs}`,
      `${r.median} (p10 ${r.p10}, p90 ${r.p90}, ${cold.pairs} pairs)`]);
    table.push(['Bundle (bytes)', `${cold.bytes}`, `${cold.baselineBytes}`, `${round(cold.bytes / cold.baselineBytes)}`]);
  }

  if (selected('per-event')) {
    const figures = await perEvent();
    console.log(`decisions: per_second=${figures.decisionsPerSecond}`);
    console.log(`per-event: ours_per_second=${figures.oursPerSecond} baseline_per_second=${figures.baselinePerSecond} ratio=${figures.ratio} rounds=${figures.rounds}`);
    table.push(['Decisions per second (pure function)', `${figures.decisionsPerSecond}`, '', '']);
    table.push(['Events per second, one container, no latency', `${figures.oursPerSecond}`, `${figures.baselinePerSecond}`, `${figures.ratio}`]);
  }

  if (selected('storm')) {
    const rows = await storm((row) => {
      for (const line of formatStorm(row)) console.log(line);
    });
    for (const row of rows) {
      table.push([`Storm, ${row.run.events} fresh failures, ${row.region.name}, ${LATENCY_MS} ms per call, max concurrency ${row.run.maxConcurrency} (s)`,
        `${round(row.run.seconds, 1)}`, `ideal ${row.ideal}`, `${row.ratio.median} (${row.ratio.min}-${row.ratio.max})`]);
    }
  }

  if (selected('storm-sweep')) {
    const rows = await stormSweep((row) => {
      for (const line of formatStorm(row, 'storm-sweep')) console.log(line);
    });
    for (const row of rows) {
      table.push([`Storm sweep, ${row.run.events} fresh failures, ${row.region.name}, max concurrency ${row.run.maxConcurrency} (s)`,
        `${round(row.run.seconds, 1)}`, `ideal ${row.ideal}`, `${row.ratio.median} (${row.ratio.min}-${row.ratio.max})`]);
    }
  }

  if (selected('storm-backoff')) {
    const rows = await stormBackoff((row) => {
      for (const line of formatStormBackoff(row)) console.log(line);
    });
    for (const row of rows) {
      table.push([`Storm through the default backoff, ${row.run.events} failures, ${row.region.name}, max concurrency ${row.run.maxConcurrency} (virtual s)`,
        `${round(row.run.seconds, 1)}`, `ideal ${row.ideal}`, `${row.ratio.median} (${row.ratio.min}-${row.ratio.max})`]);
    }
  }

  if (selected('synth')) {
    for (const row of synth()) {
      console.log(formatSynth(row));
      if (!row.unavailable) {
        table.push([`Synth, ${row.synthCase.name} state machine(s) (ms)`, `${row.oursMs} (+${row.addedMs})`, `${row.baselineMs}`, `${row.ratio}`]);
      }
    }
  }

  console.log('');
  console.log('| Benchmark | AutoRedrive | Baseline | Ratio |');
  console.log('| --- | --- | --- | --- |');
  for (const row of table) console.log(`| ${row.join(' | ')} |`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
