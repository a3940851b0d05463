import { Duration, Names } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { allowEventBridgeToUseKey } from './queue-encryption';
import { grantSendOnly } from './send-to-queue';
import { addWarning } from './warnings';
import {
  INTAKE_BATCH_SIZE, INTAKE_MAX_RECEIVE_COUNT, INTAKE_RETENTION_DAYS, INTAKE_VISIBILITY_TIMEOUT_FACTOR,
  MAX_DELIVERY_EVENT_AGE_SECONDS, MAX_DELIVERY_RETRY_ATTEMPTS,
} from '../shared/limits';

const EVENTS_SERVICE = 'events.amazonaws.com';
/** SQS queue names are at most 80 characters. */
const MAX_QUEUE_NAME_LENGTH = 80;
/** EventBridge retries a delivery SQS refused (throttled, unavailable) for a day, then keeps the event in the dead-letter queue. */

export interface IntakeQueueProps {
  /** Where messages go after INTAKE_MAX_RECEIVE_COUNT receives, and where EventBridge keeps what it could not deliver. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The customer managed key, when one is given; SSE-SQS otherwise. */
  readonly encryptionKey?: kms.IKey;
  /** The handler's timeout: the queue's visibility timeout is INTAKE_VISIBILITY_TIMEOUT_FACTOR times it. */
  readonly handlerTimeout: Duration;
}

/**
 * The one queue every automatic trigger enters through: the rules' failure events, due one-time
 * schedules and the sweep. Encrypted, TLS only, with a redrive policy to the dead-letter queue. The
 * queue policy lets EventBridge send from the construct's own rules only (`aws:SourceArn`), each rule
 * added as it targets the queue.
 */
export class IntakeQueue extends Construct {
  public readonly queue: sqs.Queue;
  /** Known at synth, so that the dead-letter queue can name it without depending on it. */
  public readonly queueName: string;
  private readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: IntakeQueueProps) {
    super(scope, id);
    this.deadLetterQueue = props.deadLetterQueue;
    this.queueName = Names.uniqueResourceName(this, { maxLength: MAX_QUEUE_NAME_LENGTH });
    // `Default`: the queue is this construct's default child, for cdk-nag and for `node.defaultChild`.
    this.queue = new sqs.Queue(this, 'Default', {
      queueName: this.queueName,
      encryption: props.encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.handlerTimeout.toSeconds() * INTAKE_VISIBILITY_TIMEOUT_FACTOR),
      retentionPeriod: Duration.days(INTAKE_RETENTION_DAYS),
      deadLetterQueue: { queue: props.deadLetterQueue, maxReceiveCount: INTAKE_MAX_RECEIVE_COUNT },
    });
    if (props.encryptionKey) allowEventBridgeToUseKey(this, props.encryptionKey, 'encryptionKey', 'the intake queue');
  }

  /**
   * A rule target that sends the matched event to the queue, allowed for that rule alone; what
   * EventBridge cannot deliver goes to the dead-letter queue, which allows that rule to send too.
   */
  public ruleTarget(): events.IRuleTarget {
    return {
      bind: (rule: events.IRule): events.RuleTargetConfig => {
        const fromThisRule = (queue: sqs.IQueue, sid: string) => queue.addToResourcePolicy(new iam.PolicyStatement({
          sid: `${sid}${Names.nodeUniqueId(rule.node)}`.slice(0, 100),
          principals: [new iam.ServicePrincipal(EVENTS_SERVICE)],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
        }));
        fromThisRule(this.queue, 'AllowRule');
        if (!fromThisRule(this.deadLetterQueue, 'AllowRuleDeadLetters').statementAdded) {
          addWarning(this, 'DeadLetterQueuePolicy',
            `The policy of the dead-letter queue you brought must let ${EVENTS_SERVICE} sqs:SendMessage from the rule ${rule.ruleArn}, ` +
            'or EventBridge cannot keep an event it could not deliver.');
        }
        return {
          arn: this.queue.queueArn,
          targetResource: this.queue,
          retryPolicy: { maximumRetryAttempts: MAX_DELIVERY_RETRY_ATTEMPTS, maximumEventAgeInSeconds: MAX_DELIVERY_EVENT_AGE_SECONDS },
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        };
      },
    };
  }

  /** Lets a principal (the scheduler role) send to the queue. */
  public grantSend(grantee: iam.IGrantable): iam.Grant {
    return grantSendOnly(this.queue, grantee);
  }

  /**
   * Lets a principal (the handler's role) consume the queue: receive and delete messages, and read
   * the queue's attributes, which the event source mapping needs; with a customer managed key,
   * decrypt. Nothing more.
   */
  public grantConsume(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      resourceArns: [this.queue.queueArn],
    });
    const keyGrant = this.queue.encryptionMasterKey?.grantDecrypt(grantee);
    return keyGrant ? grant.combine(keyGrant) : grant;
  }

  /**
   * Feeds the handler from the queue: batches of INTAKE_BATCH_SIZE, at most `maxConcurrency`
   * invocations at once (without reserving any of the account's concurrency), and partial batch
   * responses. The handler's role is granted what consuming needs (`grantConsume`).
   */
  public feed(handler: lambda.Function, maxConcurrency: number): lambda.EventSourceMapping {
    this.grantConsume(handler);
    const mapping = new lambda.EventSourceMapping(this, 'Mapping', {
      target: handler,
      eventSourceArn: this.queue.queueArn,
      batchSize: INTAKE_BATCH_SIZE,
      maxConcurrency,
      reportBatchItemFailures: true,
    });
    acknowledgeNagFindings(mapping, [{
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: `An SQS event source mapping takes no on-failure destination: the intake queue redrive policy moves a message to the dead-letter queue after ${INTAKE_MAX_RECEIVE_COUNT} receives.`,
    }]);
    return mapping;
  }
}
