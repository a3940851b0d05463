import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { iamWildcardFindings } from './iam-wildcard-findings';
import { ValidationRuleAcknowledgement, validationRuleAcknowledger } from './validations-acknowledgement';

/**
 * A cdk-nag finding the construct accepts on purpose, with the reason, so users who run cdk-nag on
 * their app see the reason instead of an unexplained finding, without this library depending on
 * cdk-nag. Serves both majors: cdk-nag 2 reads the `cdk_nag` resource metadata; cdk-nag 3 reads
 * aws-cdk-lib's `Validations` acknowledgements (aws-cdk-lib 2.257.0 and later).
 */
export interface NagAcknowledgement {
  readonly id: string;
  /** At least 10 characters, ASCII. */
  readonly reason: string;
  /**
   * The findings of a rule with several (`AwsSolutions-IAM5[...]`) that this covers: `/regex/`,
   * matched against each finding as cdk-nag renders it (`Resource::arn:<AWS::Partition>:...`).
   */
  readonly appliesToRegex?: string;
}

/** How cdk-nag names the findings of the rules that have several on one resource. */
const FINDINGS_OF_RULE: Record<string, (resource: CfnResource) => string[]> = {
  'AwsSolutions-IAM5': iamWildcardFindings,
};

/**
 * Acknowledges the findings on the resource (a construct's default child): in its `cdk_nag`
 * metadata now, and, with an aws-cdk-lib that has them, as `Validations` acknowledgements when
 * the construct tree is validated.
 */
export function acknowledgeNagFindings(construct: IConstruct, acknowledgements: NagAcknowledgement[]): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild as CfnResource;
  for (const { id, appliesToRegex } of acknowledgements) {
    if (appliesToRegex === undefined) continue;
    if (!FINDINGS_OF_RULE[id]) throw new Error(`No findings are known for ${id}: it cannot apply to ${appliesToRegex}`);
    parseRegex(appliesToRegex);
  }
  writeCdkNag2Metadata(resource, acknowledgements);
  const acknowledge = validationRuleAcknowledger();
  if (!acknowledge) return;
  // Validation hooks run after every grant, aspect and prepare step, and before validation plugins:
  // the policy documents are final, and cdk-nag 3 has not looked yet.
  resource.node.addValidation({
    validate: () => {
      acknowledge(resource, acknowledgements.flatMap((acknowledgement) => validationRules(resource, acknowledgement)));
      // cdk-nag 3's writeSuppressionsToCloudFormation aspect replaces the `cdk_nag` metadata with
      // the acknowledgements it saw, before these existed: the template keeps the construct's reasons.
      writeCdkNag2Metadata(resource, acknowledgements);
      return [];
    },
  });
}

/** Adds the acknowledgements to the resource's `cdk_nag` metadata, keeping what is there, each once. */
function writeCdkNag2Metadata(resource: CfnResource, acknowledgements: NagAcknowledgement[]): void {
  const existing: unknown[] = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  const present = new Set(existing.map((rule) => JSON.stringify(rule)));
  const added = acknowledgements
    .map(({ id, reason, appliesToRegex }) => ({ id, reason, ...(appliesToRegex ? { applies_to: [{ regex: appliesToRegex }] } : {}) }))
    .filter((rule) => !present.has(JSON.stringify(rule)));
  resource.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...added] });
}

/** cdk-nag 3 matches exact ids only: `<rule>`, or `<rule>[<finding>]` for each finding the regex covers. */
function validationRules(resource: CfnResource, { id, reason, appliesToRegex }: NagAcknowledgement): ValidationRuleAcknowledgement[] {
  if (appliesToRegex === undefined) return [{ id, reason }];
  const covered = parseRegex(appliesToRegex);
  return FINDINGS_OF_RULE[id](resource)
    .filter((finding) => covered.test(finding))
    .map((finding) => ({ id: `${id}[${finding}]`, reason }));
}

/** cdk-nag 2's `/pattern/flags` notation. */
function parseRegex(notation: string): RegExp {
  const parts = /^\/(.+)\/([a-z]*)$/.exec(notation);
  if (!parts) throw new Error(`Not a /regex/: ${notation}`);
  return new RegExp(parts[1], parts[2]);
}
