import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AutoRedrive, AutoRedriveProps, Backoff, Sweep } from '../src';
import { standardStateMachine } from './support/stacks';

/** cdk-nag findings on the AutoRedrive's resources, after its own acknowledgements. */
function findings(build: (stack: Stack) => void): string[] {
  const app = new App();
  const stack = new Stack(app, 'NagStack');
  build(stack);
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  Aspects.of(stack).add(new ServerlessChecks({ verbose: true }));
  app.synth();
  const annotations = Annotations.fromStack(stack);
  return [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue())]
    .filter((finding) => finding.id.includes('/AutoRedrive/'))
    .map((finding) => `${finding.id}: ${String(finding.entry.data).split(':')[0]}`);
}

/** Where a user sends outcome events: a topic, with a dead-letter queue for what EventBridge cannot deliver. */
function ticketTarget(stack: Stack): events.IRuleTarget {
  const deadLetterQueue = new sqs.Queue(stack, 'TicketDeadLetters', { enforceSSL: true });
  return new targets.SnsTopic(new sns.Topic(stack, 'Tickets', { enforceSSL: true }), { deadLetterQueue });
}

describe('cdk-nag AwsSolutions and Serverless packs', () => {
  test('find nothing unacknowledged in the default construct', () => {
    expect(findings((stack) => new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')] }))).toEqual([]);
  });

  test('find nothing unacknowledged with many state machines and a customer managed key', () => {
    expect(findings((stack) => new AutoRedrive(stack, 'AutoRedrive', {
      stateMachines: Array.from({ length: 60 }, (_, i) => standardStateMachine(stack, `M${i}`)),
      deadLetterQueueEncryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    }))).toEqual([]);
  });

  test('find nothing unacknowledged with tracing, a dashboard, a custom bus and no backoff', () => {
    expect(findings((stack) => new AutoRedrive(stack, 'AutoRedrive', {
      stateMachines: [standardStateMachine(stack, 'M')],
      tracing: true,
      dashboard: true,
      backoff: Backoff.none(),
      outcomeEventBus: new events.EventBus(stack, 'Bus'),
    }))).toEqual([]);
  });

  test('find nothing unacknowledged with name prefixes, outcome events, detailed metrics and a dashboard', () => {
    expect(findings((stack) => {
      const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', {
        stateMachineNamePrefixes: ['orders-', 'billing', 'shipping-eu'],
        outcomeEvents: true,
        detailedMetrics: true,
        dashboard: true,
      });
      autoRedrive.onRedriveExhausted('Exhausted', { target: ticketTarget(stack) });
    })).toEqual([]);
  });

  test('find nothing unacknowledged with many long name prefixes', () => {
    expect(findings((stack) => new AutoRedrive(stack, 'AutoRedrive', {
      stateMachineNamePrefixes: Array.from({ length: 60 }, (_, i) => `${i}-`.padEnd(80, 'p')),
    }))).toEqual([]);
  });

  test('find nothing unacknowledged with every state machine, tracing, a custom bus and an on*() method', () => {
    expect(findings((stack) => {
      const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', {
        allStateMachines: true,
        tracing: true,
        outcomeEventBus: new events.EventBus(stack, 'Bus'),
        backoff: Backoff.none(),
      });
      autoRedrive.onOutcome('Everything', { target: ticketTarget(stack) });
    })).toEqual([]);
  });

  test.each<[string, AutoRedriveProps, string]>([
    ['name prefixes', { stateMachineNamePrefixes: ['orders-'] }, 'stateMachineNamePrefixes: each wildcard covers'],
    ['every state machine', { allStateMachines: true }, 'allStateMachines: the construct watches every state machine'],
  ])('with %s, the execution wildcards are acknowledged with their own reason', (_name, props, reason) => {
    const app = new App();
    const stack = new Stack(app, 'NagStack');
    new AutoRedrive(stack, 'AutoRedrive', props);
    const template = app.synth().getStackByName('NagStack').template;
    const acknowledgements = Object.values(template.Resources)
      .flatMap((resource: any) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    const executions = acknowledgements.filter((a: any) => a.id === 'AwsSolutions-IAM5' && a.applies_to[0].regex.includes(':execution:'));
    expect(executions).toEqual([expect.objectContaining({ reason: expect.stringContaining(reason) })]);
    expect(executions[0].reason.length).toBeGreaterThan(40);
  });

  test.each<[string, AutoRedriveProps]>([
    ['name prefixes, a sweep every 15 minutes', { stateMachineNamePrefixes: ['orders-', 'billing'], sweep: Sweep.every(Duration.minutes(15)) }],
    ['every state machine, the default sweep, tracing', { allStateMachines: true, tracing: true }],
    ['name prefixes, the sweep off', { stateMachineNamePrefixes: ['orders-'], sweep: Sweep.off() }],
  ])('find nothing unacknowledged with %s', (_name, props) => {
    expect(findings((stack) => new AutoRedrive(stack, 'AutoRedrive', props))).toEqual([]);
  });

  test.each<[string, AutoRedriveProps, string]>([
    ['name prefixes', { stateMachineNamePrefixes: ['orders-'] }, 'The sweep with stateMachineNamePrefixes'],
    ['every state machine', { allStateMachines: true }, 'The sweep with allStateMachines'],
  ])('with %s, the sweep\'s ListExecutions and ListStateMachines wildcards are acknowledged with their reasons', (_name, props, reason) => {
    const app = new App();
    const stack = new Stack(app, 'NagStack');
    new AutoRedrive(stack, 'AutoRedrive', props);
    const template = app.synth().getStackByName('NagStack').template;
    const acknowledgements = Object.values(template.Resources)
      .flatMap((resource: any) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(acknowledgements.filter((a: any) => a.applies_to?.[0].regex.includes(':stateMachine:'))).toEqual([
      expect.objectContaining({ id: 'AwsSolutions-IAM5', reason: expect.stringContaining(reason) }),
    ]);
    expect(acknowledgements.filter((a: any) => a.reason.includes('ListStateMachines'))).toEqual([
      expect.objectContaining({ id: 'AwsSolutions-IAM5', applies_to: [{ regex: '/^Resource::\\*$/' }] }),
    ]);
  });

  test('every acknowledgement carries a reason', () => {
    const app = new App();
    const stack = new Stack(app, 'NagStack');
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')] });
    const template = app.synth().getStackByName('NagStack').template;
    const acknowledgements = Object.values(template.Resources)
      .flatMap((resource: any) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(acknowledgements.map((a: any) => a.id).sort()).toEqual([
      'AwsSolutions-IAM5', 'AwsSolutions-IAM5',
      'AwsSolutions-SQS3', 'Serverless-LambdaDLQ', 'Serverless-LambdaTracing', 'Serverless-SQSRedrivePolicy',
    ]);
    for (const acknowledgement of acknowledgements) expect(acknowledgement.reason.length).toBeGreaterThan(40);
    const wildcards = acknowledgements.filter((a: any) => a.id === 'AwsSolutions-IAM5').flatMap((a: any) => a.applies_to.map((x: any) => x.regex));
    expect(wildcards).toEqual(expect.arrayContaining([expect.stringContaining(':execution:'), expect.stringContaining(':schedule\\/')]));
    expect(wildcards.join()).not.toContain(':rule');
  });
});
