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
}

/**
 * Fails synthesis, with a message that names the limit and the construct's share, when the
 * template of the construct's stack would pass CloudFormation's limits: 500 resources, a 1 MB
 * body. Runs at synth time, over the whole stack as it is then.
 */
export function validateTemplateLimits(construct: Construct, props: TemplateLimitsProps): void {
  construct.node.addValidation({ validate: () => templateLimitProblems(construct, props) });
}

function templateLimitProblems(construct: Construct, props: TemplateLimitsProps): string[] {
  const stack = Stack.of(construct);
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
  const ours = ownResourceIds(construct, stack).filter((id) => id in resources);
  const problems: string[] = [];
  const resourceCount = Object.keys(resources).length;
  if (resourceCount > MAX_TEMPLATE_RESOURCES) {
    problems.push(`The template of stack ${stack.node.path} has ${resourceCount} resources, more than the ${MAX_TEMPLATE_RESOURCES} ` +
      `CloudFormation allows in one stack; this AutoRedrive contributes ${ours.length} of them (${countByType(ours, resources)}). ${props.advice}`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(template, undefined, indentation(stack))) + stillToBeAdded(stack, template);
  if (bytes > MAX_TEMPLATE_BODY_BYTES) {
    const ourBytes = ours.reduce((sum, id) => sum + Buffer.byteLength(JSON.stringify({ [id]: resources[id] }, undefined, indentation(stack))), 0);
    problems.push(`The template of stack ${stack.node.path} is ${bytes.toLocaleString('en-US')} bytes, more than the ` +
      `${MAX_TEMPLATE_BODY_BYTES.toLocaleString('en-US')} bytes (1 MB) CloudFormation accepts; this AutoRedrive contributes about ` +
      `${ourBytes.toLocaleString('en-US')} bytes of it. ${props.advice}`);
  }
  return problems;
}

/** The logical IDs of the construct's own resources in the stack's template (not those of a nested stack). */
function ownResourceIds(construct: IConstruct, stack: Stack): string[] {
  return construct.node.findAll()
    .filter((child): child is CfnResource => CfnResource.isCfnResource(child) && Stack.of(child) === stack)
    .map((resource) => stack.resolve(resource.logicalId));
}

function countByType(ids: string[], resources: Record<string, any>): string {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(resources[id].Type, (counts.get(resources[id].Type) ?? 0) + 1);
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
