import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A cdk-nag finding the construct accepts on purpose, with the reason. Written as the `cdk_nag`
 * resource metadata that cdk-nag reads, so users who run cdk-nag on their app see the reason
 * instead of an unexplained finding, without this library depending on cdk-nag.
 */
export interface NagAcknowledgement {
  readonly id: string;
  /** At least 10 characters, ASCII. */
  readonly reason: string;
  /** The findings of a rule with several (`AwsSolutions-IAM5[...]`) that this covers: `/regex/`. */
  readonly appliesToRegex?: string;
}

export function acknowledgeNagFindings(construct: IConstruct, acknowledgements: NagAcknowledgement[]): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild as CfnResource;
  const existing = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [
      ...existing,
      ...acknowledgements.map(({ id, reason, appliesToRegex }) => ({
        id,
        reason,
        ...(appliesToRegex ? { applies_to: [{ regex: appliesToRegex }] } : {}),
      })),
    ],
  });
}
