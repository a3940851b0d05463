import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledgeNagFindings } from '../../src/private/nag-acknowledgements';
import { naming } from '../support/messages';

describe('acknowledgeNagFindings', () => {
  const reason = 'A reason long enough for cdk-nag.';

  test('refuses findings of a rule whose findings it cannot name, for either cdk-nag', () => {
    const queue = new sqs.Queue(new Stack(), 'Queue');
    expect(() => acknowledgeNagFindings(queue, [{ id: 'AwsSolutions-SQS3', reason, appliesToRegex: '/^Resource::\\*$/' }]))
      .toThrow(naming('AwsSolutions-SQS3', '/^Resource::\\*$/'));
  });

  test('refuses a regex outside cdk-nag 2\'s /pattern/ notation', () => {
    const queue = new sqs.Queue(new Stack(), 'Queue');
    expect(() => acknowledgeNagFindings(queue, [{ id: 'AwsSolutions-IAM5', reason, appliesToRegex: '^Resource::\\*$' }])).toThrow(naming('/regex/', '^Resource::\\*$'));
  });
});
