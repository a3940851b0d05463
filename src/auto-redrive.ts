import * as path from 'path';
import { Annotations, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AutoRedriveProps } from './auto-redrive-props';
import { failedExecutionPatterns } from './private/event-patterns';
import { handlerEnvironment } from './private/handler-environment';
import { acknowledgeNagFindings } from './private/nag-acknowledgements';
import { redrivePolicyGroups } from './private/redrive-policy-groups';
import { resolveProps } from './private/resolve-props';
import { WatchedStateMachine } from './private/watched-state-machine';

const HANDLER_ASSET = path.join(__dirname, '..', 'assets', 'lambda', 'redrive', 'index');

/** Lambda retries a failed asynchronous invocation twice, then sends it to the dead-letter queue. */
const HANDLER_RETRY_ATTEMPTS = 2;
const HANDLER_MAX_EVENT_AGE = Duration.hours(6);
/** EventBridge retries a delivery the Lambda service refused (throttled, unavailable) for a day. */
const DELIVERY_RETRY_ATTEMPTS = 185;
const DELIVERY_MAX_EVENT_AGE = Duration.hours(24);

/**
 * Redrives failed executions of Standard state machines automatically, under a policy.
 *
 * An EventBridge rule matches the "Step Functions Execution Status Change" events of failed,
 * redrivable executions of the chosen state machines and invokes a handler, which applies the
 * policy and calls RedriveExecution with an idempotency token, so a duplicated or retried event
 * never redrives twice. Events that cannot be handled end in the dead-letter queue.
 */
export class AutoRedrive extends Construct {
  /** The rules that match failed executions; more than one when the state machines are too many for one event pattern. */
  public readonly rules: events.IRule[];

  /** The function that decides and redrives. */
  public readonly handler: lambda.IFunction;

  /** The queue that keeps every event that could not be handled, with its error. */
  public readonly deadLetterQueue: sqs.IQueue;

  /** The handler's log group. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: AutoRedriveProps) {
    super(scope, id);
    const settings = resolveProps(this, props);

    this.deadLetterQueue = settings.deadLetterQueue ?? this.createDeadLetterQueue(settings.deadLetterQueueEncryptionKey);
    this.logGroup = new logs.LogGroup(this, 'HandlerLogs', { retention: settings.logRetention });

    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Redrives failed Step Functions executions of the chosen state machines',
    });
    this.logGroup.grantWrite(role);
    this.deadLetterQueue.grantSendMessages(role);
    const redrivePolicies = this.grantRedriveExecution(role, settings.stateMachines);

    const handler = new lambda.Function(this, 'Handler', {
      description: 'Redrives failed Step Functions executions (cdk-stepfunctions-redrive)',
      runtime: settings.runtime,
      architecture: lambda.Architecture.ARM_64,
      code: lambda.Code.fromAsset(HANDLER_ASSET),
      handler: 'index.handler',
      role,
      logGroup: this.logGroup,
      memorySize: 256,
      timeout: Duration.seconds(30),
      reservedConcurrentExecutions: settings.reservedConcurrentExecutions,
      environment: handlerEnvironment(this, settings.policy, settings.stateMachines, this.deadLetterQueue),
    });
    redrivePolicies.forEach((policy) => handler.node.addDependency(policy));
    handler.configureAsyncInvoke({
      retryAttempts: HANDLER_RETRY_ATTEMPTS,
      maxEventAge: HANDLER_MAX_EVENT_AGE,
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });
    const defaultPolicy = role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy && this.deadLetterQueue.encryptionMasterKey) {
      acknowledgeNagFindings(defaultPolicy, [{
        id: 'AwsSolutions-IAM5',
        reason: 'Sending to a KMS-encrypted dead-letter queue needs these KMS actions, on that one key only (the SQS grant of aws-cdk-lib).',
        appliesToRegex: '/^Action::kms:(ReEncrypt|GenerateDataKey)\\*$/',
      }]);
    }
    acknowledgeNagFindings(handler, [
      {
        id: 'Serverless-LambdaDLQ',
        reason: 'Failed asynchronous invocations go to the dead-letter queue through an on-failure destination, which keeps the error with the event.',
      },
      {
        id: 'Serverless-LambdaTracing',
        reason: 'The handler makes one Step Functions call per event; its structured log line records each decision.',
      },
    ]);
    this.handler = handler;

    this.rules = failedExecutionPatterns(settings.stateMachines, settings.policy.statuses).map((eventPattern, index) =>
      new events.Rule(this, index === 0 ? 'Rule' : `Rule${index + 1}`, {
        description: 'Failed, redrivable executions of state machines watched by AutoRedrive',
        eventPattern,
        targets: [new targets.LambdaFunction(handler, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: DELIVERY_RETRY_ATTEMPTS,
          maxEventAge: DELIVERY_MAX_EVENT_AGE,
        })],
      }));
  }

  private createDeadLetterQueue(encryptionKey: kms.IKey | undefined): sqs.IQueue {
    const queue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
      encryptionMasterKey: encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const isTheDeadLetterQueue = 'This queue is the dead-letter queue of the AutoRedrive rules and handler; a person reads it, nothing consumes it.';
    acknowledgeNagFindings(queue, [
      { id: 'AwsSolutions-SQS3', reason: isTheDeadLetterQueue },
      { id: 'Serverless-SQSRedrivePolicy', reason: isTheDeadLetterQueue },
    ]);
    if (encryptionKey) {
      const grant = encryptionKey.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
      if (!grant.success) {
        Annotations.of(this).addWarningV2('cdk-stepfunctions-redrive:DeadLetterQueueKey',
          'The key policy of deadLetterQueueEncryptionKey must allow events.amazonaws.com kms:Decrypt and kms:GenerateDataKey, ' +
          'or EventBridge cannot put undeliverable events in the dead-letter queue.');
      }
    }
    return queue;
  }

  /**
   * `states:RedriveExecution` on the executions of the chosen state machines, and nothing else. In
   * customer managed policies of at most 6,144 characters each, so any number of state machines fits.
   */
  private grantRedriveExecution(role: iam.IRole, stateMachines: WatchedStateMachine[]): iam.ManagedPolicy[] {
    const stack = Stack.of(this);
    const executionArn = (machine: WatchedStateMachine) => stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${machine.name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    return redrivePolicyGroups(stateMachines).map((group, index) => {
      const policy = new iam.ManagedPolicy(this, index === 0 ? 'RedrivePolicy' : `RedrivePolicy${index + 1}`, {
        description: 'Lets AutoRedrive redrive executions of the state machines it watches',
        roles: [role],
        statements: [new iam.PolicyStatement({
          actions: ['states:RedriveExecution'],
          resources: group.map(executionArn),
        })],
      });
      acknowledgeNagFindings(policy, [{
        id: 'AwsSolutions-IAM5',
        reason: 'Execution names are chosen when executions start; each wildcard covers the executions of one watched state machine only.',
        appliesToRegex: '/^Resource::arn:.+:states:.+:execution:[^*]+:\\*$/',
      }]);
      return policy;
    });
  }
}
