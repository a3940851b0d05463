import { Duration, Names, Tags, Tokenization } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AutoRedriveProps } from './auto-redrive-props';
import { AutoRedriveAlarms, ALARM_PERIOD } from './private/alarms';
import { createDashboard } from './private/dashboard';
import { createDeadLetterQueue } from './private/dead-letter-queue';
import { DelayedRedrives } from './private/delayed-redrives';
import { failedExecutionRules } from './private/failed-execution-rules';
import { IntakeQueue } from './private/intake-queue';
import { letMapRunsBeRedriven } from './private/map-run-redrive';
import { outcomeRule } from './private/outcome-rule';
import { HANDLER_TIMEOUT, RedriveHandler } from './private/redrive-handler';
import { resolveProps } from './private/resolve-props';
import { createSweepSchedule } from './private/sweep-schedule';
import { validateTemplateLimits } from './private/template-limits';
import { warnWhenWatchedTwice } from './private/watched-twice';
import { DeadLetterQueueTag, MetricName, OutcomeDetailType } from './shared/contract';

/**
 * The longest `autoRedriveName`. 58, the room rule names once left for it, so that the names of
 * existing constructs (their metrics' `service` dimension) do not change.
 */
const AUTO_REDRIVE_NAME_MAX_LENGTH = 58;

/**
 * Redrives failed executions of Standard state machines automatically, under a policy.
 *
 * An EventBridge rule matches the "Step Functions Execution Status Change" events of failed,
 * redrivable executions of the chosen state machines (a list, name prefixes, or every state machine
 * of the account and Region) and sends them to an SQS intake queue. A handler, fed from the queue
 * in batches with a cap on its concurrency, applies the policy and calls RedriveExecution with an
 * idempotency token, at once or, with a backoff, from a one-time schedule that sends the redrive
 * back to the queue when it is due, so a duplicated or retried event never redrives twice. Events
 * that cannot be handled end in the dead-letter queue. A recurring sweep (on by default) finds the
 * failures whose events were missed and sends them through the same queue and path.
 *
 * At synth time the construct also checks that the stack stays within CloudFormation's 500
 * resources, and warns when another AutoRedrive of the app watches one of the
 * same state machines. A watched state machine of the app with a Distributed Map gets the
 * permission its role needs to redrive its Map Runs, when its role lacks it.
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import * as targets from 'aws-cdk-lib/aws-events-targets';
 * import { AutoRedrive, Backoff } from 'cdk-stepfunctions-redrive';
 *
 * const fiveMinutes = Backoff.fixed(Duration.minutes(5));
 * const redrive = new AutoRedrive(this, 'AutoRedrive', { stateMachines: [orders, payments], backoff: fiveMinutes });
 * redrive.onExhausted('OpenTicket', { target: new targets.SnsTopic(ticketsTopic) });
 *
 * @stability experimental
 */
export class AutoRedrive extends Construct {
  /**
   * The rules that match failed executions.
   *
   * More than one when the state machines or name prefixes are too many for one event pattern.
   */
  public readonly rules: events.IRule[];

  /** The function that decides and redrives. */
  public readonly handler: lambda.IFunction;

  /**
   * The queue every automatic trigger enters through: failure events, due schedules and the sweep.
   *
   * The handler receives from it in batches, at most `maxConcurrency` invocations at once.
   */
  public readonly intakeQueue: sqs.IQueue;

  /** The queue that keeps every event that could not be handled, with its error. */
  public readonly deadLetterQueue: sqs.IQueue;

  /** The handler's log group: the one given, or the one the construct created. */
  public readonly logGroup: logs.ILogGroup;

  /**
   * The EventBridge Scheduler schedule group that holds the handler's one-time schedules until they are due.
   *
   * Redrives delayed by the backoff wait there, and so do checks and redrives put off because Step
   * Functions throttled them: the group exists in every configuration, no backoff included.
   */
  public readonly scheduleGroupName: string;

  /** Alarms when the dead-letter queue holds a message. None when the alarms are turned off. */
  public readonly deadLetterQueueAlarm?: cloudwatch.IAlarm;

  /** Alarms when an execution failed again after its maximum redrives. None when the alarms are turned off. */
  public readonly exhaustedAlarm?: cloudwatch.IAlarm;

  /** Alarms when the handler fails an invocation. None when the alarms are turned off. */
  public readonly handlerErrorsAlarm?: cloudwatch.IAlarm;

