import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IntakeQueue } from '../../src/private/intake-queue';
import { HANDLER_TIMEOUT } from '../../src/private/redrive-handler';
import { expectGranted, newRole } from '../support/grants';

describe('every grant to the handler or scheduler role returns an iam.Grant', () => {
  test('the intake queue: sending, and consuming for the event source mapping', () => {
    const stack = new Stack();
    const intake = new IntakeQueue(stack, 'Intake', {
      deadLetterQueue: new sqs.Queue(stack, 'DeadLetters'), encryptionKey: new kms.Key(stack, 'Key'), handlerTimeout: HANDLER_TIMEOUT,
    });
    expectGranted(intake.grantSend(newRole(stack, 'Sender')), ['sqs:SendMessage', 'kms:GenerateDataKey', 'kms:Decrypt']);
    expectGranted(intake.grantConsume(newRole(stack, 'Consumer')), ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'kms:Decrypt']);
  });
});
