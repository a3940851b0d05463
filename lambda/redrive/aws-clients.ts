import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface ClientTimeouts {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
}

/**
 * One attempt of an AWS call waits at most this long; the invocation's deadline (deadline.ts) bounds
 * all attempts together, whatever the endpoint does.
 */
export const DEFAULT_TIMEOUTS: ClientTimeouts = { connectionTimeout: 2_000, requestTimeout: 5_000 };

export interface AwsClients {
  readonly sfn: SFNClient;
  /** Created when first used: most invocations never write to the dead-letter queue. */
  readonly sqs: () => SQSClient;
  /** Created when first used: a fresh event under `Backoff.none()` never schedules. */
  readonly scheduler: () => SchedulerClient;
  readonly eventBridge: EventBridgeClient;
}

/**
 * The SDK clients, created once per container. Endpoints, region, credentials, retry mode and
 * attempts come from the SDK's standard configuration (AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_RETRY_MODE, AWS_MAX_ATTEMPTS); never from this code.
 */
export function createAwsClients(timeouts: ClientTimeouts = DEFAULT_TIMEOUTS): AwsClients {
  // Without throwOnRequestTimeout the SDK only warns about a request past its timeout, and waits on.
  const config = { requestHandler: { ...timeouts, throwOnRequestTimeout: true } };
  return {
    sfn: new SFNClient(config),
    sqs: once(() => new SQSClient(config)),
    scheduler: once(() => new SchedulerClient(config)),
    eventBridge: new EventBridgeClient(config),
  };
}

function once<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= create());
}
