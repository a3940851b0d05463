import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { loadOnce } from '../../core/load-once';

export interface ClientTimeouts {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
}

/**
 * One attempt of an AWS call waits at most this long; the invocation's deadline (deadline.ts) bounds
 * all attempts together, whatever the endpoint does.
 */
export const DEFAULT_TIMEOUTS: ClientTimeouts = { connectionTimeout: 2_000, requestTimeout: 5_000 };

/**
 * The SDK clients, created once per container. Step Functions' is made at once: every redrive uses
 * it. The others, and their SDK packages, are loaded when first used, so a cold start does not pay
 * for them: most invocations never write to the dead-letter queue, a fresh event under
 * `Backoff.none()` never schedules, and outcome events are often off.
 */
export interface AwsClients {
  readonly sfn: SFNClient;
  readonly sqs: () => SQSClient;
  readonly scheduler: () => SchedulerClient;
  readonly eventBridge: () => EventBridgeClient;
}

/**
 * Endpoints, region, credentials, retry mode and attempts come from the SDK's standard
 * configuration (AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>, AWS_RETRY_MODE, AWS_MAX_ATTEMPTS); never
 * from this code.
 */
export function createAwsClients(timeouts: ClientTimeouts = DEFAULT_TIMEOUTS): AwsClients {
  // Without throwOnRequestTimeout the SDK only warns about a request past its timeout, and waits on.
  const config = { requestHandler: { ...timeouts, throwOnRequestTimeout: true } };
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    sfn: new SFNClient(config),
    sqs: loadOnce(() => new (require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs')).SQSClient(config)),
    scheduler: loadOnce(() => new (require('@aws-sdk/client-scheduler') as typeof import('@aws-sdk/client-scheduler')).SchedulerClient(config)),
    eventBridge: loadOnce(() => new (require('@aws-sdk/client-eventbridge') as typeof import('@aws-sdk/client-eventbridge')).EventBridgeClient(config)),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}
