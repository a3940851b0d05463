import * as path from 'path';
import { Annotations, ArnFormat, Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AutoRedriveProps } from './auto-redrive-props';
import { AutoRedriveAlarms, ALARM_PERIOD } from './private/alarms';
import { LIBRARY_SOURCE, MetricName, OutcomeDetailType, ruleName } from './shared/contract';
import { createDashboard } from './private/dashboard';
import { DelayedRedrives } from './private/delayed-redrives';
import { failedExecutionPatterns } from './private/event-patterns';
import { handlerEnvironment } from './private/handler-environment';
import { acknowledgeNagFindings } from './private/nag-acknowledgements';
import { outcomeRule } from './private/outcome-rule';
import { redrivePolicyGroups } from './private/redrive-policy-groups';
import { resolveProps } from './private/resolve-props';
import { grantSendOnly, QueueDestination } from './private/send-to-queue';
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

  /** Alarms when the dead-letter queue holds a message. Undefined when `alarms` is false. */
  public readonly deadLetterQueueAlarm?: cloudwatch.IAlarm;

  /** Alarms when an execution failed again after `maxRedrives` redrives. Undefined when `alarms` is false. */
  public readonly exhaustedAlarm?: cloudwatch.IAlarm;

  /** Alarms when the handler fails an invocation. Undefined when `alarms` is false. */
  public readonly handlerErrorsAlarm?: cloudwatch.IAlarm;

  /** The dashboard, when `dashboard` is true. */
  public readonly dashboard?: cloudwatch.Dashboard;

  /** The event bus outcome events are published to. */
  public readonly outcomeEventBus: events.IEventBus;

  /**
   * The construct's unique name: the `service` dimension of its metrics and logs, and the
   * `autoRedrive` field of its outcome events.
   */
  public readonly autoRedriveName: string;

  private readonly metricsNamespace: string;
  private readonly alarms?: AutoRedriveAlarms;

  constructor(scope: Construct, id: string, props: AutoRedriveProps) {
    super(scope, id);
    const settings = resolveProps(this, props);
    const patterns = failedExecutionPatterns(settings.stateMachines, settings.policy.statuses);
    const ruleNamePrefix = Names.uniqueResourceName(this, { maxLength: RULE_NAME_PREFIX_LENGTH });
    const delays = settings.policy.backoff.kind !== 'NONE';
    this.autoRedriveName = ruleNamePrefix;
    this.metricsNamespace = settings.metricsNamespace;
    this.outcomeEventBus = props.outcomeEventBus ?? events.EventBus.fromEventBusName(this, 'DefaultEventBus', 'default');

    this.deadLetterQueue = settings.deadLetterQueue ?? this.createDeadLetterQueue(settings.deadLetterQueueEncryptionKey);
    this.logGroup = new logs.LogGroup(this, 'HandlerLogs', { retention: settings.logRetention });
    const delayedRedrives = delays ? new DelayedRedrives(this, 'DelayedRedrives') : undefined;
    this.scheduleGroupName = delayedRedrives?.scheduleGroupName;

    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Redrives failed Step Functions executions of the chosen state machines',
    });
    this.logGroup.grantWrite(role);
    grantSendOnly(this.deadLetterQueue, role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['events:DescribeRule'],
      resources: [Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: `${ruleNamePrefix}-*` })],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['events:PutEvents'],
      resources: [this.outcomeEventBus.eventBusArn],
      conditions: { StringEquals: { 'events:source': LIBRARY_SOURCE } },
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
      tracing: settings.tracing ? lambda.Tracing.ACTIVE : undefined,
      environment: handlerEnvironment(this, {
        name: this.autoRedriveName,
        outcomeEventBusName: this.outcomeEventBus.eventBusName,
        metricsNamespace: settings.metricsNamespace,
        tracing: settings.tracing,
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
      onFailure: new QueueDestination(this.deadLetterQueue),
    });
    delayedRedrives?.wire(handler, role, this.deadLetterQueue);
    this.acknowledgeHandlerFindings(handler, role, settings.tracing);
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

    if (settings.alarms) {
      this.alarms = new AutoRedriveAlarms(this, 'Alarms', {
        deadLetterQueueDepth: this.metricDeadLetterQueueDepth(),
        redrivesExhausted: this.metricRedrivesExhausted({ period: ALARM_PERIOD }),
        handlerErrors: handler.metricErrors({ period: ALARM_PERIOD }),
      });
      this.deadLetterQueueAlarm = this.alarms.deadLetterQueue;
      this.exhaustedAlarm = this.alarms.exhausted;
      this.handlerErrorsAlarm = this.alarms.handlerErrors;
    }
    if (settings.dashboard) {
      this.dashboard = createDashboard(this, 'Dashboard', {
        outcomes: [
          this.metricRedrivesStarted(), this.metricRedrivesScheduled(), this.metricRedrivesSkipped(),
          this.metricRedrivesExhausted(), this.metricRedriveFailures(), this.metricBadEvents(),
        ],
        deadLetterQueueDepth: this.metricDeadLetterQueueDepth(),
        handlerErrors: handler.metricErrors(),
        stateMachineArns: settings.stateMachines.map((machine) => machine.arn),
      });
    }
  }

  /**
   * Adds actions (a page, a ticket) to every alarm the construct created. Does nothing when
   * `alarms` is false.
   */
  public addAlarmActions(...actions: cloudwatch.IAlarmAction[]): void {
    for (const alarm of this.alarms?.all ?? []) alarm.addAlarmAction(...actions);
  }

  /** A rule matching this construct's `Redrive Started` events: an execution was redriven. */
  public onRedriveStarted(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, [OutcomeDetailType.STARTED], options);
  }

  /** A rule matching this construct's `Redrive Scheduled` events: a redrive was put off by the backoff. */
  public onRedriveScheduled(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, [OutcomeDetailType.SCHEDULED], options);
  }

  /** A rule matching this construct's `Redrive Skipped` events: the policy did not allow a redrive. */
  public onRedriveSkipped(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, [OutcomeDetailType.SKIPPED], options);
  }

  /** A rule matching this construct's `Redrive Exhausted` events: an execution failed again after `maxRedrives` redrives. */
  public onRedriveExhausted(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, [OutcomeDetailType.EXHAUSTED], options);
  }

  /** A rule matching this construct's `Redrive Failed` events: the handler could not handle an event. */
  public onRedriveFailed(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, [OutcomeDetailType.FAILED], options);
  }

  /** A rule matching every outcome event of this construct. */
  public onOutcome(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, Object.values(OutcomeDetailType), options);
  }

  /** Executions redriven, counted when RedriveExecution succeeded. Sum over 5 minutes unless told. */
  public metricRedrivesStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.STARTED, props);
  }

  /** Redrives put off by the backoff (a schedule was created). Sum over 5 minutes unless told. */
  public metricRedrivesScheduled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.SCHEDULED, props);
  }

  /**
   * Events the policy did not redrive, exhausted ones included. Also published with a `Reason`
   * dimension: pass `dimensionsMap: { Reason: 'ERROR_NOT_ALLOWED' }`. Sum over 5 minutes unless told.
   */
  public metricRedrivesSkipped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.SKIPPED, props);
  }

  /** Executions that failed again after `maxRedrives` redrives. Sum over 5 minutes unless told. */
  public metricRedrivesExhausted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.EXHAUSTED, props);
  }

  /** Redrives that failed: rejected ones (dead-lettered) and failed attempts (retried). Sum over 5 minutes unless told. */
  public metricRedriveFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.FAILURES, props);
  }

  /** Events that did not have the documented shape (dead-lettered). Sum over 5 minutes unless told. */
  public metricBadEvents(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.BAD_EVENTS, props);
  }

  /** Messages waiting in the dead-letter queue. Maximum over 1 minute unless told. */
  public metricDeadLetterQueueDepth(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * One of the handler's metrics, for this construct (dimension `service`). Sum over 5 minutes
   * unless told.
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricsNamespace,
      metricName,
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
      dimensionsMap: { service: this.autoRedriveName, ...props?.dimensionsMap },
    });
  }

  private onOutcomes(id: string, detailTypes: string[], options?: events.OnEventOptions): events.Rule {
    return outcomeRule(this, id, this.outcomeEventBus, this.autoRedriveName, detailTypes, options);
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

  private acknowledgeHandlerFindings(handler: lambda.Function, role: iam.Role, tracing: boolean): void {
    acknowledgeNagFindings(role.node.findChild('DefaultPolicy'), [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'DescribeRule on the rules this construct names (prefix-N), and CreateSchedule in the one schedule group it owns.',
        appliesToRegex: '/^Resource::arn:.+:(events:.+:rule\\/[^*]+-|scheduler:.+:schedule\\/[^*]+\\/)\\*$/',
      },
      ...(tracing ? [{
        id: 'AwsSolutions-IAM5',
        reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource but *.',
        appliesToRegex: '/^Resource::\\*$/',
      }] : []),
    ]);
    acknowledgeNagFindings(handler, [
      {
        id: 'Serverless-LambdaDLQ',
        reason: 'Failed asynchronous invocations go to the dead-letter queue through an on-failure destination, which keeps the error with the event.',
      },
      ...(tracing ? [] : [{
        id: 'Serverless-LambdaTracing',
        reason: 'Tracing is opt-in (the tracing prop): the handler makes one or two AWS calls per event, and its log line and outcome event record each decision.',
      }]),
    ]);
  }
}
