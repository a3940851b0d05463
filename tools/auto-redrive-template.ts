import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ACCOUNT, REGION, STATE_MACHINE_ARN_PREFIX } from './events';
import { AutoRedrive, AutoRedriveProps } from '../src';

const templates = new Map<string, any>();

/**
 * The synthesized template of an AutoRedrive watching `stateMachines` (imported by ARN) with `props`,
 * in a stack of the fake's account and Region. Cached: synthesis is the slow part of a handler test.
 */
export function autoRedriveTemplate(stateMachines: string[], props: Partial<AutoRedriveProps>): any {
  const key = JSON.stringify({ stateMachines, props });
  if (!templates.has(key)) {
    const stack = new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });
    const machines = stateMachines.map((name) => sfn.StateMachine.fromStateMachineArn(stack, name, `${STATE_MACHINE_ARN_PREFIX}${name}`));
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: machines, ...props });
    templates.set(key, Template.fromStack(stack).toJSON());
  }
  return templates.get(key);
}

