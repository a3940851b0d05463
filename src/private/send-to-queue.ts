import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * Lets a principal send to a queue: `sqs:SendMessage` and, for a KMS-encrypted queue, the two KMS
 * actions sending needs. Narrower than `grantSendMessages`, which also grants GetQueueAttributes,
 * GetQueueUrl, kms:Encrypt and kms:ReEncrypt*, none of which sending uses.
 */
export function grantSendOnly(queue: sqs.IQueue, grantee: iam.IGrantable): iam.Grant {
  const grant = iam.Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: [queue.queueArn] });
  const keyGrant = queue.encryptionMasterKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
  return keyGrant ? grant.combine(keyGrant) : grant;
}
