import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AutoRedrive, AutoRedriveProps } from '../src';
import { handlerRoleStatements, newStack, standardStateMachine, synthAutoRedrive } from './support/stacks';
import { MetricName } from '../src/shared/contract';

describe('metrics', () => {
  const { autoRedrive, stack } = synthAutoRedrive();

  test.each<[string, (a: AutoRedrive) => cloudwatch.Metric]>([
    ['Redriven', (a) => a.metricRedriven()],
    ['Scheduled', (a) => a.metricScheduled()],
    ['Skipped', (a) => a.metricSkipped()],
    ['Exhausted', (a) => a.metricExhausted()],
    ['Failed', (a) => a.metricFailed()],
    ['BadEvents', (a) => a.metricBadEvents()],
    ['PutOff', (a) => a.metricPutOff()],
    ['OutcomeEventFailures', (a) => a.metricOutcomeEventFailures()],
  ])('%s: the handler\'s namespace and service dimension, Sum over 5 minutes', (metricName, metricOf) => {
    const metric = metricOf(autoRedrive);
    expect(metric.namespace).toBe('CdkStepFunctionsRedrive');
    expect(metric.metricName).toBe(metricName);
    expect(metric.dimensions).toEqual({ service: autoRedrive.autoRedriveName });
    expect(metric.statistic).toBe('Sum');
    expect(metric.period.toMinutes()).toBe(5);
    expect(metric.toMetricConfig()).toEqual(autoRedrive.metric(metricName).toMetricConfig());
  });

  test('every metric the handler publishes has a method named after it, metric<Name>()', () => {
    for (const metricName of Object.values(MetricName)) {
      const method = (autoRedrive as any)[`metric${metricName}`];
      expect({ metricName, hasMethod: typeof method === 'function' }).toEqual({ metricName, hasMethod: true });
      expect(method.call(autoRedrive).metricName).toBe(metricName);
    }
  });

  test('the metric methods pass their options through, in a chosen namespace', () => {
    const { autoRedrive: custom } = synthAutoRedrive({ metricsNamespace: 'Ops/Redrive' });
    for (const metric of [custom.metricPutOff({ period: Duration.minutes(1) }), custom.metricOutcomeEventFailures({ period: Duration.minutes(1) })]) {
      expect(metric.namespace).toBe('Ops/Redrive');
      expect(metric.period.toMinutes()).toBe(1);
      expect(metric.dimensions).toEqual({ service: custom.autoRedriveName });
    }
  });

  test('options are applied, and extra dimensions (a skip reason) added', () => {
    const metric = autoRedrive.metricSkipped({ period: Duration.hours(1), dimensionsMap: { Reason: 'EXHAUSTED' }, statistic: 'Maximum' });
    expect(metric.dimensions).toEqual({ service: autoRedrive.autoRedriveName, Reason: 'EXHAUSTED' });
    expect(metric.period.toHours()).toBe(1);
    expect(metric.statistic).toBe('Maximum');
  });

  test('the dead-letter queue depth', () => {
    const metric = autoRedrive.metricDeadLetterQueueDepth();
    expect(metric.namespace).toBe('AWS/SQS');
    expect(metric.metricName).toBe('ApproximateNumberOfMessagesVisible');
    expect(stack.resolve(metric.dimensions)).toEqual({ QueueName: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'QueueName'] } });
  });

  test('the intake queue\'s oldest message age', () => {
    const metric = autoRedrive.metricIntakeQueueOldestMessageAge();
    expect(metric.namespace).toBe('AWS/SQS');
    expect(metric.metricName).toBe('ApproximateAgeOfOldestMessage');
    expect(metric.statistic).toBe('Maximum');
    expect(metric.period.toMinutes()).toBe(1);
    expect(stack.resolve(metric.dimensions)).toEqual({ QueueName: { 'Fn::GetAtt': [expect.stringMatching(/Intake/), 'QueueName'] } });
  });

  test('a chosen namespace reaches both the handler and the metric methods', () => {
    const { template, autoRedrive: custom } = synthAutoRedrive({ metricsNamespace: 'Ops/Redrive' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { POWERTOOLS_METRICS_NAMESPACE: 'Ops/Redrive' } } });
    expect(custom.metricRedriven().namespace).toBe('Ops/Redrive');
  });

  test.each(['', 'AWS/Mine', 'has space'])('an invalid namespace %j is a synth-time error', (metricsNamespace) => {
    expect(() => synthAutoRedrive({ metricsNamespace })).toThrow(/metricsNamespace must be 1 to 255/);
  });
});

