import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Backoff } from './backoff';
import { ErrorFilter } from './error-filter';
import { RedrivableStatus } from './redrivable-status';
import { Sweep } from './sweep';

/**
 * Properties of an AutoRedrive.
 *
 * Choose the state machines to watch with exactly one of three properties: the state machines themselves, name
 * prefixes, or every state machine of the account and Region. Every other property has a default.
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import { AutoRedrive, AutoRedriveProps, Backoff, RedrivableStatus } from 'cdk-stepfunctions-redrive';
 *
 * const tenMinutes = Backoff.fixed(Duration.minutes(10));
 * const failedOnly = RedrivableStatus.FAILED;
 * const props: AutoRedriveProps = {
 *   stateMachineNamePrefixes: ['orders-', 'payments-'],
 *   maxRedrives: 5,
 *   statuses: [failedOnly],
 *   backoff: tenMinutes,
 *   dryRun: true,
 * };
 * new AutoRedrive(this, 'AutoRedrive', props);
 *
 * @stability experimental
 */
export interface AutoRedriveProps {
  /**
   * The Standard state machines whose failed executions are redriven. Pass the state machines
   * themselves, not the ARN of an alias or version: executions are named after the state machine.
   * They must be in the same account and Region as the stack (checked at synth time where both are
   * known); Express state machines cannot be redriven.
   *
   * Give exactly one of the state machines, state machine name prefixes and all state machines
   * properties. Each listed state machine takes room in the handler's IAM policies: a list that needs
   * more customer managed policies than IAM attaches to one role by default (10) is refused at synth
   * time. For hundreds of state machines, or ones created later, watch them by name prefix instead.
   *
   * A listed state machine with a Distributed Map (at any depth) needs its own role to allow
   * `states:RedriveExecution` on `execution:<name>/*:*`, or a redrive fails again at the Map Run.
   * When the state machine is defined in the app with an IAM role of the app that lacks it, the
   * construct grants it in a policy beside the state machine; when it cannot (an imported state
   * machine or role, a definition kept in S3), it warns at synth time with the statement to add.
   *
   * @default - none: watch by name prefix or all state machines instead
   */
  readonly stateMachines?: sfn.IStateMachine[];

  /**
   * Watch every Standard state machine of the stack's account and Region whose name starts with
   * one of these prefixes, including state machines created after the deployment.
   *
   * Each prefix keeps Step Functions' naming rules for names (1 to 80 characters; no white space,
   * no control characters, none of the characters Step Functions refuses in names, such as `?`,
   * `*`, `:` and `/`) and must be known at synth time: the rules match the prefix of the event's
   * state machine ARN, and the handler may redrive and describe the executions
   * `execution:<prefix>*:*` only. Duplicates, and prefixes that another prefix in the list already
   * covers, are dropped.
   *
   * The state machines of the app (in a stack of the same account and Region) whose name is known
   * at synth time and starts with a prefix get the Distributed Map permission described under the
   * state machines property, as if they were listed; state machines outside the app, or with a
   * generated name, do not, and are not warned about.
   *
   * Give exactly one of the state machines, state machine name prefixes and all state machines
   * properties.
   *
   * @default - none: list the state machines or watch all state machines instead
   */
  readonly stateMachineNamePrefixes?: string[];

  /**
   * Watch every Standard state machine of the stack's account and Region, including state machines
   * created after the deployment. The handler may then redrive and describe any execution of the
   * account and Region.
   *
   * Every state machine of the app in a stack of the same account and Region gets the Distributed
   * Map permission described under the state machines property, as if it were listed; state
   * machines outside the app do not, and are not warned about.
   *
   * Give exactly one of the state machines, state machine name prefixes and all state machines
   * properties.
   *
   * @default - false: only the listed state machines, or those with one of the name prefixes
   */
  readonly allStateMachines?: boolean;

  /**
   * How many times one execution may be redriven, counting redrives made by anyone. An event
   * whose execution has already been redriven this many times is skipped as exhausted.
   *
   * Between 1 and 1,000.
   *
   * @default - three redrives
   */
  readonly maxRedrives?: number;

  /**
   * Which execution statuses are redriven.
   *
   * @default - FAILED and TIMED_OUT: an ABORTED execution was usually stopped on purpose
   */
  readonly statuses?: RedrivableStatus[];

