import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DelayedRedrives } from './delayed-redrives';
import { grantExecutionAccess } from './execution-policies';
import { handlerEnvironment } from './handler-environment';
import { IntakeQueue } from './intake-queue';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { Selection } from './selection';
import { grantSendOnly } from './send-to-queue';
import { grantListStateMachines } from './sweep-schedule';
import { ENV, HandlerPolicy, LIBRARY_SOURCE } from '../shared/contract';

const HANDLER_ASSET = path.join(__dirname, '..', '..', 'assets', 'lambda', 'redrive', 'index');
const HANDLER_MEMORY_MB = 256;
/** The handler's timeout: the intake queue's visibility timeout derives from it. */
export const HANDLER_TIMEOUT = Duration.seconds(30);

export interface RedriveHandlerProps {
  /** The AutoRedrive's unique name. */
  readonly name: string;
  readonly selection: Selection;
  readonly policy: HandlerPolicy;
  readonly deadLetterQueue: sqs.IQueue;
  readonly delayedRedrives: DelayedRedrives;
  readonly outcomeEventBus: events.IEventBus;
  readonly metricsNamespace: string;
  readonly runtime: lambda.Runtime;
  /** Opt-in: none unless given. */
  readonly reservedConcurrentExecutions?: number;
  /** The queue every automatic trigger enters through, and the cap on the handler's invocations at once. */
  readonly intake: IntakeQueue;
  readonly maxConcurrency: number;
  /** The log group to write to; none: the handler creates one, kept `logRetention`. */
  readonly logGroup?: logs.ILogGroup;
  readonly logRetention: logs.RetentionDays;
  /** The function's tracing mode; none: no tracing. */
  readonly tracing?: lambda.Tracing;
  /** Publish metrics per state machine and skips per reason. */
  readonly detailedMetrics: boolean;
  /** The sweep is on: the handler may list the watched state machines' executions (and the state machines, for prefixes and all). */
  readonly sweep: boolean;
}

/**
 * The function that decides and redrives, with its role, its log group (the one given, or its own),
 * its environment and every permission it needs, each scoped to what the handler touches: the
 * watched state machines' executions, the intake queue (receive and delete), the dead-letter queue,
 * the schedule group and, once outcome events are wanted (`publishOutcomeEvents()`), the outcome
 * bus (its own source only).
 */
export class RedriveHandler extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.ILogGroup;
  private readonly outcomeEventBus: events.IEventBus;
  private outcomeEventsGrant?: iam.Grant;

  constructor(scope: Construct, id: string, props: RedriveHandlerProps) {
    super(scope, id);
    // Retained when the stack is deleted (the log group's default removal policy): the logs outlive the construct.
    this.logGroup = props.logGroup ?? new logs.LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Redrives failed Step Functions executions of the chosen state machines',
    });
    this.logGroup.grantWrite(this.role);
    grantSendOnly(props.deadLetterQueue, this.role);
    this.outcomeEventBus = props.outcomeEventBus;
    props.delayedRedrives.grantCreateSchedules(this.role);
    const executionPolicies = grantExecutionAccess(this, this.role, props.selection, props.sweep);
    if (props.sweep && props.selection.sweepListsStateMachines) grantListStateMachines(this.role);
    const traced = props.tracing !== undefined && props.tracing !== lambda.Tracing.DISABLED;

    // `Default`: the function keeps the logical ID it had when it was a direct child of AutoRedrive.
    this.function = new lambda.Function(this, 'Default', {
      description: 'Redrives failed Step Functions executions (cdk-stepfunctions-redrive)',
      runtime: props.runtime,
      architecture: lambda.Architecture.ARM_64,
      code: lambda.Code.fromAsset(HANDLER_ASSET),
      handler: 'index.handler',
      role: this.role,
      logGroup: this.logGroup,
      memorySize: HANDLER_MEMORY_MB,
      timeout: HANDLER_TIMEOUT,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: props.tracing,
      environment: handlerEnvironment(this, {
        name: props.name,
        outcomeEventBusName: props.outcomeEventBus.eventBusName,
        metricsNamespace: props.metricsNamespace,
        tracing: traced,
        detailedMetrics: props.detailedMetrics,
        policy: props.policy,
        deadLetterQueue: props.deadLetterQueue,
        scheduleGroupName: props.delayedRedrives.scheduleGroupName,
        schedulerRoleArn: props.delayedRedrives.schedulerRole.roleArn,
        intakeQueue: props.intake.queue,
      }),
    });
    // The managed policies attach to the role on their own: the function waits for them.
    executionPolicies.forEach((policy) => this.function.node.addDependency(policy));
    props.intake.feed(this.function, props.maxConcurrency);
    this.acknowledgeNagFindings(traced, props.tracing === lambda.Tracing.ACTIVE);
  }

  /**
   * Has the handler publish an outcome event after every decision, and lets it, in one step: grants
   * the role `events:PutEvents` on the outcome bus, for the library's own source only, and sets the
   * function's `AUTO_REDRIVE_OUTCOME_EVENTS` to `true` (it is `false` until then). The environment
   * and the grant go together: the handler never calls PutEvents without the permission, nor is
   * granted it for nothing. Calling it again changes nothing and returns the same grant.
   */
  public publishOutcomeEvents(): iam.Grant {
    if (this.outcomeEventsGrant === undefined) {
      this.outcomeEventsGrant = iam.Grant.addToPrincipal({
        grantee: this.role,
        actions: ['events:PutEvents'],
        resourceArns: [this.outcomeEventBus.eventBusArn],
        conditions: { StringEquals: { 'events:source': LIBRARY_SOURCE } },
      });
      this.function.addEnvironment(ENV.OUTCOME_EVENTS, 'true');
    }
    return this.outcomeEventsGrant;
  }

  /** `traced`: the role has X-Ray's `*` statement (active or pass-through tracing); `active`: cdk-nag's tracing rule is met. */
  private acknowledgeNagFindings(traced: boolean, active: boolean): void {
    acknowledgeNagFindings(this.role.node.findChild('DefaultPolicy'), [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'CreateSchedule in the one schedule group this construct owns: schedule names are chosen when a redrive is delayed or put off.',
        appliesToRegex: '/^Resource::arn:.+:scheduler:.+:schedule\\/[^*]+\\/\\*$/',
      },
      ...(traced ? [{
        id: 'AwsSolutions-IAM5',
        reason: 'Tracing (the tracing prop): xray:PutTraceSegments and xray:PutTelemetryRecords support no resource but *.',
        appliesToRegex: '/^Resource::\\*$/',
      }] : []),
    ]);
    acknowledgeNagFindings(this.function, [
      {
        id: 'Serverless-LambdaDLQ',
        reason: 'The handler is fed by an SQS event source mapping, not invoked asynchronously: a message that fails its receives moves to the dead-letter queue through the intake queue redrive policy.',
      },
      ...(active ? [] : [{
        id: 'Serverless-LambdaTracing',
        reason: 'Tracing is opt-in (the tracing prop): the handler makes one or two AWS calls per event, and its log line and outcome event record each decision.',
      }]),
    ]);
  }
}
