import { App, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { AutoRedrive, AutoRedriveProps } from '../../src';
import { naming } from '../support/messages';
import { standardStateMachine } from '../support/stacks';

const newStack = () => new Stack(new App(), 'TestStack');

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
    // The construct, the stack, its count and CloudFormation's limit, the construct's share by type, and the prop that makes it smaller.
    expect(() => Template.fromStack(stack)).toThrow(naming('TestStack/AutoRedrive', 'TestStack', 501, 500, ` ${resourcesOfTheConstruct} `,
      'AWS::SQS::Queue', 'stateMachineNamePrefixes'));
  });

  test.each<[string, AutoRedriveProps]>([
    ['name prefixes', { stateMachineNamePrefixes: ['orders-'] }],
    ['every state machine', { allStateMachines: true }],
  ])('with %s, the advice is to move resources to another stack', (_name, props) => {
    const stack = stackWith(500, () => props);
    expect(() => Template.fromStack(stack)).toThrow(naming('TestStack/AutoRedrive', 500, 'another stack'));
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
