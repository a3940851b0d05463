import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { MAX_STATE_MACHINE_NAME_LENGTH } from '../shared/limits';

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
}

/** `arn:` + partition + `:states:` + region + `:` + account + `:stateMachine:`, for the longest of each. */
const ARN_PREFIX_LENGTH_AT_MOST = 'arn:aws-iso-b:states:ap-southeast-5:123456789012:stateMachine:'.length + 4;

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
    isExpress: resource?.stateMachineType === sfn.StateMachineType.EXPRESS,
  };
}

function nameOf(stateMachine: sfn.IStateMachine, resource: sfn.CfnStateMachine | undefined): string {
  const declared = resource ? Stack.of(resource).resolve(resource.stateMachineName) : undefined;
  if (typeof declared === 'string') return declared;
  if (stateMachine instanceof sfn.StateMachine) return stateMachine.stateMachineName;
  return Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName!;
}
