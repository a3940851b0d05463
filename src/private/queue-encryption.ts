import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { addWarning } from './warnings';

/**
 * Lets EventBridge use the customer managed key of a queue it writes to (kms:Decrypt and
 * kms:GenerateDataKey in the key policy), or warns when the key's policy cannot be changed here.
 */
export function allowEventBridgeToUseKey(scope: Construct, key: kms.IKey, propName: string, queueDescription: string): void {
  const grant = key.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
  if (!grant.success) {
    addWarning(scope, 'EncryptionKeyPolicy',
      `The key policy of ${propName} must allow events.amazonaws.com kms:Decrypt and kms:GenerateDataKey, ` +
      `or EventBridge cannot send to ${queueDescription}.`);
  }
}
