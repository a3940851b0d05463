import { App, CfnResource, NestedStack, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AutoRedrive, AutoRedriveProps, Sweep } from '../src';
import { standardStateMachine } from './support/stacks';

const newStack = () => new Stack(new App(), 'TestStack');

/** State machines imported by name: their ARNs are resolved at deploy time, their names known at synth time. */
const byName = (scope: Construct, count: number, nameLength: number) => Array.from({ length: count }, (_, i) =>
  sfn.StateMachine.fromStateMachineName(scope, `M${i}`, `${i}`.padStart(nameLength, 'n')));
/** State machines imported by a concrete ARN. */
const byArn = (scope: Construct, count: number, nameLength: number) => Array.from({ length: count }, (_, i) =>
  sfn.StateMachine.fromStateMachineArn(scope, `M${i}`, `arn:aws:states:us-east-1:123456789012:stateMachine:${`${i}`.padStart(nameLength, 'n')}`));

/** The ceilings below are the sweep's off: with it on, ListExecutions on each state machine takes room too (test/sweep.test.ts). */
const off = Sweep.off();

describe('the managed policies IAM attaches to the handler\'s role', () => {
  /**
   * The length of a policy once deployed, its pseudo parameters replaced: at their longest in an
   * environment-agnostic stack, the partition of the stack's Region otherwise.
   */
  const deployedLength = (policy: any, stack: Stack) => {
    const agnostic = Token.isUnresolved(stack.region);
    const pseudo: Record<string, string> = {
      'AWS::Partition': agnostic ? 'aws-us-gov' : 'aws',
      'AWS::Region': 'us-isof-south-1',
      'AWS::AccountId': '123456789012',
    };
    return JSON.stringify(policy.Properties.PolicyDocument, (_key, value) => value && value['Fn::Join']
      ? value['Fn::Join'][1].map((part: any) => pseudo[part.Ref] ?? part).join('') : value).length;
  };

  test.each<[string, number, (scope: Construct, count: number) => sfn.IStateMachine[], { account: string; region: string } | undefined]>([
    ['80-character names, the longest', 390, (scope, count) => byName(scope, count, 80), undefined],
    ['20-character names known at synth time', 650, (scope, count) => byName(scope, count, 20), undefined],
    ['20-character names in concrete ARNs of the stack\'s account and Region', 780, (scope, count) => byArn(scope, count, 20),
      { account: '123456789012', region: 'us-east-1' }],
  ])('%s: %d state machines fit in 10 policies of at most 6,144 characters', (_name, ceiling, stateMachines, env) => {
    const stack = new Stack(new App(), 'TestStack', { env });
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: stateMachines(stack, ceiling), sweep: off });
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(10);
    for (const policy of policies) expect(deployedLength(policy, stack)).toBeLessThanOrEqual(6144);
  });

  test.each<[string, number, (scope: Construct, count: number) => sfn.IStateMachine[]]>([
    ['80-character names', 391, (scope, count) => byName(scope, count, 80)],
    ['20-character names known at synth time', 651, (scope, count) => byName(scope, count, 20)],
    ['20-character names in concrete ARNs', 781, (scope, count) => byArn(scope, count, 20)],
  ])('%s: %d state machines are a synth-time error that names the limit and recommends name prefixes', (_name, count, stateMachines) => {
    const stack = newStack();
    expect(() => new AutoRedrive(stack, 'AutoRedrive', { stateMachines: stateMachines(stack, count), sweep: off })).toThrow(
      `stateMachines: ${count} state machines need 11 customer managed policies to allow RedriveExecution and DescribeExecution on ` +
      'their executions, and IAM allows 6,144 characters per managed policy and attaches at most 10 managed policies to one role ' +
      'by default (20 at most with a quota increase). Use stateMachineNamePrefixes instead');
  });

  test('state machines created in the app, whose generated names are sized at 80 characters, share the ceiling of 390', () => {
    const stack = newStack();
    const stateMachines = Array.from({ length: 391 }, (_, i) => standardStateMachine(stack, `Machine${i}`));
    expect(() => new AutoRedrive(stack, 'AutoRedrive', { stateMachines, sweep: off })).toThrow(/391 state machines need 11 customer managed policies/);
  });

  test('the same error is listed with every other problem', () => {
    const stack = newStack();
    expect(() => new AutoRedrive(stack, 'AutoRedrive', { stateMachines: byName(stack, 800, 80), maxRedrives: 0, sweep: off }))
      .toThrow(/800 state machines need 21 customer managed policies[\s\S]*\n- maxRedrives must/);
  });

  test('name prefixes that would need more than 10 policies are refused too, with their own advice', () => {
    const stack = newStack();
    const prefixes = Array.from({ length: 400 }, (_, i) => `${i}-`.padEnd(80, 'p'));
    expect(() => new AutoRedrive(stack, 'AutoRedrive', { stateMachineNamePrefixes: prefixes, sweep: off }))
      .toThrow(/stateMachineNamePrefixes: 400 prefixes need 11 customer managed policies[\s\S]*Use fewer, shorter prefixes/);
  });

  test('allStateMachines needs one policy with one resource', () => {
    const stack = newStack();
    new AutoRedrive(stack, 'AutoRedrive', { allStateMachines: true });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  });
});

