import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AutoRedrive, AutoRedriveProps } from '../../src';
import { newStack, synthAutoRedrive } from '../support/stacks';

/** A dashboard body as deployed: its joins joined, pseudo parameters named. */
function deployedBody(stack: Stack, body: unknown): string {
  const resolved: any = stack.resolve(body);
  if (typeof resolved === 'string') return resolved;
  return resolved['Fn::Join'][1].map((part: any) => typeof part === 'string' ? part : JSON.stringify(part).replace(/"/g, '')).join('');
}

describe('dashboard', () => {
  test('no dashboard by default', () => {
    synthAutoRedrive().template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  test('the dashboard shows the construct\'s metrics beside the native redrive metrics of each state machine', () => {
    const { template, autoRedrive, stack } = synthAutoRedrive({ dashboard: true }, 25);
    expect(autoRedrive.dashboard).toBeDefined();
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as any[];
    const body = JSON.stringify(stack.resolve(dashboard.Properties.DashboardBody));
    for (const name of ['Redriven', 'Scheduled', 'Skipped', 'Exhausted', 'Failed', 'BadEvents',
      'ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'ExecutionsRedriven', 'RedrivenExecutionsSucceeded', 'RedrivenExecutionsFailed', 'RedrivenExecutionsTimedOut']) {
      expect(body).toContain(name);
    }
    const machineIds = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(machineIds).toHaveLength(25);
    for (const machineId of machineIds) expect(body).toContain(machineId);
  });

  test.each<[string, Partial<AutoRedriveProps>]>([
    ['stateMachineNamePrefixes', { stateMachineNamePrefixes: ['orders-'] }],
    ['allStateMachines', { allStateMachines: true }],
  ])('with %s, the native redrive graphs search every state machine of the account and Region', (_name, selection) => {
    const stack = newStack();
    new AutoRedrive(stack, 'AutoRedrive', { ...selection, dashboard: true });
    const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard')) as any[];
    const body = JSON.parse(deployedBody(stack, dashboard.Properties.DashboardBody));
    const graphs = body.widgets.filter((widget: any) => widget.properties.title?.startsWith('AWS/States'));
    expect(graphs.map((graph: any) => graph.properties.title)).toEqual(
      ['ExecutionsRedriven', 'RedrivenExecutionsSucceeded', 'RedrivenExecutionsFailed', 'RedrivenExecutionsTimedOut']
        .map((metricName) => `AWS/States ${metricName} (every state machine of the account and Region)`));
    for (const [index, graph] of graphs.entries()) {
      const metricName = ['ExecutionsRedriven', 'RedrivenExecutionsSucceeded', 'RedrivenExecutionsFailed', 'RedrivenExecutionsTimedOut'][index];
      expect(graph.properties.metrics).toEqual([[{
        expression: `SEARCH('{AWS/States,StateMachineArn} MetricName="${metricName}"', 'Sum', 300)`,
        label: '${PROP(\'Dim.StateMachineArn\')}',
      }]]);
    }
    const decisions = body.widgets.find((widget: any) => widget.properties.title === 'AutoRedrive decisions');
    expect(JSON.stringify(decisions.properties.metrics)).toContain('Redriven');
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});
