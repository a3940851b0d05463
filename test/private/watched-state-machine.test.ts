import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive } from '../../src';
import { aMessageNaming, naming } from '../support/messages';
import { handlerRoleStatements, newStack, standardStateMachine } from '../support/stacks';

describe('synth-time errors of a watched state machine', () => {
  const attempt = (build: (stack: Stack) => void) => () => build(newStack());

  test('an Express state machine', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', {
      stateMachines: [standardStateMachine(stack, 'Fast', { stateMachineType: sfn.StateMachineType.EXPRESS })],
    }))).toThrow(naming('stateMachines', 'TestStack/Fast', 'EXPRESS'));
  });

  test('a state machine in another Region', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const other = sfn.StateMachine.fromStateMachineArn(stack, 'Other', 'arn:aws:states:eu-west-1:123456789012:stateMachine:x');
    expect(() => new AutoRedrive(stack, 'A', { stateMachines: [other] }))
      .toThrow(naming('stateMachines', 'TestStack/Other', '123456789012/eu-west-1', '123456789012/us-east-1'));
  });

  test('a state machine in another account', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const other = sfn.StateMachine.fromStateMachineArn(stack, 'Other', 'arn:aws:states:us-east-1:210987654321:stateMachine:x');
    expect(() => new AutoRedrive(stack, 'A', { stateMachines: [other] }))
      .toThrow(naming('stateMachines', 'TestStack/Other', '210987654321/us-east-1', '123456789012/us-east-1'));
  });

  test.each([
    ['an alias', 'prod'],
    ['a version', '3'],
  ])('the ARN of %s instead of the state machine', (_kind, qualifier) => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const arn = `arn:aws:states:us-east-1:123456789012:stateMachine:orders:${qualifier}`;
    const qualified = sfn.StateMachine.fromStateMachineArn(stack, 'Qualified', arn);
    expect(() => new AutoRedrive(stack, 'A', { stateMachines: [qualified] })).toThrow(naming('stateMachines', 'TestStack/Qualified', `"${qualifier}"`, '"orders"', arn));
  });

  test.each<[string, (stack: Stack) => sfn.IStateMachine, string[]]>([
    ['white space, imported by name', (stack) => sfn.StateMachine.fromStateMachineName(stack, 'Bad', 'has space'), ['"has space"', 'U+0020']],
    ['a forbidden character, imported by ARN', (stack) => sfn.StateMachine.fromStateMachineArn(stack, 'Bad', 'arn:aws:states:us-east-1:123456789012:stateMachine:a#b'),
      ['"a#b"', 'U+0023']],
    ['81 characters', (stack) => sfn.StateMachine.fromStateMachineName(stack, 'Bad', 'n'.repeat(81)), [`"${'n'.repeat(81)}"`, '80']],
  ])('a state machine name that breaks Step Functions\' naming rules: %s', (_name, build, facts) => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const bad = build(stack);
    expect(() => new AutoRedrive(stack, 'A', { stateMachines: [bad] })).toThrow(naming('stateMachines', 'TestStack/Bad', ...facts));
  });

  test('alias, name and environment problems of several state machines are listed together', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const alias = sfn.StateMachine.fromStateMachineArn(stack, 'Alias', 'arn:aws:states:us-east-1:123456789012:stateMachine:orders:prod');
    const badName = sfn.StateMachine.fromStateMachineName(stack, 'BadName', 'a/b');
    const elsewhere = sfn.StateMachine.fromStateMachineArn(stack, 'Elsewhere', 'arn:aws:states:eu-west-1:123456789012:stateMachine:x');
    expect(() => new AutoRedrive(stack, 'A', { stateMachines: [alias, badName, elsewhere], maxRedrives: 0 }))
      .toThrow(naming('TestStack/Alias', '"prod"', 'TestStack/BadName', '"a/b"', 'U+002F', 'TestStack/Elsewhere', 'eu-west-1', 'maxRedrives'));
  });
});

describe('state machines whose account and Region cannot be compared at synth time', () => {
  const ID = 'cdk-stepfunctions-redrive:ImportedStateMachineEnvironment';
  /** The construct's warnings under that id. */
  const environmentWarnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('/TestStack/A', Match.stringLikeRegexp(ID))
    .map((warning) => String(warning.entry.data));

  test('an imported ARN in an environment-agnostic stack is allowed, with a warning', () => {
    const stack = newStack();
    const imported = sfn.StateMachine.fromStateMachineArn(stack, 'Imported', 'arn:aws:states:eu-west-1:210987654321:stateMachine:billing');
    new AutoRedrive(stack, 'A', { stateMachines: [imported] });
    expect(environmentWarnings(stack)).toEqual([aMessageNaming('TestStack/Imported', '210987654321', 'eu-west-1')]);
  });

  test('an ARN known only at deploy time in a stack with an explicit env is allowed, with a warning', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const arn = new CfnParameter(stack, 'StateMachineArn').valueAsString;
    new AutoRedrive(stack, 'A', { stateMachines: [sfn.StateMachine.fromStateMachineArn(stack, 'Imported', arn)] });
    expect(environmentWarnings(stack)).toEqual([aMessageNaming('TestStack/Imported', '123456789012', 'us-east-1')]);
  });

  test.each<[string, { account?: string; region?: string } | undefined, (stack: Stack) => sfn.IStateMachine]>([
    ['a state machine of the same environment-agnostic stack', undefined, (stack) => standardStateMachine(stack, 'Own')],
    ['a state machine imported by name into an environment-agnostic stack', undefined, (stack) => sfn.StateMachine.fromStateMachineName(stack, 'ByName', 'orders')],
    ['an imported ARN of the stack\'s own account and Region', { account: '123456789012', region: 'us-east-1' },
      (stack) => sfn.StateMachine.fromStateMachineArn(stack, 'Same', 'arn:aws:states:us-east-1:123456789012:stateMachine:orders')],
  ])('no warning for %s', (_name, env, build) => {
    const stack = newStack({ env });
    new AutoRedrive(stack, 'A', { stateMachines: [build(stack)] });
    // An imported state machine's definition cannot be read: that warning is tested in map-run-redrive.test.ts.
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((warning) => String(warning.entry.data));
    expect(warnings.filter((warning) => !warning.includes('cdk-stepfunctions-redrive:MapRunRedriveUnverified'))).toEqual([]);
  });

  test('a state machine imported by name is granted on its literal name', () => {
    const stack = newStack();
    new AutoRedrive(stack, 'A', { stateMachines: [sfn.StateMachine.fromStateMachineName(stack, 'ByName', 'orders')] });
    const [executions] = handlerRoleStatements(Template.fromStack(stack)).filter((s: any) => [s.Action].flat().includes('states:DescribeExecution'));
    expect(executions.Resource['Fn::Join'][1]).toEqual(expect.arrayContaining([':execution:orders:*']));
  });
});
