import { Aspects, Stack, Stage, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { readDistributedMaps } from './distributed-maps';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { allows, boundaryStatements, evaluate, Evaluation, partitionOf, pseudoParameters, roleStatements } from './role-statements';
import { executionArn, Selection } from './selection';
import { addWarning } from './warnings';
import { WatchedStateMachine } from './watched-state-machine';

export const MAP_RUN_REDRIVE_NOT_GRANTED_WARNING = 'MapRunRedriveNotGranted';
export const MAP_RUN_REDRIVE_UNVERIFIED_WARNING = 'MapRunRedriveUnverified';
/** The id of the policy the construct adds to a state machine of the app whose role lacks the permission. */
export const MAP_RUN_REDRIVE_POLICY_ID = 'AutoRedriveMapRunRedrivePolicy';
const REDRIVE_ACTION = 'states:RedriveExecution';

/**
 * Redriving an execution redrives its failed Map Runs, which redrives their child executions
 * (`execution:<state machine>/<label>:<id>`) as the state machine's role: a role without
 * `states:RedriveExecution` on them fails the Map Run again. For every watched state machine of
 * the app with a Distributed Map (at any depth) whose role lacks it, the construct grants it in a
 * policy of its own beside the state machine (the state machine depends on its role's default
 * policy, which cannot name it without a cycle), or warns, naming the statement, when it cannot:
 * an imported state machine, a role it cannot change, a definition it cannot read.
 *
 * With `stateMachineNamePrefixes` or `allStateMachines`, the state machines of the app the
 * selection covers are protected too: those whose name is known at synth time and starts with a
 * prefix, or every one in the same account and Region. Runs when aspects run, so state machines
 * defined, and permissions granted, after the construct count.
 */
export function letMapRunsBeRedriven(construct: Construct, selection: Selection): void {
  Aspects.of(construct).add({
    visit: (node) => {
      if (node === construct) selection.watchedStateMachinesIn(construct).forEach((machine) => protect(construct, machine));
    },
  });
}

function protect(construct: Construct, machine: WatchedStateMachine): void {
  const stateMachine = machine.stateMachine;
  const resource = stateMachine.node.defaultChild;
  if (!(stateMachine instanceof sfn.StateMachine) || !(resource instanceof sfn.CfnStateMachine)) {
    warnUnverified(construct, machine, 'it is imported');
    return;
  }
  const reading = readDistributedMaps(resource);
  if (reading.readable && reading.distributedMaps.length === 0) return;
  const labels = reading.readable ? [...new Set(reading.distributedMaps.map((map) => map.label ?? '*'))] : ['*'];
  const evaluation = evaluationFor(resource, machine.name);
  const statements = roleStatements(Stage.of(stateMachine) ?? stateMachine.node.root, stateMachine.role, evaluation);
  const home = Stack.of(resource);
  const needed = labels.map((label) => evaluate(home.resolve(childExecutionsArn(stateMachine, machine.name, label)), evaluation(home)));
  const boundary = boundaryStatements(stateMachine.role, evaluation);
  if (boundary !== undefined && !(boundary !== 'unknown' && needed.every((arn) => allows(boundary, REDRIVE_ACTION, arn)))) {
    warnBoundary(construct, machine, boundary === 'unknown');
  }
  if (needed.every((arn) => allows(statements, REDRIVE_ACTION, arn))) return;
  if (!reading.readable) warnUnverified(construct, machine, reading.reason);
  else if (stateMachine.role instanceof iam.Role) grant(stateMachine, machine.name);
  else warnNotGranted(construct, machine);
}

function grant(stateMachine: sfn.StateMachine, name: string): void {
  if (stateMachine.node.tryFindChild(MAP_RUN_REDRIVE_POLICY_ID)) return;
  const policy = new iam.Policy(stateMachine, MAP_RUN_REDRIVE_POLICY_ID, {
    roles: [stateMachine.role],
    statements: [new iam.PolicyStatement({ actions: [REDRIVE_ACTION], resources: [childExecutionsArn(stateMachine, name, '*')] })],
  });
  acknowledgeNagFindings(policy, [{
    id: 'AwsSolutions-IAM5',
    reason: 'A Distributed Map\'s child executions are named when its Map Run starts; the wildcard covers the child executions of this ' +
      'state machine only, so that redriving a failed execution can redrive its Map Runs.',
    appliesToRegex: '/^Resource::arn:.+:states:.+:execution:.+\\/\\*:\\*$/',
  }]);
}

/** `execution:<name>/<label>:*`: the child executions of the state machine's Map Runs with that label (`*` for any). */
function childExecutionsArn(stateMachine: IConstruct, name: string, label: string): string {
  return executionArn(Stack.of(stateMachine), `${name}/${label}:*`);
}

/** Evaluates intrinsics in any stack, the state machine's `Ref`, `Arn` and `Name` included. */
function evaluationFor(resource: sfn.CfnStateMachine, name: string): (stack: Stack) => Evaluation {
  const home = Stack.of(resource);
  const logicalId = home.getLogicalId(resource);
  const shownName = Token.isUnresolved(name) ? `<name of ${logicalId}>` : name;
  const pseudo = pseudoParameters(home);
  const arn = `arn:${pseudo['AWS::Partition']}:states:${pseudo['AWS::Region']}:${pseudo['AWS::AccountId']}:stateMachine:${shownName}`;
  return (stack) => ({ stack, resources: { [logicalId]: { Ref: arn, Arn: arn, Name: shownName } } });
}

function warnUnverified(construct: Construct, machine: WatchedStateMachine, reason: string): void {
  addWarning(construct, MAP_RUN_REDRIVE_UNVERIFIED_WARNING,
    `AutoRedrive cannot tell whether ${describe(machine)} has a Distributed Map: ${reason}. If it has one, its role needs this statement, ` +
    `or redriving a failed execution fails again at the Map Run: ${statementText(machine)}`);
}

function warnNotGranted(construct: Construct, machine: WatchedStateMachine): void {
  addWarning(construct, MAP_RUN_REDRIVE_NOT_GRANTED_WARNING,
    `${describe(machine)} has a Distributed Map and its role lacks the permission to redrive the Map Run's child executions, and ` +
    'AutoRedrive cannot add it to a role it did not get as an iam.Role of the app: redriving a failed execution would fail again at the ' +
    `Map Run. Add this statement to the state machine's role: ${statementText(machine)}`);
}

function warnBoundary(construct: Construct, machine: WatchedStateMachine, unknownBoundary: boolean): void {
  addWarning(construct, MAP_RUN_REDRIVE_NOT_GRANTED_WARNING,
    `${describe(machine)} may have a Distributed Map and its role has a permissions boundary that ` +
    `${unknownBoundary ? 'AutoRedrive cannot read' : 'does not allow the permission to redrive the Map Run\'s child executions'}: ` +
    'redriving a failed execution would fail again at the Map Run, whatever the role\'s policies allow. The boundary must allow ' +
    `this statement: ${statementText(machine)}`);
}

function describe(machine: WatchedStateMachine): string {
  return `${machine.stateMachine.node.path}${Token.isUnresolved(machine.name) ? '' : ` (${JSON.stringify(machine.name)})`}`;
}

/** The statement to add, with the ARN spelled out as far as synth time knows it. */
function statementText(machine: WatchedStateMachine): string {
  const name = Token.isUnresolved(machine.name) ? '<state machine name>' : machine.name;
  const at = machine.arn.indexOf(':stateMachine:');
  const stack = Stack.of(machine.stateMachine);
  const pseudo = pseudoParameters(stack);
  const resource = !Token.isUnresolved(machine.arn) && at >= 0
    ? `${machine.arn.slice(0, at)}:execution:${name}/*:*`
    : `arn:${partitionOf(stack.region) ?? '<partition>'}:states:${pseudo['AWS::Region']}:${pseudo['AWS::AccountId']}:execution:${name}/*:*`;
  return JSON.stringify({ Effect: 'Allow', Action: REDRIVE_ACTION, Resource: resource });
}