describe('alarms', () => {
  test('by default: the DLQ holds a message, an execution is exhausted, the handler fails, the intake backs up', () => {
    const { template, autoRedrive } = synthAutoRedrive();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Exhausted',
      Namespace: 'CdkStepFunctionsRedrive',
      Statistic: 'Sum',
      Period: 300,
      Dimensions: [{ Name: 'service', Value: autoRedrive.autoRedriveName }],
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 1 });
    const intakeId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id.includes('Intake'))!;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [intakeId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 900,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    const alarms = [autoRedrive.deadLetterQueueAlarm, autoRedrive.exhaustedAlarm, autoRedrive.handlerErrorsAlarm, autoRedrive.intakeAgeAlarm];
    expect(alarms.every(Boolean)).toBe(true);
  });

  test('addAlarmActions pages through every alarm', () => {
    const stack = newStack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')] });
    const topic = new sns.Topic(stack, 'Pager', { enforceSSL: true });
    autoRedrive.addAlarmActions(new cwActions.SnsAction(topic));
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')) as any[];
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/Pager/) }]);
  });

  test('opt out with alarms: false', () => {
    const { template, autoRedrive } = synthAutoRedrive({ alarms: false });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(autoRedrive.exhaustedAlarm).toBeUndefined();
    expect(() => autoRedrive.addAlarmActions()).not.toThrow();
  });
});

describe('outcome events', () => {
  test('onExhausted matches this construct\'s Redrive Exhausted events and sends them to the target', () => {
    const stack = newStack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')] });
    const topic = new sns.Topic(stack, 'Tickets', { enforceSSL: true });
    autoRedrive.onExhausted('OpenTicket', { target: new targets.SnsTopic(topic), description: 'ticket on exhaustion' });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Description: 'ticket on exhaustion',
      EventPattern: {
        'source': ['cdk-stepfunctions-redrive'],
        'detail-type': ['Redrive Exhausted'],
        'detail': { autoRedrive: [autoRedrive.autoRedriveName] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('Tickets') } })],
    });
  });

  test.each<[string, (a: AutoRedrive) => events.Rule, string[]]>([
    ['onRedriven', (a) => a.onRedriven('R'), ['Execution Redriven']],
    ['onScheduled', (a) => a.onScheduled('R'), ['Redrive Scheduled']],
    ['onSkipped', (a) => a.onSkipped('R'), ['Redrive Skipped']],
    ['onFailed', (a) => a.onFailed('R'), ['Redrive Failed']],
    ['onOutcome', (a) => a.onOutcome('R'), ['Execution Redriven', 'Redrive Scheduled', 'Redrive Skipped', 'Redrive Exhausted', 'Redrive Failed']],
  ])('%s', (_name, on, detailTypes) => {
    const stack = newStack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')] });
    const rule = on(autoRedrive);
    expect(stack.resolve((rule.node.defaultChild as events.CfnRule).eventPattern)).toMatchObject({ 'detail-type': detailTypes });
  });

  const putEvents = (template: Template) => handlerRoleStatements(template).filter((statement: any) => [statement.Action].flat().includes('events:PutEvents'));
  const outcomeEventsVariable = (template: Template) => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    return fn.Properties.Environment.Variables.AUTO_REDRIVE_OUTCOME_EVENTS;
  };

  test('not published by default: the handler is told so, and may not call PutEvents', () => {
    const { template } = synthAutoRedrive();
    expect(outcomeEventsVariable(template)).toBe('false');
    expect(putEvents(template)).toEqual([]);
  });

  test('outcomeEvents: true publishes them to the default bus, for the library\'s own source only', () => {
    const { template } = synthAutoRedrive({ outcomeEvents: true });
    expect(outcomeEventsVariable(template)).toBe('true');
    expect(putEvents(template)).toEqual([{
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-bus/default']] },
      Condition: { StringEquals: { 'events:source': 'cdk-stepfunctions-redrive' } },
    }]);
  });

  test.each<[string, (a: AutoRedrive) => void]>([
    ['onRedriven', (a) => a.onRedriven('R')],
    ['onScheduled', (a) => a.onScheduled('R')],
    ['onSkipped', (a) => a.onSkipped('R')],
    ['onExhausted', (a) => a.onExhausted('R')],
    ['onFailed', (a) => a.onFailed('R')],
    ['onOutcome', (a) => a.onOutcome('R')],
  ])('%s, called after the constructor, has them published even with outcomeEvents: false', (_name, on) => {
    const stack = newStack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')], outcomeEvents: false });
    on(autoRedrive);
    const template = Template.fromStack(stack);
    expect(outcomeEventsVariable(template)).toBe('true');
    expect(putEvents(template)).toHaveLength(1);
  });

  test('several on*() methods and outcomeEvents: true grant PutEvents once', () => {
    const stack = newStack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachineNamePrefixes: ['orders'], outcomeEvents: true });
    autoRedrive.onExhausted('Exhausted');
    autoRedrive.onFailed('Failed');
    autoRedrive.onOutcome('Everything');
    const template = Template.fromStack(stack);
    expect(outcomeEventsVariable(template)).toBe('true');
    expect(putEvents(template)).toHaveLength(1);
  });

  test('a custom bus receives the outcome events, the rules listen on it, and PutEvents is allowed on it only', () => {
    const stack = newStack();
    const bus = new events.EventBus(stack, 'OpsBus');
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')], outcomeEventBus: bus });
    autoRedrive.onFailed('Page');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { AUTO_REDRIVE_OUTCOME_EVENT_BUS: { Ref: Match.stringLikeRegexp('OpsBus') } } } });
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: { Ref: Match.stringLikeRegexp('OpsBus') }, EventPattern: { 'detail-type': ['Redrive Failed'] } });
    expect(handlerRoleStatements(template)).toContainEqual({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/OpsBus/), 'Arn'] },
      Condition: { StringEquals: { 'events:source': 'cdk-stepfunctions-redrive' } },
    });
  });
});

