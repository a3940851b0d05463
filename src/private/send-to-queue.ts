import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Lets a principal send to a queue: `sqs:SendMessage` and, for a KMS-encrypted queue, the two KMS
 * actions sending needs. Narrower than `grantSendMessages`, which also grants GetQueueAttributes,
 * GetQueueUrl, kms:Encrypt and kms:ReEncrypt*, none of which sending uses.
 */
export function grantSendOnly(queue: sqs.IQueue, grantee: iam.IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  queue.encryptionMasterKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
}

/**
 * A Lambda on-failure destination that sends to a queue with `grantSendOnly`, instead of the
 * broader grant of aws-cdk-lib's SqsDestination.
 */
export class QueueDestination implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue) {}

  public bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    grantSendOnly(this.queue, fn);
    return { destination: this.queue.queueArn };
  }
}
