import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AutoRedrive, AutoRedriveProps, Backoff, Sweep } from '../../src';
import { naming } from '../support/messages';
import { newStack, standardStateMachine } from '../support/stacks';

describe('synth-time errors', () => {
  const attempt = (build: (stack: Stack) => void) => () => build(newStack());
  const machine = (stack: Stack) => standardStateMachine(stack, 'M');

  test.each([0, 1001, 2.5, -1])('maxRedrives %p', (maxRedrives) => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], maxRedrives })))
      .toThrow(naming('maxRedrives', maxRedrives));
  });

  test('empty statuses', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], statuses: [] })))
      .toThrow(naming('statuses'));
  });

  test.each([lambda.Runtime.NODEJS_20_X, lambda.Runtime.PYTHON_3_12])('runtime %s', (runtime) => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], runtime })))
      .toThrow(naming('runtime', runtime.name));
  });

  test('reserved concurrency below 1', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], reservedConcurrentExecutions: 0 })))
      .toThrow(naming('reservedConcurrentExecutions', 0));
  });

  test('a DLQ encrypted with the AWS managed key', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', {
      stateMachines: [machine(stack)],
      deadLetterQueue: new sqs.Queue(stack, 'Q', { encryption: sqs.QueueEncryption.KMS_MANAGED }),
    }))).toThrow(naming('deadLetterQueue', 'aws/sqs'));
  });

  test('maxConcurrency outside 2 to 1,000, or not whole', () => {
    for (const maxConcurrency of [0, 1, 1001, 2.5, -4]) {
      expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], maxConcurrency })))
        .toThrow(naming('maxConcurrency', maxConcurrency));
    }
  });

  test('every problem is listed in one error', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [], maxRedrives: 0, statuses: [], reservedConcurrentExecutions: 0 })))
      .toThrow(naming('stateMachines', 'maxRedrives', 'reservedConcurrentExecutions', 'statuses'));
  });

  test('a maxRedrives token, resolved at deploy time, is passed through without a range check', () => {
    const stack = newStack();
    const maxRedrives = new CfnParameter(stack, 'MaxRedrives', { type: 'Number' }).valueAsNumber;
    new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], maxRedrives });
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as any[];
    expect(JSON.stringify(fn.Properties.Environment.Variables.AUTO_REDRIVE_POLICY)).toContain('{"Ref":"MaxRedrives"}');
  });
});

describe('a backoff that outlasts the look-back', () => {
  const warnings = (props: Partial<AutoRedriveProps>) => {
    const stack = newStack();
    new AutoRedrive(stack, 'AutoRedrive', { stateMachineNamePrefixes: ['orders-'], ...props });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('BackoffBeyondSweepLookBack'));
  };

  test('is named at synth time, with the look-back to give', () => {
    const found = warnings({ backoff: Backoff.fixed(Duration.hours(5)) });
    expect(found).toHaveLength(1);
    // The longest delay (5 hours), the look-back (three intervals of an hour), and the prop that gives a longer one.
    expect(found[0].entry.data).toMatch(naming(5 * 3600, 3 * 3600, 'lookBack'));
  });

  test.each<[string, Partial<AutoRedriveProps>]>([
    ['the default backoff and sweep', {}],
    ['a look-back that covers it', { backoff: Backoff.fixed(Duration.hours(5)), sweep: Sweep.every(Duration.hours(1), { lookBack: Duration.hours(6) }) }],
    ['no sweep', { backoff: Backoff.fixed(Duration.hours(5)), sweep: Sweep.off() }],
  ])('is not named with %s', (_name, props) => {
    expect(warnings(props)).toEqual([]);
  });
});
