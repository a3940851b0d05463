import { nameProblem } from '../src/shared/names';

/** The parts of a Step Functions execution ARN. */
export interface ExecutionArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly stateMachineName: string;
  /** Set for a Distributed Map child execution: `execution:<state machine>/<map run label>:<id>`. */
  readonly mapRunLabel?: string;
  readonly executionName: string;
}

const PARTITION = /^aws(-[a-z]+)*$/;
const REGION = /^[a-z]+(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;

/**
 * The parts of a Step Functions execution ARN, or why it is not one: the partition, Region and
 * account must have their AWS form, and the state machine name, Map Run label and execution name
 * must keep Step Functions' naming rules.
 */
export function parseExecutionArn(arn: string): ExecutionArnParts | { readonly problem: string } {
  const fields = arn.split(':');
  if (fields.length !== 8 || fields[0] !== 'arn' || fields[2] !== 'states' || fields[5] !== 'execution') {
    return { problem: 'is not arn:<partition>:states:<region>:<account>:execution:<state machine>:<execution>' };
  }
  const [, partition, , region, account, , stateMachinePart, executionName] = fields;
  if (!PARTITION.test(partition)) return { problem: `has an unknown partition ${JSON.stringify(partition.slice(0, 20))}` };
  if (!REGION.test(region)) return { problem: `has an invalid Region ${JSON.stringify(region.slice(0, 30))}` };
  if (!ACCOUNT.test(account)) return { problem: 'has an account that is not 12 digits' };
  const [stateMachineName, mapRunLabel, ...more] = stateMachinePart.split('/');
  if (more.length > 0) return { problem: 'has more than one "/" in its state machine part' };
  const names: [string, string | undefined][] = [['a state machine name', stateMachineName], ['a Map Run label', mapRunLabel], ['an execution name', executionName]];
  for (const [what, name] of names) {
    const problem = name === undefined ? undefined : nameProblem(name);
    if (problem) return { problem: `has ${what} that ${problem}` };
  }
  return { partition, region, account, stateMachineName, mapRunLabel, executionName };
}

export function isExecutionArnParts(parsed: ReturnType<typeof parseExecutionArn>): parsed is ExecutionArnParts {
  return !('problem' in parsed);
}

/** The ARN of the state machine the execution belongs to (for a Map Run child, its parent's state machine). */
export function stateMachineArnOf(parts: ExecutionArnParts): string {
  return `arn:${parts.partition}:states:${parts.region}:${parts.account}:stateMachine:${parts.stateMachineName}`;
}
