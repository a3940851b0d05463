import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { WatchedStateMachine, watchStateMachines } from './watched-state-machine';

/** The state machines listed by `stateMachines`. */
export interface ListSelection {
  readonly kind: 'LIST';
  readonly stateMachines: WatchedStateMachine[];
}

/** The state machines whose names start with one of `stateMachineNamePrefixes`. */
export interface PrefixSelection {
  readonly kind: 'PREFIXES';
  /** Without duplicates, and without prefixes another one covers. */
  readonly namePrefixes: string[];
}

/** Every state machine of the stack's account and Region: `allStateMachines`. */
export interface AllSelection {
  readonly kind: 'ALL';
}

/** Which state machines an AutoRedrive watches: the one of its three selection props that is given. */
export type Selection = ListSelection | PrefixSelection | AllSelection;

/** What selects the state machines in AutoRedriveProps. */
export interface SelectionProps {
  readonly stateMachines?: sfn.IStateMachine[];
  readonly stateMachineNamePrefixes?: string[];
  readonly allStateMachines?: boolean;
}

/** The selection the props make. They are validated already: exactly one is given. */
export function selectionOf(props: SelectionProps): Selection {
  if (props.stateMachines !== undefined) return { kind: 'LIST', stateMachines: watchStateMachines(props.stateMachines) };
  if (props.stateMachineNamePrefixes !== undefined) return { kind: 'PREFIXES', namePrefixes: distinctPrefixes(props.stateMachineNamePrefixes) };
  return { kind: 'ALL' };
}

/**
 * The prefixes in the order given, each once, without those that another prefix in the list
 * already covers (`orders-eu` when `orders` is there): they would match nothing more.
 */
export function distinctPrefixes(prefixes: readonly string[]): string[] {
  const unique = [...new Set(prefixes)];
  return unique.filter((prefix) => !unique.some((other) => other !== prefix && prefix.startsWith(other)));
}

/**
 * The start of the ARN of every state machine of the stack's account and Region whose name starts
 * with `namePrefix`: `arn:<partition>:states:<region>:<account>:stateMachine:<namePrefix>`. Tokens
 * in an environment-agnostic stack.
 */
export function stateMachineArnPrefix(stack: Stack, namePrefix: string): string {
  return stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: namePrefix, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** The ARN of executions of the stack's account and Region, for an IAM resource: `arn:<partition>:states:<region>:<account>:execution:<resourceName>`. */
export function executionArn(stack: Stack, resourceName: string): string {
  return stack.formatArn({ service: 'states', resource: 'execution', resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