  /**
   * Alarms when the intake queue's oldest message has waited 15 minutes: the handler is stuck or far
   * behind a storm. None when the alarms are turned off.
   */
  public readonly intakeAgeAlarm?: cloudwatch.IAlarm;

  /** The dashboard, when one was asked for. */
  public readonly dashboard?: cloudwatch.Dashboard;

  /**
   * The event bus outcome events go to, and the outcome rule methods make their rules on: the one
   * given, or the account's default event bus. Set in every configuration; the handler publishes
   * to it only once outcome events are turned on.
   */
  public readonly outcomeEventBus: events.IEventBus;

  /**
   * The construct's unique name: the `service` dimension of its metrics and logs, and the
   * `autoRedrive` field of its outcome events.
   */
  public readonly autoRedriveName: string;

  private readonly metricsNamespace: string;
  private readonly alarms?: AutoRedriveAlarms;
  private readonly redriveHandler: RedriveHandler;

  constructor(scope: Construct, id: string, props: AutoRedriveProps) {
    super(scope, id);
    const settings = resolveProps(this, props);
    this.autoRedriveName = Names.uniqueResourceName(this, { maxLength: AUTO_REDRIVE_NAME_MAX_LENGTH });
    this.metricsNamespace = settings.metricsNamespace;
    this.outcomeEventBus = props.outcomeEventBus ?? events.EventBus.fromEventBusName(this, 'DefaultEventBus', 'default');
    this.deadLetterQueue = props.deadLetterQueue ?? createDeadLetterQueue(this, 'DeadLetterQueue', props.encryptionKey);
    const intake = new IntakeQueue(this, 'Intake', {
      deadLetterQueue: this.deadLetterQueue,
      encryptionKey: props.encryptionKey,
      handlerTimeout: HANDLER_TIMEOUT,
    });
    this.intakeQueue = intake.queue;
    // What `replay` reads of the construct: nothing else tells it, and the queue may be shared. A queue you imported is not tagged.
    Tags.of(this.deadLetterQueue).add(DeadLetterQueueTag.MAX_REDRIVES, Tokenization.stringifyNumber(settings.policy.maxRedrives));
    Tags.of(this.deadLetterQueue).add(DeadLetterQueueTag.INTAKE_QUEUE, intake.queueName);

    const delayedRedrives = new DelayedRedrives(this, 'DelayedRedrives', { deadLetterQueue: this.deadLetterQueue, intake });
    this.scheduleGroupName = delayedRedrives.scheduleGroupName;

    const handler = new RedriveHandler(this, 'Handler', {
      name: this.autoRedriveName,
      selection: settings.selection,
      policy: settings.policy,
      deadLetterQueue: this.deadLetterQueue,
      delayedRedrives,
      outcomeEventBus: this.outcomeEventBus,
      metricsNamespace: settings.metricsNamespace,
      runtime: settings.runtime,
      reservedConcurrentExecutions: settings.reservedConcurrentExecutions,
      intake,
      maxConcurrency: settings.maxConcurrency,
      logGroup: props.logGroup,
      logRetention: settings.logRetention,
      tracing: settings.tracing,
      detailedMetrics: settings.detailedMetrics,
      sweep: settings.sweep.enabled,
    });
    this.redriveHandler = handler;
    if (settings.outcomeEvents) handler.publishOutcomeEvents();
    this.handler = handler.function;
    this.logGroup = handler.logGroup;

    this.rules = failedExecutionRules(this, {
      selection: settings.selection,
      statuses: settings.policy.statuses,
      intake,
    });

    if (settings.sweep.enabled) {
      createSweepSchedule(this, 'Sweep', {
        sweep: settings.sweep,
        selection: settings.selection,
        statuses: settings.policy.statuses,
        intakeQueue: this.intakeQueue,
        delayedRedrives,
        deadLetterQueue: this.deadLetterQueue,
      });
    }

    if (settings.alarms) {
      this.alarms = new AutoRedriveAlarms(this, 'Alarms', {
        deadLetterQueueDepth: this.metricDeadLetterQueueDepth(),
        redrivesExhausted: this.metricExhausted({ period: ALARM_PERIOD }),
        handlerErrors: this.handler.metricErrors({ period: ALARM_PERIOD }),
        intakeAge: this.metricIntakeQueueOldestMessageAge({ period: ALARM_PERIOD }),
      });
      this.deadLetterQueueAlarm = this.alarms.deadLetterQueue;
      this.exhaustedAlarm = this.alarms.exhausted;
      this.handlerErrorsAlarm = this.alarms.handlerErrors;
      this.intakeAgeAlarm = this.alarms.intakeAge;
    }
    if (settings.dashboard) {
      this.dashboard = createDashboard(this, 'Dashboard', {
        outcomes: [
          this.metricRedriven(), this.metricScheduled(), this.metricSkipped(),
          this.metricExhausted(), this.metricFailed(), this.metricBadEvents(),
        ],
        deadLetterQueueDepth: this.metricDeadLetterQueueDepth(),
        handlerErrors: this.handler.metricErrors(),
        intakeAge: this.metricIntakeQueueOldestMessageAge(),
        stateMachineArns: settings.selection.stateMachineArns,
      });
    }

    warnWhenWatchedTwice(this, settings.selection);
    letMapRunsBeRedriven(this, settings.selection);
    validateTemplateLimits(this, { advice: settings.selection.templateAdvice });
  }

