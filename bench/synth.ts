import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive } from '../src';
import { median, numberFromEnvironment, QUICK, round } from './support/stats';

interface Synthesized {
  readonly ms: number;
  readonly bytes: number;
  readonly resources: Record<string, number>;
}

/** A case: how many state machines the stack has, and how AutoRedrive selects them. */
export interface SynthCase {
  readonly name: string;
  readonly machines: number;
  readonly selection: 'list' | 'prefix';
}

export const SYNTH_CASES: readonly SynthCase[] = [
  { name: '1', machines: 1, selection: 'list' },
  { name: '10', machines: 10, selection: 'list' },
  { name: '100', machines: 100, selection: 'list' },
  { name: '1 by prefix', machines: 1, selection: 'prefix' },
  { name: '300 by prefix', machines: 300, selection: 'prefix' },
];

/**
 * Milliseconds from `new App()` to the synthesized template: the state machines, AutoRedrive's
 * constructor (when `withAutoRedrive`) and synthesis, all timed.
 */
function synthesize(synthCase: SynthCase, withAutoRedrive: boolean): Synthesized {
  const started = performance.now();
  const app = new App();
  const stack = new Stack(app, 'Bench');
  // One role for every state machine keeps 300 of them inside CloudFormation's 500 resources.
  const role = new iam.Role(stack, 'MachinesRole', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
  const stateMachines = Array.from({ length: synthCase.machines }, (_, i) => new sfn.StateMachine(stack, `Machine${i}`, {
    stateMachineName: `orders-${i}`,
    role,
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, `Start${i}`)),
  }));
  if (withAutoRedrive) {
    new AutoRedrive(stack, 'AutoRedrive', synthCase.selection === 'prefix' ? { stateMachineNamePrefixes: ['orders-'] } : { stateMachines });
  }
  const template = app.synth().getStackByName('Bench').template;
  const ms = performance.now() - started;
  const resources: Record<string, number> = {};
  for (const resource of Object.values<any>(template.Resources)) resources[resource.Type] = (resources[resource.Type] ?? 0) + 1;
  return { ms, bytes: JSON.stringify(template).length, resources };
}

function total(resources: Record<string, number>): number {
  return Object.values(resources).reduce((a, b) => a + b, 0);
}

export interface SynthRow {
  readonly synthCase: SynthCase;
  /** Set when the construct cannot synthesize the case (e.g. a prop not there yet). */
  readonly unavailable?: string;
  readonly oursMs: number;
  readonly baselineMs: number;
  /** Median over runs of ours / baseline, each pair run one after the other. */
  readonly ratio: number;
  /** Median over runs of ours - baseline: AutoRedrive's own cost. */
  readonly addedMs: number;
  readonly addedMsMin: number;
  readonly addedMsMax: number;
  readonly bytes: number;
  readonly baselineBytes: number;
  readonly resourcesAdded: number;
  readonly rules: number;
  readonly rulePermissions: number;
  readonly managedPolicies: number;
  readonly fixedResources: number;
  readonly runs: number;
}

/**
 * Synth time and template size with and without AutoRedrive. Each run synthesizes the stack with
 * AutoRedrive and without it, one right after the other, alternating which goes first; a first
 * untimed pair warms the process (module loading, JIT, the asset's hash).
 */
export function synth(): SynthRow[] {
  const runs = numberFromEnvironment('BENCH_SYNTH_RUNS', QUICK ? 3 : 9);
  synthesize(SYNTH_CASES[0], true);
  synthesize(SYNTH_CASES[0], false);
  return SYNTH_CASES.map((synthCase) => {
    const ours: Synthesized[] = [];
    const baseline: Synthesized[] = [];
    try {
      for (let run = 0; run < runs; run++) {
        if (run % 2 === 0) {
          ours.push(synthesize(synthCase, true));
          baseline.push(synthesize(synthCase, false));
        } else {
          baseline.push(synthesize(synthCase, false));
          ours.push(synthesize(synthCase, true));
        }
      }
    } catch (error) {
      return unavailableRow(synthCase, error);
    }
    const added = ours.map((o, i) => o.ms - baseline[i].ms);
    const resources = ours[0].resources;
    const resourcesAdded = total(resources) - total(baseline[0].resources);
    const rules = resources['AWS::Events::Rule'] ?? 0;
    // Each rule needs its own permission to invoke the handler.
    const rulePermissions = resources['AWS::Lambda::Permission'] ?? 0;
    const managedPolicies = resources['AWS::IAM::ManagedPolicy'] ?? 0;
    return {
      synthCase,
      oursMs: round(median(ours.map((s) => s.ms)), 1),
      baselineMs: round(median(baseline.map((s) => s.ms)), 1),
      ratio: round(median(ours.map((o, i) => o.ms / baseline[i].ms))),
      addedMs: round(median(added), 1),
      addedMsMin: round(Math.min(...added), 1),
      addedMsMax: round(Math.max(...added), 1),
      bytes: ours[0].bytes,
      baselineBytes: baseline[0].bytes,
      resourcesAdded,
      rules,
      rulePermissions,
      managedPolicies,
      fixedResources: resourcesAdded - rules - rulePermissions - managedPolicies,
      runs,
    };
  });
}

function unavailableRow(synthCase: SynthCase, error: unknown): SynthRow {
  const message = (error as Error)?.message ?? String(error);
  const nothing = { oursMs: NaN, baselineMs: NaN, ratio: NaN, addedMs: NaN, addedMsMin: NaN, addedMsMax: NaN, bytes: 0, baselineBytes: 0 };
  const noResources = { resourcesAdded: 0, rules: 0, rulePermissions: 0, managedPolicies: 0, fixedResources: 0, runs: 0 };
  return {
    synthCase,
    unavailable: message.split('\n')[0].slice(0, 200),
    ...nothing,
    ...noResources,
  };
}

export function formatSynth(row: SynthRow): string {
  const c = row.synthCase;
  if (row.unavailable) return `synth: machines=${c.machines} selection=${c.selection} unavailable (${row.unavailable})`;
  return `synth: machines=${c.machines} selection=${c.selection} ours_ms=${row.oursMs} baseline_ms=${row.baselineMs} ratio=${row.ratio} ` +
    `added_ms=${row.addedMs} added_ms_min=${row.addedMsMin} added_ms_max=${row.addedMsMax} runs=${row.runs} bytes=${row.bytes} ` +
    `baseline_bytes=${row.baselineBytes} resources_added=${row.resourcesAdded} rules=${row.rules} rule_permissions=${row.rulePermissions} ` +
    `managed_policies=${row.managedPolicies} fixed_resources=${row.fixedResources}`;
}
