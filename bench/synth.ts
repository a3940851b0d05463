import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive } from '../src';
import { median, QUICK, round } from './support/stats';

interface Synthesized {
  readonly ms: number;
  readonly bytes: number;
  readonly resources: Record<string, number>;
}

function synthesize(machines: number, withAutoRedrive: boolean): Synthesized {
  const app = new App();
  const stack = new Stack(app, 'Bench');
  const stateMachines = Array.from({ length: machines }, (_, i) => new sfn.StateMachine(stack, `Machine${i}`, {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, `Start${i}`)),
  }));
  if (withAutoRedrive) new AutoRedrive(stack, 'AutoRedrive', { stateMachines });
  const started = performance.now();
  const template = app.synth().getStackByName('Bench').template;
  const ms = performance.now() - started;
  const resources: Record<string, number> = {};
  for (const resource of Object.values<any>(template.Resources)) resources[resource.Type] = (resources[resource.Type] ?? 0) + 1;
  return { ms, bytes: JSON.stringify(template).length, resources };
}

function total(resources: Record<string, number>): number {
  return Object.values(resources).reduce((a, b) => a + b, 0);
}

/** Synth time and template size with and without AutoRedrive, for 1, 10 and 100 state machines. */
export function synth() {
  return [1, 10, 100].map((machines) => {
    const runs = QUICK ? 3 : 7;
    const ours = Array.from({ length: runs }, () => synthesize(machines, true));
    const baseline = Array.from({ length: runs }, () => synthesize(machines, false));
    const added = total(ours[0].resources) - total(baseline[0].resources);
    const rules = ours[0].resources['AWS::Events::Rule'] ?? 0;
    // Each rule needs its own permission to invoke the handler.
    const rulePermissions = ours[0].resources['AWS::Lambda::Permission'] ?? 0;
    const redrivePolicies = ours[0].resources['AWS::IAM::ManagedPolicy'] ?? 0;
    return {
      machines,
      oursMs: round(median(ours.map((s) => s.ms)), 1),
      baselineMs: round(median(baseline.map((s) => s.ms)), 1),
      ratio: round(median(ours.map((s) => s.ms)) / median(baseline.map((s) => s.ms))),
      bytes: ours[0].bytes,
      baselineBytes: baseline[0].bytes,
      resourcesAdded: added,
      rules,
      rulePermissions,
      redrivePolicies,
      fixedResources: added - rules - rulePermissions - redrivePolicies,
    };
  });
}
