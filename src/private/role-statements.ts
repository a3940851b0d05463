import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';

/** A policy statement as it will be deployed, every value evaluated to a string. */
export interface EvaluatedStatement {
  readonly actions: string[];
  readonly resources: string[];
}

/**
 * What the intrinsics of one stack evaluate to, enough to compare ARNs: the stack's pseudo
 * parameters, and the ARN and name of the state machines that matter. Every other reference
 * evaluates to a text no ARN contains, so it matches only itself and wildcards.
 */
export interface Evaluation {
  readonly stack: Stack;
  /** `Ref` and `Fn::GetAtt` values by logical ID: `{ Ref: ..., Arn: ..., Name: ... }`. */
  readonly resources: Record<string, Record<string, string>>;
}

/**
 * The Allow statements, without conditions, of every policy of the app known to be attached to
 * the role: its inline policies, the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources
 * that name it, and the managed policies of the app it lists.
 */
export function roleStatements(scope: IConstruct, role: iam.IRole, evaluation: (stack: Stack) => Evaluation): EvaluatedStatement[] {
  const cfnRole = role.node.defaultChild instanceof iam.CfnRole ? role.node.defaultChild : undefined;
  const documents: Array<{ stack: Stack; document: unknown }> = [];
  if (cfnRole) {
    const inline = Stack.of(cfnRole).resolve(cfnRole.policies) as Array<Record<string, unknown>> | undefined;
    for (const policy of inline ?? []) documents.push({ stack: Stack.of(cfnRole), document: policy.policyDocument ?? policy.PolicyDocument });
  }
  const managedArns = cfnRole ? JSON.stringify(Stack.of(cfnRole).resolve(cfnRole.managedPolicyArns) ?? []) : '[]';
  for (const construct of scope.node.findAll()) {
    if (!(construct instanceof iam.CfnPolicy || construct instanceof iam.CfnManagedPolicy)) continue;
    const stack = Stack.of(construct);
    // Resolving the role's name in another environment would give the role a physical name.
    if (!sameEnvironment(stack, Stack.of(role))) continue;
    const roleName = JSON.stringify(stack.resolve(role.roleName));
    const namesRole = ((stack.resolve(construct.roles) ?? []) as unknown[]).some((name) => JSON.stringify(name) === roleName);
    const listedByRole = construct instanceof iam.CfnManagedPolicy && cfnRole !== undefined &&
      managedArns.includes(JSON.stringify(Stack.of(cfnRole).resolve((construct as CfnResource).ref)));
    if (namesRole || listedByRole) documents.push({ stack, document: construct.policyDocument });
  }
  return documents.flatMap(({ stack, document }) => allowStatements(stack.resolve(document), evaluation(stack)));
}

function sameEnvironment(a: Stack, b: Stack): boolean {
  return a === b || (a.account === b.account && a.region === b.region);
}

/** True when a statement allows the action on the resource, IAM wildcards (`*`, `?`) included. */
export function allows(statements: EvaluatedStatement[], action: string, resource: string): boolean {
  return statements.some((statement) =>
    statement.actions.some((pattern) => wildcardMatch(pattern, action, true)) &&
    statement.resources.some((pattern) => wildcardMatch(pattern, resource, false)));
}

/** Evaluates a resolved value (a string or CloudFormation intrinsics) to the string it deploys as. */
export function evaluate(value: unknown, evaluation: Evaluation): string {
  const evaluated = evaluateValue(value, evaluation);
  return Array.isArray(evaluated) ? evaluated.join(',') : evaluated;
}

/** The pseudo parameters of a stack: its own values where known, stand-ins shared by every stack otherwise. */
export function pseudoParameters(stack: Stack): Record<string, string> {
  const known = (value: string | undefined, standIn: string) => (value === undefined || Token.isUnresolved(value) ? standIn : value);
  return {
    'AWS::Partition': known(stack.partition, known(partitionOf(stack.region), 'aws')),
    'AWS::Region': known(stack.region, '<region>'),
    'AWS::AccountId': known(stack.account, '<account>'),
    'AWS::URLSuffix': known(stack.urlSuffix, 'amazonaws.com'),
  };
}

/** The partition of a Region known at synth time, if aws-cdk-lib knows it. */
export function partitionOf(region: string): string | undefined {
  return Token.isUnresolved(region) ? undefined : RegionInfo.get(region).partition;
}

/**
 * The Allow statements of the role's permissions boundary when it is a managed policy of the app;
 * undefined when the role has none; `unknown` when its boundary is not one the app defines.
 */
export function boundaryStatements(role: iam.IRole, evaluation: (stack: Stack) => Evaluation): EvaluatedStatement[] | 'unknown' | undefined {
  const boundary = role instanceof iam.Role ? role.permissionsBoundary : undefined;
  if (!boundary) return undefined;
  const resource = boundary instanceof iam.ManagedPolicy ? boundary.node.defaultChild : undefined;
  if (!(resource instanceof iam.CfnManagedPolicy)) return 'unknown';
  const stack = Stack.of(resource);
  return allowStatements(stack.resolve(resource.policyDocument), evaluation(stack));
}

function allowStatements(document: any, evaluation: Evaluation): EvaluatedStatement[] {
  const statements: any[] = document?.Statement ?? [];
  return statements
    .filter((statement) => statement.Effect === 'Allow' && statement.Condition === undefined && statement.Action !== undefined && statement.Resource !== undefined)
    .map((statement) => ({
      actions: [statement.Action].flat().map((action: unknown) => evaluate(action, evaluation)),
      resources: [statement.Resource].flat().map((resource: unknown) => evaluate(resource, evaluation)),
    }));
}

function evaluateValue(value: unknown, evaluation: Evaluation): string | string[] {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => evaluate(item, evaluation));
  const [name, args] = Object.entries(value ?? {})[0] ?? [];
  switch (name) {
    case 'Ref':
      return pseudoParameters(evaluation.stack)[args] ?? evaluation.resources[args]?.Ref ?? `{Ref:${args}}`;
    case 'Fn::GetAtt': {
      const [id, attribute] = typeof args === 'string' ? args.split('.') : args;
      return evaluation.resources[id]?.[attribute] ?? `{GetAtt:${id}.${attribute}}`;
    }
    case 'Fn::Join':
      return list(args[1], evaluation).join(args[0]);
    case 'Fn::Select':
      return list(args[1], evaluation)[Number(evaluate(args[0], evaluation))] ?? '{Select}';
    case 'Fn::Split':
      return evaluate(args[1], evaluation).split(args[0]);
    default:
      return `{${name}}`;
  }
}

function list(value: unknown, evaluation: Evaluation): string[] {
  const evaluated = evaluateValue(value, evaluation);
  return Array.isArray(evaluated) ? evaluated : [evaluated];
}

function wildcardMatch(pattern: string, text: string, ignoreCase: boolean): boolean {
  const source = pattern.split('').map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(text);
}