  /**
   * Which execution errors are redriven.
   *
   * @default - every error except those the same state would raise again on a redrive
   * (States.Runtime, States.DataLimitExceeded, ...): the error filter "all except unfixable"
   */
  readonly errorFilter?: ErrorFilter;

  /**
   * How long to wait before a redrive. Waiting lets the outage that failed the execution end
   * before the redrive spends one of the maximum redrives; jitter spreads the redrives of many
   * executions that failed together. Delays are kept by one-time EventBridge Scheduler schedules:
   * no compute waits.
   *
   * @default - exponential backoff from 1 minute to 1 hour, doubling, with jitter: about 1, 2 and 4
   * minutes (drawn from the upper half of each) for the first three redrives
   */
  readonly backoff?: Backoff;

  /**
   * Decide and log what would be done, but never call RedriveExecution.
   *
   * @default - false: executions are redriven
   */
  readonly dryRun?: boolean;

  /**
   * A recurring sweep for failures whose Step Functions events were missed (EventBridge delivers
   * them on a best-effort basis): an EventBridge Scheduler schedule that has the handler list the
   * stopped executions (of the redriven statuses) of the watched state machines over a bounded
   * look-back and send each through the same checks, policy, idempotency tokens and reports as an
   * event.
   *
   * It grants the handler `states:ListExecutions` on the watched state machines and, when they are
   * watched by name prefix or all of them are, `states:ListStateMachines`. With listed state
   * machines, each one's ARN takes room in the handler's IAM policies too.
   *
   * @default - a sweep every hour, looking back three hours, with half of the ListExecutions and
   * DescribeExecution quotas
   */
  readonly sweep?: Sweep;

  /**
   * The queue that keeps every trigger that could not be handled.
   *
   * It receives intake messages that failed their receives, events EventBridge could not deliver,
   * schedules EventBridge Scheduler could not send, and events the handler rejected, with the error.
   * If you bring your own, it must not use the AWS managed key `aws/sqs`, which EventBridge cannot
   * use, and its policy must let EventBridge send to it from the construct's rules.
   *
   * @default - a queue the construct creates: SSE-SQS (or the encryption key), TLS enforced,
   * 14-day retention
   */
  readonly deadLetterQueue?: sqs.IQueue;

  /**
   * A customer managed key for the queues the construct creates.
   *
   * It encrypts the intake queue and, unless you bring your own, the dead-letter queue. EventBridge
   * is allowed to use it in its key policy, and the roles that send or receive are granted its use.
   *
   * @default - SSE-SQS, encryption with keys SQS owns
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The handler's runtime: Node.js 22 or later.
   *
   * @default - the newest Node.js runtime the installed aws-cdk-lib knows, Node.js 22 or later
   */
  readonly runtime?: lambda.Runtime;

  /**
   * The most handler invocations at once.
   *
   * The intake queue's event source mapping scales up to this many (its
   * `ScalingConfig.MaximumConcurrency`, 2 to 1,000), each with a batch of up to 10 messages. It caps
   * every automatic trigger (failure events, due schedules, the sweep) and so the handler's share of
   * the Step Functions quotas, without reserving any of the account's Lambda concurrency. What waits
   * stays in the intake queue.
   *
   * @default - 3 invocations at once
   */
  readonly maxConcurrency?: number;

