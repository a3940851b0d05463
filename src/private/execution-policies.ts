import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { NagAcknowledgement, acknowledgeNagFindings } from './nag-acknowledgements';
import { ExecutionResource, redrivePolicyGroups } from './redrive-policy-groups';
import { executionArn, Selection, stateMachineArnPrefix } from './selection';
import { ARN_PREFIX_LENGTH_AT_MOST } from './watched-state-machine';

/** What the handler does to an execution: look at it now, and redrive it. */
const EXECUTION_ACTIONS = ['states:RedriveExecution', 'states:DescribeExecution'];
/** What the sweep does to a state machine: list its stopped executions. */
const LIST_ACTIONS = ['states:ListExecutions'];
/** `"<arn>",` in the policy document. */
const QUOTES_AND_COMMA = 3;
/**
 * A listed state machine's `"<execution ARN>:*",`: the execution ARN (`:execution:<name>`) is
 * shorter than the state machine's (`:stateMachine:<name>`), so its ARN's length and 5 at most.
 */
const PER_STATE_MACHINE_OVERHEAD = 5;

/**
 * `states:RedriveExecution` and `states:DescribeExecution` on the executions of the watched state
 * machines, never on the state machine ARNs: `execution:<name>:*` for each listed one,
 * `execution:<prefix>*:*` for each name prefix, `execution:*` for every state machine of the
 * account and Region. With the sweep on, `states:ListExecutions` on the state machines themselves,
 * in the same policies: `stateMachine:<name>`, `stateMachine:<prefix>*`, `stateMachine:*`. Nothing
 * else. In customer managed policies within IAM's size limit each.
 */
export function grantExecutionAccess(scope: Construct, role: iam.IRole, selection: Selection, sweep: boolean): iam.ManagedPolicy[] {
  return redrivePolicyGroups(executionResources(Stack.of(scope), selection, sweep)).map((group, index) => {
    const listArns = group.flatMap((resource) => (resource.listArn === undefined ? [] : [resource.listArn]));
    const policy = new iam.ManagedPolicy(scope, index === 0 ? 'RedrivePolicy' : `RedrivePolicy${index + 1}`, {
      description: 'Lets AutoRedrive look at and redrive executions of the state machines it watches',
      roles: [role],
      statements: [
        new iam.PolicyStatement({ actions: EXECUTION_ACTIONS, resources: group.map((resource) => resource.arn) }),
        ...(listArns.length > 0 ? [new iam.PolicyStatement({ actions: LIST_ACTIONS, resources: listArns })] : []),
      ],
    });
    acknowledgeNagFindings(policy, [
      WILDCARD_ACKNOWLEDGEMENTS[selection.kind],
      ...(sweep && selection.kind !== 'LIST' ? [LIST_WILDCARD_ACKNOWLEDGEMENTS[selection.kind]] : []),
    ]);
    return policy;
  });
}

/**
 * The execution ARNs the handler may look at and redrive and, with the sweep on, the state machine
 * ARNs whose executions it may list, each sized for its policy.
 */
export function executionResources(stack: Stack, selection: Selection, sweep: boolean): ExecutionResource[] {
  switch (selection.kind) {
    case 'LIST':
      return selection.stateMachines.map((machine) => ({
        arn: executionArn(stack, `${machine.name}:*`),
        ...(sweep ? { listArn: machine.arn } : {}),
        lengthAtMost: machine.arnLengthAtMost + PER_STATE_MACHINE_OVERHEAD + (sweep ? machine.arnLengthAtMost + QUOTES_AND_COMMA : 0),
      }));
    case 'PREFIXES':
      return selection.namePrefixes.map((prefix) => ({
        arn: executionArn(stack, `${prefix}*:*`),
        ...(sweep ? { listArn: `${stateMachineArnPrefix(stack, prefix)}*` } : {}),
        lengthAtMost: ARN_PREFIX_LENGTH_AT_MOST + prefix.length + '*:*'.length + QUOTES_AND_COMMA +
          (sweep ? ARN_PREFIX_LENGTH_AT_MOST + prefix.length + '*'.length + QUOTES_AND_COMMA : 0),
      }));
    case 'ALL':
      return [{
        arn: executionArn(stack, '*'),
        ...(sweep ? { listArn: stateMachineArnPrefix(stack, '*') } : {}),
        lengthAtMost: (ARN_PREFIX_LENGTH_AT_MOST + '*'.length + QUOTES_AND_COMMA) * (sweep ? 2 : 1),
      }];
  }
}

const LIST_WILDCARD_ACKNOWLEDGEMENTS: Record<'PREFIXES' | 'ALL', NagAcknowledgement> = {
  PREFIXES: {
    id: 'AwsSolutions-IAM5',
    reason: 'The sweep with stateMachineNamePrefixes: ListExecutions on the state machines whose names start with one chosen prefix, ' +
      'including state machines created later, which is what the prefix selects.',
    appliesToRegex: '/^Resource::arn:.+:states:.+:stateMachine:[^*:]+\\*$/',
  },
  ALL: {
    id: 'AwsSolutions-IAM5',
    reason: 'The sweep with allStateMachines: ListExecutions on every state machine of the account and Region, including state ' +
      'machines created later, which is what allStateMachines selects; no action that changes a state machine.',
    appliesToRegex: '/^Resource::arn:.+:states:.+:stateMachine:\\*$/',
  },
};

const WILDCARD_ACKNOWLEDGEMENTS: Record<Selection['kind'], NagAcknowledgement> = {
  LIST: {
    id: 'AwsSolutions-IAM5',
    reason: 'Execution names are chosen when executions start; each wildcard covers the executions of one watched state machine only.',
    appliesToRegex: '/^Resource::arn:.+:states:.+:execution:[^*]+:\\*$/',
  },
  PREFIXES: {
    id: 'AwsSolutions-IAM5',
    reason: 'stateMachineNamePrefixes: each wildcard covers the executions of the state machines whose names start with one chosen prefix, ' +
      'including state machines created later, which is what the prefix selects; execution names are chosen when executions start.',
    appliesToRegex: '/^Resource::arn:.+:states:.+:execution:[^*:]+\\*:\\*$/',
  },
  ALL: {
    id: 'AwsSolutions-IAM5',
    reason: 'allStateMachines: the construct watches every state machine of the account and Region, including state machines created later; ' +
      'only RedriveExecution and DescribeExecution on executions are allowed, never an action on a state machine.',
    appliesToRegex: '/^Resource::arn:.+:states:.+:execution:\\*$/',
  },
};
