import { Arn, ArnFormat, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Warning } from './warnings';
import { MAX_STATE_MACHINE_NAME_LENGTH } from '../shared/limits';
import { nameProblem } from '../shared/names';

/**
 * What the construct needs to know of one watched state machine. `arnLengthAtMost` is exact where
 * the ARN is known at synth time, and the largest possible otherwise.
 */
export interface WatchedStateMachine {
  readonly stateMachine: sfn.IStateMachine;
  readonly arn: string;
  /** The name, possibly a token. */
  readonly name: string;
  readonly arnLengthAtMost: number;
  /** True when the state machine is known to be an Express one. */
  readonly isExpress: boolean;
  /** The alias or version the ARN names after the state machine's name (`prod` in `...:stateMachine:orders:prod`), if any. */
  readonly qualifier?: string;
}

/**
 * `arn:` + partition + `:states:` + region + `:` + account + `:stateMachine:`, for the longest of
 * each, with room to spare: 66, two more than the longest partition and Region known today give
 * (`aws-us-gov`, `us-isof-south-1`). The execution ARN's `:execution:` is shorter.
 */
export const ARN_PREFIX_LENGTH_AT_MOST = 'arn:aws-iso-b:states:ap-southeast-5:123456789012:stateMachine:'.length + 4;
const STATE_MACHINE_RESOURCE = ':stateMachine:';

/** The state machines, each once, in the order given. */
export function watchStateMachines(stateMachines: sfn.IStateMachine[]): WatchedStateMachine[] {
  return [...new Set(stateMachines)].map(describeWatchedStateMachine);
}

export function describeWatchedStateMachine(stateMachine: sfn.IStateMachine): WatchedStateMachine {
  const resource = stateMachine.node.defaultChild instanceof sfn.CfnStateMachine ? stateMachine.node.defaultChild : undefined;
  const arn = stateMachine.stateMachineArn;
  const fromArn = resourceNameInArn(arn);
  const name = nameOf(stateMachine, resource, fromArn?.name);
  const nameIsKnown = !Token.isUnresolved(name);
  const arnLengthAtMost = Token.isUnresolved(arn)
    ? ARN_PREFIX_LENGTH_AT_MOST + (nameIsKnown ? name.length : MAX_STATE_MACHINE_NAME_LENGTH)
    : arn.length;
  return {
    stateMachine,
    arn,
    name,
    arnLengthAtMost,
    isExpress: resource?.stateMachineType === sfn.StateMachineType.EXPRESS,
    qualifier: fromArn?.qualifier,
  };
}

function nameOf(stateMachine: sfn.IStateMachine, resource: sfn.CfnStateMachine | undefined, nameInArn: string | undefined): string {
  const declared = resource ? Stack.of(resource).resolve(resource.stateMachineName) : undefined;
  if (typeof declared === 'string') return declared;
  if (stateMachine instanceof sfn.StateMachine) return stateMachine.stateMachineName;
  if (nameInArn !== undefined) return nameInArn;
  return Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName!;
}

/**
 * The name, and the alias or version after it, when the ARN spells them out at synth time (an
 * imported ARN, or one built from a known name); undefined otherwise.
 */
function resourceNameInArn(arn: string): { name: string; qualifier?: string } | undefined {
  const at = arn.indexOf(STATE_MACHINE_RESOURCE);
  if (at < 0) return undefined;
  const resourceName = arn.slice(at + STATE_MACHINE_RESOURCE.length);
  if (Token.isUnresolved(resourceName)) return undefined;
  const [name, ...qualifier] = resourceName.split(':');
  return { name, qualifier: qualifier.length > 0 ? qualifier.join(':') : undefined };
}

/**
 * What is wrong with watching one listed state machine (an Express one, an alias or version ARN, a
 * name Step Functions does not allow, another account or Region), and what is worth a look: the
 * rules and the IAM grants only match state machines in the stack's own account and Region, so an
 * error when the state machine is known to be elsewhere, a warning when that cannot be told at
 * synth time.
 */
export function watchedStateMachineFindings(machine: WatchedStateMachine, stack: Stack): { problems: string[]; warnings: Warning[] } {
  const problems: string[] = [];
  const warnings: Warning[] = [];
  const path = machine.stateMachine.node.path;
  if (machine.isExpress) {
    problems.push(`stateMachines: ${path} is an EXPRESS state machine; Step Functions redrives Standard executions only`);
  }
  if (machine.qualifier !== undefined) {
    problems.push(`stateMachines: ${path} is the ARN of the alias or version ${JSON.stringify(machine.qualifier)} of ` +
      `${JSON.stringify(machine.name)} (${machine.arn}); pass the state machine itself: executions, their ARNs and their events ` +
      'are named after the state machine, so nothing would match the alias or version');
  } else if (!Token.isUnresolved(machine.name)) {
    const problem = nameProblem(machine.name);
    if (problem) problems.push(`stateMachines: ${path}: the name ${JSON.stringify(machine.name)} ${problem}`);
  }
  const { account, region } = machine.stateMachine.env;
  const comparisons = [compare(account, stack.account), compare(region, stack.region)];
  if (comparisons.includes(TokenComparison.DIFFERENT)) {
    problems.push(`stateMachines: ${path} is in ${account}/${region}, not in the stack's account and Region (${stack.account}/${stack.region})`);
  } else if (comparisons.some((comparison) => comparison !== TokenComparison.SAME)) {
    warnings.push({
      id: 'ImportedStateMachineEnvironment',
      message: `stateMachines: ${path} is in account ${shown(account)} and Region ${shown(region)}, and the stack in account ` +
        `${shown(stack.account)} and Region ${shown(stack.region)}, which cannot be compared at synth time. The rule and the IAM ` +
        'grants only match executions in the stack\'s own account and Region: if the state machine is elsewhere, its failed ' +
        'executions are never redriven. Give the stack an explicit env, or import the state machine from a concrete ARN, to have this checked.',
    });
  }
  return { problems, warnings };
}

/** Like `Token.compareStrings`, with the same token (the stack's own account, say) the same. */
function compare(a: string, b: string): TokenComparison {
  return a === b ? TokenComparison.SAME : Token.compareStrings(a, b);
}

function shown(value: string): string {
  return Token.isUnresolved(value) ? '(known at deploy time)' : value;
}
