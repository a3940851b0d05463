import { splitByLength } from './split-by-length';
import { WatchedStateMachine } from './watched-state-machine';
import { MAX_MANAGED_POLICY_LENGTH } from '../shared/limits';

/** The policy document around the resource list: version, effect, action, brackets. */
const POLICY_OVERHEAD = 200;
/** `"<execution ARN>:*",`: the execution ARN is no longer than the state machine ARN plus `:*`. */
const PER_STATE_MACHINE_OVERHEAD = 5;

/** The state machines grouped so that each group's redrive policy fits IAM's size limit once deployed. */
export function redrivePolicyGroups(stateMachines: WatchedStateMachine[]): WatchedStateMachine[][] {
  return splitByLength(
    stateMachines,
    (machine) => machine.arnLengthAtMost + PER_STATE_MACHINE_OVERHEAD,
    MAX_MANAGED_POLICY_LENGTH - POLICY_OVERHEAD,
  );
}
