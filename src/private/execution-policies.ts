import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { ExecutionResource, redrivePolicyGroups } from './redrive-policy-groups';
import { Selection } from './selection';

/** What the handler does to an execution: look at it now, and redrive it. */
const EXECUTION_ACTIONS = ['states:RedriveExecution', 'states:DescribeExecution'];
/** What the sweep does to a state machine: list its stopped executions. */
const LIST_ACTIONS = ['states:ListExecutions'];
/** `"<arn>",` in the policy document. */
const QUOTES_AND_COMMA = 3;

/** An ARN (or ARN pattern) of a redrive policy, and the most characters it takes once deployed, quotes excluded. */
export interface SizedArn {
  readonly arn: string;
  readonly lengthAtMost: number;
}

/**
 * One resource of the redrive policies: the executions the handler may look at and redrive and,
 * with the sweep on, the state machines whose executions it may list, sized for their policy.
 */
export function executionResource(executions: SizedArn, stateMachines?: SizedArn): ExecutionResource {
  return {
    arn: executions.arn,
    ...(stateMachines ? { listArn: stateMachines.arn } : {}),
    lengthAtMost: executions.lengthAtMost + QUOTES_AND_COMMA + (stateMachines ? stateMachines.lengthAtMost + QUOTES_AND_COMMA : 0),
  };
}

/**
 * `states:RedriveExecution` and `states:DescribeExecution` on the executions of the watched state
 * machines, never on the state machine ARNs, and, with the sweep on, `states:ListExecutions` on the
 * state machines themselves, in the same policies: the selection's execution resources. Nothing
 * else. In customer managed policies within IAM's size limit each, with the selection's wildcards
 * acknowledged for cdk-nag.
 */
export function grantExecutionAccess(scope: Construct, role: iam.IRole, selection: Selection, sweep: boolean): iam.ManagedPolicy[] {
  return redrivePolicyGroups(selection.executionResources(sweep)).map((group, index) => {
    const listArns = group.flatMap((resource) => (resource.listArn === undefined ? [] : [resource.listArn]));
    const policy = new iam.ManagedPolicy(scope, index === 0 ? 'RedrivePolicy' : `RedrivePolicy${index + 1}`, {
      description: 'Lets AutoRedrive look at and redrive executions of the state machines it watches',
      roles: [role],
      statements: [
        new iam.PolicyStatement({ actions: EXECUTION_ACTIONS, resources: group.map((resource) => resource.arn) }),
        ...(listArns.length > 0 ? [new iam.PolicyStatement({ actions: LIST_ACTIONS, resources: listArns })] : []),
      ],
    });
    acknowledgeNagFindings(policy, selection.policyAcknowledgements(sweep));
    return policy;
  });
}
