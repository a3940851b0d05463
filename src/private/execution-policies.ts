import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { redrivePolicyGroups } from './redrive-policy-groups';
import { WatchedStateMachine } from './watched-state-machine';

/** What the handler does to an execution: look at it now, and redrive it. */
const EXECUTION_ACTIONS = ['states:RedriveExecution', 'states:DescribeExecution'];

/**
 * `states:RedriveExecution` and `states:DescribeExecution` on the executions of the watched state
 * machines (`execution:<name>:*`), never on the state machine ARNs, and nothing else. In customer
 * managed policies within IAM's size limit each, so any number of state machines fits.
 */
export function grantExecutionAccess(scope: Construct, role: iam.IRole, stateMachines: WatchedStateMachine[]): iam.ManagedPolicy[] {
  const stack = Stack.of(scope);
  const executionArn = (machine: WatchedStateMachine) => stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${machine.name}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return redrivePolicyGroups(stateMachines).map((group, index) => {
    const policy = new iam.ManagedPolicy(scope, index === 0 ? 'RedrivePolicy' : `RedrivePolicy${index + 1}`, {
      description: 'Lets AutoRedrive look at and redrive executions of the state machines it watches',
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: EXECUTION_ACTIONS, resources: group.map(executionArn) })],
    });
    acknowledgeNagFindings(policy, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Execution names are chosen when executions start; each wildcard covers the executions of one watched state machine only.',
      appliesToRegex: '/^Resource::arn:.+:states:.+:execution:[^*]+:\\*$/',
    }]);
    return policy;
  });
}
