import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, HandlerPolicy, SDK_RETRY_ENVIRONMENT } from '../shared/contract';

export interface HandlerEnvironmentProps {
  readonly policy: HandlerPolicy;
  readonly deadLetterQueue: sqs.IQueue;
  /** Where the handler keeps delayed and put-off redrives, and the role their schedules run as. */
  readonly scheduleGroupName: string;
  readonly schedulerRoleArn: string;
  /** Where the schedules send the redrives and sweeps when they are due. */
  readonly intakeQueue: sqs.IQueue;
  /** The construct's unique name. */
  readonly name: string;
  readonly outcomeEventBusName: string;
  readonly metricsNamespace: string;
  /** The function is traced (active or pass-through): the handler annotates its trace. */
  readonly tracing: boolean;
  readonly detailedMetrics: boolean;
}

/**
 * The handler's environment: small and of fixed size, whatever the number of state machines.
 * Outcome events start off (`false`): `RedriveHandler.publishOutcomeEvents()` turns them on.
 */
export function handlerEnvironment(scope: Construct, props: HandlerEnvironmentProps): Record<string, string> {
  return {
    [ENV.POLICY]: Stack.of(scope).toJsonString(props.policy),
    [ENV.DEAD_LETTER_QUEUE_URL]: props.deadLetterQueue.queueUrl,
    [ENV.SCHEDULE_GROUP]: props.scheduleGroupName,
    [ENV.SCHEDULER_ROLE_ARN]: props.schedulerRoleArn,
    [ENV.INTAKE_QUEUE_ARN]: props.intakeQueue.queueArn,
    [ENV.DEAD_LETTER_QUEUE_ARN]: props.deadLetterQueue.queueArn,
    [ENV.NAME]: props.name,
    [ENV.OUTCOME_EVENT_BUS]: props.outcomeEventBusName,
    [ENV.METRICS_NAMESPACE]: props.metricsNamespace,
    [ENV.OUTCOME_EVENTS]: 'false',
    ...(props.tracing ? { [ENV.TRACING]: 'true' } : {}),
    ...(props.detailedMetrics ? { [ENV.DETAILED_METRICS]: 'true' } : {}),
    ...SDK_RETRY_ENVIRONMENT,
  };
}
