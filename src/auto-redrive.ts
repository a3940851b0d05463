import * as path from 'path';
import { Annotations, ArnFormat, Duration, Names, Stack } from 'aws-cdk-lib';
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
import { ruleName } from './private/contract';
import { DelayedRedrives } from './private/delayed-redrives';
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
/** Rule names are at most 64 characters: the prefix leaves room for `-<index>`. */
const RULE_NAME_PREFIX_LENGTH = 58;

/**
 * Redrives failed executions of Standard state machines automatically, under a policy.
 *
 * An EventBridge rule matches the "Step Functions Execution Status Change" events of failed,
 * redrivable executions of the chosen state machines and invokes a handler, which applies the
 * policy and calls RedriveExecution with an idempotency token, at once or, with a backoff, from a
 * one-time schedule, so a duplicated or retried event never redrives twice. Events that cannot be
 * handled end in the dead-letter queue.
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

  /**
   * The EventBridge Scheduler schedule group that holds delayed redrives until they are due.
   * Undefined with `Backoff.none()`.
   */
  public readonly scheduleGroupName?: string;

  constructor(scope: Construct, id: string, props: AutoRedriveProps) {
    super(scope, id);
    const settings = resolveProps(this, props);
    const patterns = failedExecutionPatterns(settings.stateMachines, settings.policy.statuses);
    const ruleNamePrefix = Names.uniqueResourceName(this, { maxLength: RULE_NAME_PREFIX_LENGTH });
    const delays = settings.policy.backoff.kind !== 'NONE';

    this.deadLetterQueue = settings.deadLetterQueue ?? this.createDeadLetterQueue(settings.deadLetterQueueEncryptionKey);
    this.logGroup = new logs.LogGroup(this, 'HandlerLogs', { retention: settings.logRetention });
    const delayedRedrives = delays ? new DelayedRedrives(this, 'DelayedRedrives') : undefined;
    this.scheduleGroupName = delayedRedrives?.scheduleGroupName;

    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Redrives failed Step Functions executions of the chosen state machines',
    });
    this.logGroup.grantWrite(role);
    this.deadLetterQueue.grantSendMessages(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['events:DescribeRule'],
      resources: [Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: `${ruleNamePrefix}-*` })],
    }));
    const executionPolicies = this.grantExecutionAccess(role, settings.stateMachines, delays);

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
      environment: handlerEnvironment(this, {
        policy: settings.policy,
        ruleNamePrefix,
        ruleCount: patterns.length,
        deadLetterQueue: this.deadLetterQueue,
        delayedRedrives: delayedRedrives && {
          scheduleGroupName: delayedRedrives.scheduleGroupName,
          schedulerRoleArn: delayedRedrives.schedulerRole.roleArn,
        },
      }),
    });
    executionPolicies.forEach((policy) => handler.node.addDependency(policy));
    handler.configureAsyncInvoke({
      retryAttempts: HANDLER_RETRY_ATTEMPTS,
      maxEventAge: HANDLER_MAX_EVENT_AGE,
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });
    delayedRedrives?.wire(handler, role, this.deadLetterQueue);
    this.acknowledgeHandlerFindings(handler, role);
    this.handler = handler;

    this.rules = patterns.map((eventPattern, index) =>
      new events.Rule(this, index === 0 ? 'Rule' : `Rule${index + 1}`, {
        ruleName: ruleName(ruleNamePrefix, index),
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
   * `states:RedriveExecution` (and, when redrives can be delayed, `states:DescribeExecution`) on the
   * executions of the chosen state machines, and nothing else. In customer managed policies of at
   * most 6,144 characters each, so any number of state machines fits.
   */
  private grantExecutionAccess(role: iam.IRole, stateMachines: WatchedStateMachine[], delays: boolean): iam.ManagedPolicy[] {
    const stack = Stack.of(this);
    const executionArn = (machine: WatchedStateMachine) => stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${machine.name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const actions = delays ? ['states:RedriveExecution', 'states:DescribeExecution'] : ['states:RedriveExecution'];
    return redrivePolicyGroups(stateMachines).map((group, index) => {
      const policy = new iam.ManagedPolicy(this, index === 0 ? 'RedrivePolicy' : `RedrivePolicy${index + 1}`, {
        description: 'Lets AutoRedrive redrive executions of the state machines it watches',
        roles: [role],
        statements: [new iam.PolicyStatement({ actions, resources: group.map(executionArn) })],
      });
      acknowledgeNagFindings(policy, [{
        id: 'AwsSolutions-IAM5',
        reason: 'Execution names are chosen when executions start; each wildcard covers the executions of one watched state machine only.',
        appliesToRegex: '/^Resource::arn:.+:states:.+:execution:[^*]+:\\*$/',
      }]);
      return policy;
    });
  }

  private acknowledgeHandlerFindings(handler: lambda.Function, role: iam.Role): void {
    acknowledgeNagFindings(role.node.findChild('DefaultPolicy'), [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'DescribeRule on the rules this construct names (prefix-N), and CreateSchedule in the one schedule group it owns.',
        appliesToRegex: '/^Resource::arn:.+:(events:.+:rule\\/[^*]+-|scheduler:.+:schedule\\/[^*]+\\/)\\*$/',
      },
      ...(this.deadLetterQueue.encryptionMasterKey ? [{
        id: 'AwsSolutions-IAM5',
        reason: 'Sending to a KMS-encrypted dead-letter queue needs these KMS actions, on that one key only (the SQS grant of aws-cdk-lib).',
        appliesToRegex: '/^Action::kms:(ReEncrypt|GenerateDataKey)\\*$/',
      }] : []),
    ]);
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
  }
}
