import * as os from 'os';
import { coldInit } from './cold-init';
import { perEvent } from './per-event';
import { storm } from './storm';
import { QUICK } from './support/stats';
import { synth } from './synth';

/**
 * Runs every benchmark and prints its figures beside the baseline's. `BENCH_QUICK=1` is a
 * scaled-down pass. Figures are printed, never asserted.
 */
async function main(): Promise<void> {
  const cores = os.cpus().length;
  const memoryGiB = Math.round(os.totalmem() / 2 ** 30);
  console.log(`machine: cores=${cores} memory_gib=${memoryGiB} node=${process.version} mode=${QUICK ? 'quick' : 'full'} date=${new Date().toISOString()}`);

  const cold = await coldInit();
  console.log(`cold-init: ours_ms=${cold.oursMs} baseline_ms=${cold.baselineMs} ratio=${cold.ratio} bytes=${cold.bytes} baseline_bytes=${cold.baselineBytes} runs=${cold.runs}`);

  const perEventFigures = await perEvent();
  console.log(`decisions: per_second=${perEventFigures.decisionsPerSecond}`);
  console.log(`per-event: ours_per_second=${perEventFigures.oursPerSecond} baseline_per_second=${perEventFigures.baselinePerSecond} ratio=${perEventFigures.ratio}`);

  const stormFigures = await storm();
  console.log(`storm: events=${stormFigures.events} redriven=${stormFigures.redriven} duplicates=${stormFigures.duplicates} lost=${stormFigures.lost} ` +
    `throttled=${stormFigures.throttled} seconds=${stormFigures.seconds} ideal=${stormFigures.ideal} ratio=${stormFigures.ratio} ` +
    `(bucket ${stormFigures.burst} burst, ${stormFigures.perSecond}/s; concurrency ${stormFigures.concurrency})`);

  const synthRows = synth();
  for (const row of synthRows) {
    console.log(`synth: machines=${row.machines} ours_ms=${row.oursMs} baseline_ms=${row.baselineMs} ratio=${row.ratio} bytes=${row.bytes} ` +
      `baseline_bytes=${row.baselineBytes} resources_added=${row.resourcesAdded} rules=${row.rules} rule_permissions=${row.rulePermissions} ` +
      `redrive_policies=${row.redrivePolicies} ` +
      `fixed_resources=${row.fixedResources}`);
  }

  const rows: string[][] = [
    ['cold init (ms)', `${cold.oursMs}`, `${cold.baselineMs}`, `${cold.ratio}`, 'ratio <= 1.5'],
    ['bundle (bytes)', `${cold.bytes}`, `${cold.baselineBytes}`, `${Math.round((cold.bytes / cold.baselineBytes) * 100) / 100}`, ''],
    ['decisions per second', `${perEventFigures.decisionsPerSecond}`, '', '', ''],
    ['events per second', `${perEventFigures.oursPerSecond}`, `${perEventFigures.baselinePerSecond}`, `${perEventFigures.ratio}`, ''],
    ['storm seconds (ideal)', `${stormFigures.seconds}`, `${stormFigures.ideal}`, `${stormFigures.ratio}`, 'lost 0, duplicates 0, ratio >= 0.9'],
    ...synthRows.map((row) => [`synth ${row.machines} (ms)`, `${row.oursMs}`, `${row.baselineMs}`, `${row.ratio}`, `+${row.fixedResources} fixed resources`]),
  ];
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...[['benchmark', 'ours', 'baseline', 'ratio', 'target'], ...rows].map((r) => r[i].length)));
  for (const row of [['benchmark', 'ours', 'baseline', 'ratio', 'target'], ...rows]) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