describe('detailed metrics', () => {
  test('off by default: the handler publishes the service dimension only', () => {
    const [fn] = Object.values(synthAutoRedrive().template.findResources('AWS::Lambda::Function')) as any[];
    expect(fn.Properties.Environment.Variables).not.toHaveProperty('AUTO_REDRIVE_DETAILED_METRICS');
  });

  test.each<[string, Partial<AutoRedriveProps>]>([
    ['a list', {}],
    ['name prefixes', { stateMachines: undefined, stateMachineNamePrefixes: ['orders'] }],
  ])('detailedMetrics: true tells the handler, with %s', (_name, selection) => {
    const { template } = synthAutoRedrive({ ...selection, detailedMetrics: true });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { AUTO_REDRIVE_DETAILED_METRICS: 'true' } } });
  });

  test('detailedMetrics: false is the default', () => {
    const [fn] = Object.values(synthAutoRedrive({ detailedMetrics: false }).template.findResources('AWS::Lambda::Function')) as any[];
    expect(fn.Properties.Environment.Variables).not.toHaveProperty('AUTO_REDRIVE_DETAILED_METRICS');
  });
});

/** A dashboard body as deployed: its joins joined, pseudo parameters named. */
function deployedBody(stack: Stack, body: unknown): string {
  const resolved: any = stack.resolve(body);
  if (typeof resolved === 'string') return resolved;
  return resolved['Fn::Join'][1].map((part: any) => typeof part === 'string' ? part : JSON.stringify(part).replace(/"/g, '')).join('');
}

describe('dashboard and tracing', () => {
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
    const machineRefs = new Set(body.match(/Machine\d+[0-9A-F]{8}/g));
    expect(machineRefs.size).toBe(25);
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

  const xrayStatements = (template: Template) => handlerRoleStatements(template).filter((statement: any) => JSON.stringify(statement.Action).includes('xray:'));
  const tracingVariable = (template: Template) => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    return fn.Properties.Environment.Variables.AUTO_REDRIVE_TRACING;
  };

  test.each<[string, Partial<AutoRedriveProps>]>([
    ['by default', {}],
    ['with Tracing.DISABLED', { tracing: lambda.Tracing.DISABLED }],
  ])('no tracing %s: no tracing config, no X-Ray permission, the handler not told', (_name, props) => {
    const { template } = synthAutoRedrive(props);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { TracingConfig: Match.anyValue() }, 0);
    expect(xrayStatements(template)).toEqual([]);
    expect(tracingVariable(template)).toBeUndefined();
  });

  test.each<[lambda.Tracing, string]>([
    [lambda.Tracing.ACTIVE, 'Active'],
    [lambda.Tracing.PASS_THROUGH, 'PassThrough'],
  ])('tracing %s: the function\'s mode, the X-Ray permission, and the handler told to annotate its trace', (tracing, mode) => {
    const { template } = synthAutoRedrive({ tracing });
    template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: mode } });
    expect(xrayStatements(template)).toEqual([expect.objectContaining({ Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' })]);
    expect(tracingVariable(template)).toBe('true');
  });
});
