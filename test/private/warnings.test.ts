import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive, Backoff } from '../../src';
import { addWarning } from '../../src/private/warnings';

describe('warnings: each under the library\'s name and its short id, the ids users acknowledge', () => {
  // A message with a token (a rule's ARN) is kept resolved: an Fn::Join whose last part ends with the id.
  const idsOf = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.anyValue())
    .map((warning) => /\[ack: ([^\]]+)\]/.exec(JSON.stringify(warning.entry.data))?.[1]);

  test('addWarning adds cdk-stepfunctions-redrive:<id>, once per message', () => {
    const stack = new Stack(new App(), 'TestStack');
    addWarning(stack, 'SomethingToLookAt', 'a message');
    addWarning(stack, 'SomethingToLookAt', 'a message');
    expect(idsOf(stack)).toEqual(['cdk-stepfunctions-redrive:SomethingToLookAt']);
  });

  test('the props\', the queues\' and the keys\' warnings keep their ids', () => {
    const stack = new Stack(new App(), 'TestStack');
    new AutoRedrive(stack, 'AutoRedrive', {
      stateMachines: [sfn.StateMachine.fromStateMachineArn(stack, 'Imported', 'arn:aws:states:us-east-1:123456789012:stateMachine:orders')],
      backoff: Backoff.exponential({ initialDelay: Duration.hours(1), maxDelay: Duration.days(20) }),
      reservedConcurrentExecutions: 2,
      maxConcurrency: 5,
      deadLetterQueue: sqs.Queue.fromQueueArn(stack, 'DeadLetters', 'arn:aws:sqs:us-east-1:123456789012:dead-letters'),
      // An imported alias grants nothing: its key's policy is not the app's to change.
      encryptionKey: kms.Alias.fromAliasName(stack, 'Key', 'alias/redrive'),
    });
    expect([...new Set(idsOf(stack))].sort()).toEqual([
      'cdk-stepfunctions-redrive:BackoffBeyondSweepLookBack',
      'cdk-stepfunctions-redrive:DeadLetterQueuePolicy',
      'cdk-stepfunctions-redrive:EncryptionKeyPolicy',
      'cdk-stepfunctions-redrive:ImportedStateMachineEnvironment',
      'cdk-stepfunctions-redrive:MapRunRedriveUnverified',
      'cdk-stepfunctions-redrive:MaxDelayBeyondWindow',
      'cdk-stepfunctions-redrive:ReservedBelowMaxConcurrency',
    ]);
  });
});
