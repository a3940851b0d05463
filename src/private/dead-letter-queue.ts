import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { allowEventBridgeToUseKey } from './queue-encryption';

/** The longest SQS keeps a message: a person has two weeks to read what could not be handled. */
const MAX_RETENTION = Duration.days(14);

/**
 * The dead-letter queue the construct creates when none is given: SSE-SQS or the given customer
 * managed key (which EventBridge is allowed to use), TLS enforced, the longest retention.
 */
export function createDeadLetterQueue(scope: Construct, id: string, encryptionKey: kms.IKey | undefined): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
    encryptionMasterKey: encryptionKey,
    enforceSSL: true,
    retentionPeriod: MAX_RETENTION,
  });
  const isTheDeadLetterQueue = 'This queue is the dead-letter queue of the AutoRedrive intake queue, rules, schedules and handler; a person reads it, nothing consumes it.';
  acknowledgeNagFindings(queue, [
    { id: 'AwsSolutions-SQS3', reason: isTheDeadLetterQueue },
    { id: 'Serverless-SQSRedrivePolicy', reason: isTheDeadLetterQueue },
  ]);
  if (encryptionKey) allowEventBridgeToUseKey(scope, encryptionKey, 'encryptionKey', 'the dead-letter queue');
  return queue;
}
