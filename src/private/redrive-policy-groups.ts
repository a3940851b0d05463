import { splitByLength } from './split-by-length';
import { MAX_MANAGED_POLICY_LENGTH } from '../shared/limits';

/** The policy document around the resource list: version, effect, action, brackets. */
const POLICY_OVERHEAD = 200;

/** One resource of the handler's redrive policies, and the most characters it takes once deployed. */
export interface ExecutionResource {
  readonly arn: string;
  /**
   * With the sweep on: the state machine ARN (or ARN pattern) whose executions the handler may list,
   * in the same policy as `arn`.
   */
  readonly listArn?: string;
  /** Both ARNs, quotes and commas included, sized for the longest ARN the resource can resolve to. */
  readonly lengthAtMost: number;
}

/** The resources grouped so that each group's redrive policy fits IAM's size limit once deployed. */
export function redrivePolicyGroups(resources: ExecutionResource[]): ExecutionResource[][] {
  return splitByLength(resources, (resource) => resource.lengthAtMost, MAX_MANAGED_POLICY_LENGTH - POLICY_OVERHEAD);
}
