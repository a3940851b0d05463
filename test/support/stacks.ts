import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AutoRedrive, AutoRedriveProps } from '../../src';

export function newStack(props: { env?: { account?: string; region?: string } } = {}): Stack {
  return new Stack(new App(), 'TestStack', props);
}

export function standardStateMachine(scope: Construct, id: string, props: Partial<sfn.StateMachineProps> = {}): sfn.StateMachine {
  return new sfn.StateMachine(scope, id, {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(scope, `${id}Start`)),
    ...props,
  });
}

/** A stack with one AutoRedrive over `count` new state machines, and its template. */
export function synthAutoRedrive(props: Partial<AutoRedriveProps> = {}, count = 1) {
  const stack = newStack();
  const stateMachines = Array.from({ length: count }, (_, i) => standardStateMachine(stack, `Machine${i}`));
  const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines, ...props });
  return { stack, stateMachines, autoRedrive, template: Template.fromStack(stack) };
}

/** Every statement of every policy, inline or managed, attached to the handler's role. */
export function handlerRoleStatements(template: Template): any[] {
  const policies = { ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') };
  return Object.values(policies)
    .filter((policy: any) => JSON.stringify(policy.Properties.Roles).includes('HandlerRole'))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}
