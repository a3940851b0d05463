import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The findings of cdk-nag's AwsSolutions-IAM5 (IAMNoWildcardPermissions) on an IAM policy, rendered
 * as cdk-nag renders them: `Action::<action>` for each allowed action with a `*`, and
 * `Resource::<resource>` for each allowed resource with a `*`, intrinsic functions flattened
 * (`<AWS::Partition>`, `<Logical.Arn>`). Empty for anything but a policy or a managed policy.
 */
export function iamWildcardFindings(resource: CfnResource): string[] {
  if (!(resource instanceof iam.CfnPolicy || resource instanceof iam.CfnManagedPolicy)) return [];
  const document: PolicyDocumentJson = Stack.of(resource).resolve(resource.policyDocument);
  const findings = new Set<string>();
  for (const statement of document.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of asArray(statement.Action)) if (action.includes('*')) findings.add(`Action::${action}`);
    for (const flattened of asArray(statement.Resource).map(flattenCfnReference)) {
      if (flattened.includes('*')) findings.add(`Resource::${flattened}`);
    }
  }
  return [...findings];
}

interface PolicyDocumentJson {
  readonly Statement?: { readonly Effect: string; readonly Action: string | string[]; readonly Resource: unknown }[];
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** cdk-nag's flattening of a CloudFormation value into the string its findings name. */
function flattenCfnReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\${/g, '<').replace(/}/g, '>');
  const intrinsic = value as Record<string, any>;
  if (intrinsic['Fn::Join']) {
    const [delimiter, items] = intrinsic['Fn::Join'];
    return items.map(flattenCfnReference).join(delimiter);
  }
  if (intrinsic['Fn::Sub']) return flattenCfnReference(intrinsic['Fn::Sub']);
  if (intrinsic['Fn::GetAtt']) {
    const [logicalId, attribute] = intrinsic['Fn::GetAtt'];
    return `<${flattenCfnReference(logicalId)}.${flattenCfnReference(attribute)}>`;
  }
  if (intrinsic['Fn::ImportValue']) return flattenCfnReference(intrinsic['Fn::ImportValue']);
  if (intrinsic.Ref) return `<${flattenCfnReference(intrinsic.Ref)}>`;
  return JSON.stringify(value);
}
