import { CfnResource, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { MAX_TEMPLATE_BODY_BYTES, MAX_TEMPLATE_RESOURCES } from './deploy-limits';

/**
 * What DefaultStackSynthesizer adds to the template while it writes it, after validation: the
 * bootstrap version parameter and rule, 768 bytes with the default qualifier and bootstrap
 * version 6 (a byte more per character of a longer qualifier, a few more for a newer version).
 */
const BOOTSTRAP_VERSION_CHECK_BYTES = 768;

export interface TemplateLimitsProps {
  /** Added to the messages: what would make the construct's share smaller. */
  readonly advice: string;
  /**
   * Whether the construct's share of the template grows with its input (an explicit list of
   * state machines). Only then is the stack rendered to measure its body: rendering costs as
   * much as the stack's own synthesis, and a share of fixed size cannot be what passes 1 MB.
   */
  readonly shareGrows: boolean;
}

/**
 * Fails synthesis, with a message that names the limit and the construct's share, when the
 * template of the construct's stack would pass CloudFormation's limits: 500 resources, a 1 MB
 * body. Runs at synth time, over the whole stack as it is then. Resources are counted in the
 * construct tree; the body is measured only when the construct's share grows with its input.
 */
export function validateTemplateLimits(construct: Construct, props: TemplateLimitsProps): void {
  construct.node.addValidation({ validate: () => templateLimitProblems(construct, props) });
}

function templateLimitProblems(construct: Construct, props: TemplateLimitsProps): string[] {
  const stack = Stack.of(construct);
  const problems: string[] = [];
  const resources = resourcesOf(stack);
  if (resources.length > MAX_TEMPLATE_RESOURCES) {
    const ours = resources.filter((resource) => isWithin(resource, construct));
    problems.push(`The template of stack ${stack.node.path} has ${resources.length} resources, more than the ${MAX_TEMPLATE_RESOURCES} ` +
      `CloudFormation allows in one stack; this AutoRedrive contributes ${ours.length} of them (${countByType(ours)}). ${props.advice}`);
  }
  if (props.shareGrows) problems.push(...bodySizeProblems(construct, stack, props));
  return problems;
}

function bodySizeProblems(construct: Construct, stack: Stack, props: TemplateLimitsProps): string[] {
  const render = (stack as unknown as { _toCloudFormation?: () => any })._toCloudFormation;
  if (typeof render !== 'function') return [];
  let template: any;
  try {
    template = render.call(stack);
  } catch {
    // The stack cannot be rendered yet (an unresolvable token, say): synthesis reports that itself.
    return [];
  }
  const resources: Record<string, unknown> = template.Resources ?? {};
  const ours = resourcesOf(stack).filter((resource) => isWithin(resource, construct))
    .map((resource) => stack.resolve(resource.logicalId)).filter((id) => id in resources);
  const problems: string[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(template, undefined, indentation(stack))) + stillToBeAdded(stack, template);
  if (bytes > MAX_TEMPLATE_BODY_BYTES) {
    const ourBytes = ours.reduce((sum, id) => sum + Buffer.byteLength(JSON.stringify({ [id]: resources[id] }, undefined, indentation(stack))), 0);
    problems.push(`The template of stack ${stack.node.path} is ${bytes.toLocaleString('en-US')} bytes, more than the ` +
      `${MAX_TEMPLATE_BODY_BYTES.toLocaleString('en-US')} bytes (1 MB) CloudFormation accepts; this AutoRedrive contributes about ` +
      `${ourBytes.toLocaleString('en-US')} bytes of it. ${props.advice}`);
  }
  return problems;
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

/** The bytes the stack's synthesizer will add to the template when it writes it. */
function stillToBeAdded(stack: Stack, template: any): number {
  const synthesizer = stack.synthesizer as unknown as { props?: { generateBootstrapVersionRule?: boolean } };
  const addsCheck = stack.synthesizer instanceof DefaultStackSynthesizer && synthesizer.props?.generateBootstrapVersionRule !== false;
  return addsCheck && template.Rules?.CheckBootstrapVersion === undefined ? BOOTSTRAP_VERSION_CHECK_BYTES : 0;
}

/** As the stack writes its template: one space, unless it suppresses indentation. */
function indentation(stack: Stack): number | undefined {
  return (stack as unknown as { _suppressTemplateIndentation?: boolean })._suppressTemplateIndentation ? undefined : 1;
}