  /**
   * Reserved concurrency for the handler, opt-in.
   *
   * It guarantees the handler this much of the account's Lambda concurrency, and takes it from every
   * other function for good. Accounts whose concurrency limit is 10 or 50 (new and small accounts)
   * cannot reserve any, since Lambda keeps 100 unreserved: there, `cdk deploy` fails with "Specified
   * ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution
   * below its minimum value of [10]". The intake queue's `maxConcurrency` already caps the handler,
   * so reserve only to guarantee it room, and keep it at least `maxConcurrency`, or Lambda throttles
   * the event source mapping.
   *
   * @default - none: the handler shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * The log group the handler writes to, when you bring your own: for your own retention,
   * encryption, removal policy or name. The handler's role is granted to write to it.
   *
   * Give either this or the log retention property, not both.
   *
   * @default - a log group the construct creates, kept for the log retention (one month unless
   * told), and retained when the stack is deleted
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * How long the log group the construct creates keeps the handler's logs.
   *
   * It applies only to that log group: with your own log group (the log group property), set the
   * retention on it instead, and leave this unset.
   *
   * @default - one month
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Publish an outcome event after every decision, to the outcome event bus.
   *
   * The events have the source `cdk-stepfunctions-redrive` and the detail-types `Execution Redriven`,
   * `Redrive Scheduled`, `Redrive Skipped`, `Redrive Exhausted` and `Redrive Failed`. They cost a
   * PutEvents call per decision, so they are published only when they are wanted: when this is true,
   * or when one of this construct's methods that make a rule for outcome events (on redriven, on
   * scheduled, on skipped, on exhausted, on failed, on outcome) is called, whatever this says.
   * Either way, turning them on adds `events:PutEvents` on the outcome event bus (for the source
   * `cdk-stepfunctions-redrive` only) to the handler's role, and sets the handler's environment
   * variable `AUTO_REDRIVE_OUTCOME_EVENTS` to `true`. Set this when something other than those
   * methods reads the events: a rule you write yourself on the bus, or a bus the events are
   * forwarded to.
   *
   * @default - false: no outcome events, no `events:PutEvents` permission, until one of the
   * construct's outcome rule methods is called
   */
  readonly outcomeEvents?: boolean;

  /**
   * The event bus outcome events go to (see the outcome events property), and the bus the rules of
   * the construct's outcome rule methods are made on.
   *
   * The handler is told the bus in every configuration; it publishes to it, and is allowed to, only
   * once outcome events are turned on.
   *
   * @default - the account's default event bus
   */
  readonly outcomeEventBus?: events.IEventBus;

  /**
   * Publish the handler's metrics per state machine (dimension `StateMachine`) and its skips per
   * reason (dimension `Reason`), besides the per-construct metrics (dimension `service`).
   *
   * Cost: CloudWatch bills every custom metric, that is every combination of metric name and
   * dimension values, for each month it is published. Without this, the handler publishes one
   * metric per metric name, whatever the number of state machines. With it, it adds one metric per watched state
   * machine for each metric name that state machine's events reach, and for skips one per reason
   * that occurs and one per state machine and reason: with hundreds of state machines, thousands of
   * billed metrics. Step Functions' own `AWS/States` metrics (`ExecutionsRedriven`,
   * `RedrivenExecutionsSucceeded`, ...) already count redrives per state machine at no extra cost.
   *
   * @default - false: one metric per metric name
   */
  readonly detailedMetrics?: boolean;

  /**
   * The CloudWatch namespace of the handler's metrics.
   *
   * @default - CdkStepFunctionsRedrive
   */
  readonly metricsNamespace?: string;

  /**
   * Create the construct's four alarms: on the dead-letter queue, on exhausted redrives, on handler
   * errors, and on the age of the intake queue's oldest message. Add actions to them with the
   * construct's add alarm actions method.
   *
   * @default - true: the four alarms, without actions
   */
  readonly alarms?: boolean;

  /**
   * Create a CloudWatch dashboard with the construct's metrics beside the native `AWS/States`
   * redrive metrics of each watched state machine.
   *
   * With listed state machines, the `AWS/States` graphs show each of them. When they are watched by
   * name prefix or all of them are, the watched state machines are known only at
   * run time: the graphs then use a CloudWatch search (`SEARCH` over
   * `{AWS/States,StateMachineArn}`) that shows every state machine of the account and Region that
   * reported the metric in the last two weeks (up to 500), including ones no prefix covers.
   *
   * @default - false: no dashboard
   */
  readonly dashboard?: boolean;

  /**
   * X-Ray tracing for the handler: active, pass-through or disabled, as for any Lambda function.
   *
   * With tracing (active or pass-through), the handler's role gets `xray:PutTraceSegments` and
   * `xray:PutTelemetryRecords`, and each traced invocation carries a `## redrive` subsegment with
   * the annotations `redrive`, `redriveCount`, `executionArn` and the outcome. Pass-through traces
   * only the invocations an upstream service sampled, which the intake queue's triggers seldom are.
   *
   * @default - Tracing.DISABLED: no tracing
   */
  readonly tracing?: lambda.Tracing;
}
