import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AutoRedrive, Backoff } from '../src';
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
