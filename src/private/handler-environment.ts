import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, HandlerPolicy } from '../shared/contract';

/** The SDK's retry settings: adaptive mode slows the client down when a service throttles. */
export const SDK_RETRY_ENVIRONMENT = { AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '4' };

export interface HandlerEnvironmentProps {
  readonly policy: HandlerPolicy;
  readonly ruleNamePrefix: string;
  readonly ruleCount: number;
  readonly deadLetterQueue: sqs.IQueue;
  /** Only when the backoff can delay a redrive. */
  readonly delayedRedrives?: { readonly scheduleGroupName: string; readonly schedulerRoleArn: string };
  /** The construct's unique name. */
  readonly name: string;
  readonly outcomeEventBusName: string;
  readonly metricsNamespace: string;
  readonly tracing: boolean;
}

/** The handler's environment: small and of fixed size, whatever the number of state machines. */
export function handlerEnvironment(scope: Construct, props: HandlerEnvironmentProps): Record<string, string> {
  return {
    [ENV.POLICY]: Stack.of(scope).toJsonString(props.policy),
    [ENV.RULE_NAME_PREFIX]: props.ruleNamePrefix,
    [ENV.RULE_COUNT]: String(props.ruleCount),
    [ENV.DEAD_LETTER_QUEUE_URL]: props.deadLetterQueue.queueUrl,
    ...(props.delayedRedrives ? {
      [ENV.SCHEDULE_GROUP]: props.delayedRedrives.scheduleGroupName,
      [ENV.SCHEDULER_ROLE_ARN]: props.delayedRedrives.schedulerRoleArn,
      [ENV.DEAD_LETTER_QUEUE_ARN]: props.deadLetterQueue.queueArn,
    } : {}),
    [ENV.NAME]: props.name,
    [ENV.OUTCOME_EVENT_BUS]: props.outcomeEventBusName,
    [ENV.METRICS_NAMESPACE]: props.metricsNamespace,
    ...(props.tracing ? { [ENV.TRACING]: 'true' } : {}),
    ...SDK_RETRY_ENVIRONMENT,
  };
}