  /**
   * Adds actions (a page, a ticket) to every alarm the construct created. Does nothing when the
   * alarms are turned off.
   */
  public addAlarmActions(...actions: cloudwatch.IAlarmAction[]): void {
    for (const alarm of this.alarms?.all ?? []) alarm.addAlarmAction(...actions);
  }

  /**
   * A rule matching this construct's `Execution Redriven` events: an execution was redriven.
   *
   * Calling it turns on outcome events, as the outcome events property does: it adds
   * `events:PutEvents` on the outcome event bus (for the source `cdk-stepfunctions-redrive` only) to
   * the handler's role, and sets the handler's environment variable `AUTO_REDRIVE_OUTCOME_EVENTS` to
   * `true`, so that the handler publishes an outcome event, one PutEvents call, after every
   * decision. Calling several of these methods turns them on once. The rule is made on the outcome
   * event bus.
   */
  public onRedriven(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, [OutcomeDetailType.REDRIVEN], options);
  }

  /**
   * A rule matching this construct's `Redrive Scheduled` events: a redrive was scheduled for later,
   * delayed by the backoff or put off because Step Functions throttled it (the event's
   * `scheduleReason` is `BACKOFF` or `THROTTLED`).
   *
   * Calling it turns on outcome events, as the outcome events property does: it adds
   * `events:PutEvents` on the outcome event bus (for the source `cdk-stepfunctions-redrive` only) to
   * the handler's role, and sets the handler's environment variable `AUTO_REDRIVE_OUTCOME_EVENTS` to
   * `true`, so that the handler publishes an outcome event, one PutEvents call, after every
   * decision. Calling several of these methods turns them on once. The rule is made on the outcome
   * event bus.
   */
  public onScheduled(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, [OutcomeDetailType.SCHEDULED], options);
  }

  /**
   * A rule matching this construct's `Redrive Skipped` events: an execution was not redriven, for a
   * reason other than exhaustion (the event's `reason`: the policy's status or error filter, a dry
   * run, an execution already redriven or no longer redrivable, ...).
   *
   * Calling it turns on outcome events, as the outcome events property does: it adds
   * `events:PutEvents` on the outcome event bus (for the source `cdk-stepfunctions-redrive` only) to
   * the handler's role, and sets the handler's environment variable `AUTO_REDRIVE_OUTCOME_EVENTS` to
   * `true`, so that the handler publishes an outcome event, one PutEvents call, after every
   * decision. Calling several of these methods turns them on once. The rule is made on the outcome
   * event bus.
   */
  public onSkipped(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, [OutcomeDetailType.SKIPPED], options);
  }

  /**
   * A rule matching this construct's `Redrive Exhausted` events: an execution failed again after its maximum redrives.
   *
   * Calling it turns on outcome events, as the outcome events property does: it adds
   * `events:PutEvents` on the outcome event bus (for the source `cdk-stepfunctions-redrive` only) to
   * the handler's role, and sets the handler's environment variable `AUTO_REDRIVE_OUTCOME_EVENTS` to
   * `true`, so that the handler publishes an outcome event, one PutEvents call, after every
   * decision. Calling several of these methods turns them on once. The rule is made on the outcome
   * event bus.
   */
  public onExhausted(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, [OutcomeDetailType.EXHAUSTED], options);
  }

  /**
   * A rule matching this construct's `Redrive Failed` events: the handler could not handle a trigger.
   * The event's `final` is `true` when the trigger is in the dead-letter queue, `false` when it
   * returns to the intake queue to be retried.
   *
   * Calling it turns on outcome events, as the outcome events property does: it adds
   * `events:PutEvents` on the outcome event bus (for the source `cdk-stepfunctions-redrive` only) to
   * the handler's role, and sets the handler's environment variable `AUTO_REDRIVE_OUTCOME_EVENTS` to
   * `true`, so that the handler publishes an outcome event, one PutEvents call, after every
   * decision. Calling several of these methods turns them on once. The rule is made on the outcome
   * event bus.
   */
  public onFailed(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, [OutcomeDetailType.FAILED], options);
  }

  /**
   * A rule matching every outcome event of this construct.
   *
   * Calling it turns on outcome events, as the outcome events property does: it adds
   * `events:PutEvents` on the outcome event bus (for the source `cdk-stepfunctions-redrive` only) to
   * the handler's role, and sets the handler's environment variable `AUTO_REDRIVE_OUTCOME_EVENTS` to
   * `true`, so that the handler publishes an outcome event, one PutEvents call, after every
   * decision. Calling several of these methods turns them on once. The rule is made on the outcome
   * event bus.
   */
  public onOutcome(id: string, options?: events.OnEventOptions): events.Rule {
    return this.onOutcomes(id, Object.values(OutcomeDetailType), options);
  }

  /** Executions redriven, counted when RedriveExecution succeeded. Sum over 5 minutes unless told. */
  public metricRedriven(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.REDRIVEN, props);
  }

  /**
   * Redrives delayed by the backoff: each got a one-time schedule that redrives it when it is due.
   * Sum over 5 minutes unless told. Checks and redrives put off because Step Functions throttled them
   * are counted apart (`metricPutOff`).
   */
  public metricScheduled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.SCHEDULED, props);
  }

  /**
   * Triggers skipped, not redriven, whatever the reason, exhausted ones included. Sum over 5 minutes
   * unless told.
   *
   * With detailed metrics, also published per skip reason (dimension `Reason`, beside `service`,
   * and with `StateMachine` too): add the dimension `Reason` with the value `ERROR_NOT_ALLOWED` to
   * the metric options' dimensions for one reason. Without detailed metrics, the `Reason` dimension
   * does not exist and such a metric has no data.
   */
  public metricSkipped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.SKIPPED, props);
  }

  /**
   * Checks and redrives put off because Step Functions throttled them past the SDK's retries: each
   * got a one-time schedule, a little later, that sends it through the same path again. Sum over 5
   * minutes unless told.
   *
   * A few are normal in a storm. A steady count means the handler and the account's other callers
   * use up the Step Functions quotas between them: see the max concurrency property, and the
   * sweep's quota share.
   */
  public metricPutOff(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.PUT_OFF, props);
  }

  /** Executions that failed again after their maximum redrives. Sum over 5 minutes unless told. */
  public metricExhausted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.EXHAUSTED, props);
  }

  /**
   * Triggers the handler could not handle: redrives Step Functions rejected (dead-lettered at once)
   * and attempts that failed (returned to the intake queue, retried). Sum over 5 minutes unless told.
   */
  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.FAILED, props);
  }

  /** Events that did not have the documented shape (dead-lettered). Sum over 5 minutes unless told. */
  public metricBadEvents(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.BAD_EVENTS, props);
  }

  /**
   * Outcome events the handler could not publish: PutEvents failed, the decision stands, and a
   * warning log line says which event was lost. Sum over 5 minutes unless told.
   *
   * Published with the `service` dimension only, with or without detailed metrics, and only while
   * outcome events are on (the outcome events property, or an outcome rule method).
   */
  public metricOutcomeEventFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MetricName.OUTCOME_EVENT_FAILURES, props);
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
   * Seconds the intake queue's oldest message has waited. Maximum over 1 minute unless told.
   *
   * It grows when the handler is stuck or far behind a storm: every automatic trigger waits in the
   * intake queue until the handler receives it.
   */
  public metricIntakeQueueOldestMessageAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.intakeQueue.metricApproximateAgeOfOldestMessage({
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * One of the handler's metrics by its name, for this construct (dimension `service`). Sum over 5
   * minutes unless told. The names are `Redriven`, `Scheduled`, `PutOff`, `Skipped`, `Exhausted`,
   * `Failed`, `BadEvents` and `OutcomeEventFailures`, each with its own method. With detailed
   * metrics, the handler also publishes each of them but `OutcomeEventFailures` per state machine
   * (dimension `StateMachine`, beside `service`), and skips per reason (`Reason`).
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
    this.redriveHandler.publishOutcomeEvents();
    return outcomeRule(this, id, this.outcomeEventBus, this.autoRedriveName, detailTypes, options);
  }
}
