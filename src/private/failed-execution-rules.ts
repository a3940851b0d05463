import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { failedExecutionPatterns } from './event-patterns';
import { Selection } from './selection';

/** EventBridge retries a delivery the Lambda service refused (throttled, unavailable) for a day. */
const DELIVERY_RETRY_ATTEMPTS = 185;
const DELIVERY_MAX_EVENT_AGE = Duration.hours(24);

export interface FailedExecutionRulesProps {
  readonly selection: Selection;
  readonly statuses: string[];
  readonly handler: lambda.IFunction;
  /** Where EventBridge keeps what it could not deliver. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The rules that send failed, redrivable executions of the watched state machines to the handler:
 * `Rule`, then `Rule2`, ... when the state machines (or name prefixes) are too many for one event
 * pattern.
 */
export function failedExecutionRules(scope: Construct, props: FailedExecutionRulesProps): events.Rule[] {
  return failedExecutionPatterns(Stack.of(scope), props.selection, props.statuses).map((eventPattern, index) =>
    new events.Rule(scope, index === 0 ? 'Rule' : `Rule${index + 1}`, {
      description: 'Failed, redrivable executions of state machines watched by AutoRedrive',
      eventPattern,
      targets: [new targets.LambdaFunction(props.handler, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: DELIVERY_RETRY_ATTEMPTS,
        maxEventAge: DELIVERY_MAX_EVENT_AGE,
      })],
    }));
}
