/** The parts of a Step Functions execution ARN. */
export interface ExecutionArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** For a Distributed Map child execution, `<state machine>/<map run label>`. */
  readonly stateMachinePart: string;
  readonly executionName: string;
}

const EXECUTION_ARN = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):execution:([^:\s]{1,160}):([^:\s]{1,80})$/;

export function parseExecutionArn(arn: string): ExecutionArnParts | undefined {
  const match = EXECUTION_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, stateMachinePart, executionName] = match;
  return { partition, region, account, stateMachinePart, executionName };
}

/** A Distributed Map child execution: `execution:<state machine>/<map run label>:<id>`. */
export function isMapRunChild(parts: ExecutionArnParts): boolean {
  return parts.stateMachinePart.includes('/');
}

export function stateMachineArnOf(parts: ExecutionArnParts): string {
  return `arn:${parts.partition}:states:${parts.region}:${parts.account}:stateMachine:${parts.stateMachinePart}`;
}
