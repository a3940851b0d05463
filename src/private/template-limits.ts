import { CfnResource, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { MAX_TEMPLATE_RESOURCES } from './deploy-limits';

export interface TemplateLimitsProps {
  /** Added to the message: what would make the construct's share smaller. */
  readonly advice: string;
}

/**
 * Fails synthesis, with a message that names the limit and the construct's share, when the
 * template of the construct's stack would have more resources than the 500 CloudFormation accepts.
 * Runs at synth time, over the whole stack as it is then, counting the resources in the construct
 * tree: the stack is not rendered. (The template's 1 MB is left to CloudFormation.)
 */
export function validateTemplateLimits(construct: Construct, props: TemplateLimitsProps): void {
  construct.node.addValidation({ validate: () => templateLimitProblems(construct, props) });
}

function templateLimitProblems(construct: Construct, props: TemplateLimitsProps): string[] {
  const stack = Stack.of(construct);
  const resources = resourcesOf(stack);
  if (resources.length <= MAX_TEMPLATE_RESOURCES) return [];
  const ours = resources.filter((resource) => isWithin(resource, construct));
  return [`The template of stack ${stack.node.path} has ${resources.length} resources, more than the ${MAX_TEMPLATE_RESOURCES} ` +
    `CloudFormation allows in one stack; this AutoRedrive contributes ${ours.length} of them (${countByType(ours)}). ${props.advice}`];
}

/** The resources of the stack's own template (not those of a nested stack, which has its own). */
function resourcesOf(stack: Stack): CfnResource[] {
  return stack.node.findAll().filter((child): child is CfnResource => CfnResource.isCfnResource(child) && Stack.of(child) === stack);
}

function isWithin(child: IConstruct, construct: IConstruct): boolean {
  return child.node.path === construct.node.path || child.node.path.startsWith(`${construct.node.path}/`);
}

function countByType(resources: CfnResource[]): string {
  const counts = new Map<string, number>();
  for (const { cfnResourceType: type } of resources) counts.set(type, (counts.get(type) ?? 0) + 1);
  return [...counts].sort(([, a], [, b]) => b - a).map(([type, count]) => `${count} ${type}`).join(', ');
}
