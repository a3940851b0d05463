import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { MAX_STATE_MACHINE_NAME_LENGTH } from './limits';

/**
 * What the construct needs to know of one watched state machine. Lengths are exact where the value
 * is known at synth time; otherwise `arnLengthAtMost` is the largest possible and
 * `expectedNameLength` the length CloudFormation gives a generated name.
 */
export interface WatchedStateMachine {
  readonly stateMachine: sfn.IStateMachine;
  readonly arn: string;
  /** The name, possibly a token. */
  readonly name: string;
  readonly arnLengthAtMost: number;
  readonly expectedNameLength: number;
  /** True when the state machine is known to be an Express one. */
  readonly isExpress: boolean;
}

/** `arn:` + partition + `:states:` + region + `:` + account + `:stateMachine:`, for the longest of each. */
const ARN_PREFIX_LENGTH_AT_MOST = 'arn:aws-iso-b:states:ap-southeast-5:123456789012:stateMachine:'.length + 4;

/**
 * CloudFormation names a state machine that has no StateMachineName `<logical id>-<12 characters>`.
 */
const GENERATED_NAME_SUFFIX_LENGTH = 13;

export function describeWatchedStateMachine(stateMachine: sfn.IStateMachine): WatchedStateMachine {
  const resource = stateMachine.node.defaultChild instanceof sfn.CfnStateMachine ? stateMachine.node.defaultChild : undefined;
  const arn = stateMachine.stateMachineArn;
  const name = nameOf(stateMachine, resource);
  const nameIsKnown = !Token.isUnresolved(name);
  const arnLengthAtMost = Token.isUnresolved(arn)
    ? ARN_PREFIX_LENGTH_AT_MOST + (nameIsKnown ? name.length : MAX_STATE_MACHINE_NAME_LENGTH)
    : arn.length;
  return {
    stateMachine,
    arn,
    name,
    arnLengthAtMost,
    expectedNameLength: nameIsKnown ? name.length : generatedNameLength(resource),
    isExpress: resource?.stateMachineType === sfn.StateMachineType.EXPRESS,
  };
}

function nameOf(stateMachine: sfn.IStateMachine, resource: sfn.CfnStateMachine | undefined): string {
  const declared = resource ? Stack.of(resource).resolve(resource.stateMachineName) : undefined;
  if (typeof declared === 'string') return declared;
  if (stateMachine instanceof sfn.StateMachine) return stateMachine.stateMachineName;
  return Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName!;
}

function generatedNameLength(resource: sfn.CfnStateMachine | undefined): number {
  if (resource === undefined) return MAX_STATE_MACHINE_NAME_LENGTH;
  const logicalId = Stack.of(resource).resolve(resource.logicalId) as string;
  return Math.min(MAX_STATE_MACHINE_NAME_LENGTH, logicalId.length + GENERATED_NAME_SUFFIX_LENGTH);
}