describe('CloudFormation\'s 500 resources per stack, checked at synth time', () => {
  /** A resource that costs nothing: to fill a stack. */
  const filler = (scope: Construct, id: string, properties?: Record<string, unknown>) =>
    new CfnResource(scope, id, { type: 'AWS::CloudFormation::WaitConditionHandle', properties });

  function stackWith(resourcesBesides: number, props: (stack: Stack) => AutoRedriveProps = (stack) => ({ stateMachines: [standardStateMachine(stack, 'M')] })) {
    const stack = newStack();
    new AutoRedrive(stack, 'AutoRedrive', props(stack));
    for (let i = 0; i < resourcesBesides; i++) filler(stack, `Filler${i}`);
    return stack;
  }
  const ownResources = Object.keys(Template.fromStack(stackWith(0)).toJSON().Resources).length;

  test('500 resources synthesize', () => {
    const stack = stackWith(500 - ownResources);
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources)).toHaveLength(500);
  });

  test('501 resources are a synth-time error that names the limit and what the construct contributes', () => {
    const stack = stackWith(501 - ownResources);
    const resourcesOfTheConstruct = ownResources - 2; // the state machine and its role are not the construct's
    expect(() => Template.fromStack(stack)).toThrow(new RegExp(
      '\\[TestStack/AutoRedrive\\] The template of stack TestStack has 501 resources, more than the 500 CloudFormation allows in one stack; ' +
      `this AutoRedrive contributes ${resourcesOfTheConstruct} of them \\(\\d+ AWS::[A-Za-z:]+, .*\\)\\. Watch the state machines with stateMachineNamePrefixes instead`));
  });

  test.each<[string, AutoRedriveProps]>([
    ['name prefixes', { stateMachineNamePrefixes: ['orders-'] }],
    ['every state machine', { allStateMachines: true }],
  ])('with %s, the advice is to move resources to another stack', (_name, props) => {
    const stack = stackWith(500, () => props);
    expect(() => Template.fromStack(stack)).toThrow(/more than the 500 CloudFormation allows in one stack; this AutoRedrive contributes \d+ of them .*\. Move resources to another stack/);
  });

  test.each<[string, (stack: Stack) => AutoRedriveProps]>([
    ['a list', (stack) => ({ stateMachines: [standardStateMachine(stack, 'M')] })],
    ['name prefixes', () => ({ stateMachineNamePrefixes: ['orders-'] })],
  ])('with %s, a template body past 1 MB is left to CloudFormation: the stack is rendered once, to be written', (_name, props) => {
    const stack = stackWith(0, props);
    filler(stack, 'Large', { Padding: 'x'.repeat(1_048_576) });
    const renders = jest.spyOn(stack as any, '_toCloudFormation');
    expect(() => Template.fromStack(stack)).not.toThrow();
    expect(renders).toHaveBeenCalledTimes(1);
  });

  test('resources of a nested stack count in its own template', () => {
    const stack = newStack();
    const nested = new NestedStack(stack, 'Nested');
    new AutoRedrive(nested, 'AutoRedrive', { stateMachineNamePrefixes: ['orders-'] });
    for (let i = 0; i < 495; i++) filler(stack, `Filler${i}`);
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
