import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { grantSendOnly } from '../../src/private/send-to-queue';
import { expectGranted, newRole } from '../support/grants';

describe('every grant to the handler or scheduler role returns an iam.Grant', () => {
  test('sending to a queue, with the two KMS actions of a customer managed key', () => {
    const stack = new Stack();
    expectGranted(grantSendOnly(new sqs.Queue(stack, 'Plain'), newRole(stack, 'A')), ['sqs:SendMessage']);
    const encrypted = new sqs.Queue(stack, 'Encrypted', { encryptionMasterKey: new kms.Key(stack, 'Key') });
    expectGranted(grantSendOnly(encrypted, newRole(stack, 'B')), ['sqs:SendMessage', 'kms:GenerateDataKey', 'kms:Decrypt']);
  });
});
