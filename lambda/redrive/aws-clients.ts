import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClients {
  readonly sfn: SFNClient;
  readonly sqs: SQSClient;
  readonly scheduler: SchedulerClient;
  readonly eventBridge: EventBridgeClient;
}

/**
 * A call that hangs is cut off and retried by the SDK: at most 4 attempts of 5 s (plus backoff)
 * stay within the handler's 30-second timeout, so a hung endpoint fails the invocation, and Lambda's
 * retries and dead-letter queue take over, instead of the invocation timing out silently.
 */
const DEFAULT_TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 5_000 };

/**
 * The SDK clients, created once per container. Endpoints, region, credentials, retry mode and
 * attempts come from the SDK's standard configuration (AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_RETRY_MODE, AWS_MAX_ATTEMPTS); never from this code.
 */
export function createAwsClients(timeouts: { connectionTimeout: number; requestTimeout: number } = DEFAULT_TIMEOUTS): AwsClients {
  // Without throwOnRequestTimeout the SDK only warns about a request past its timeout, and waits on.
  const config = { requestHandler: { ...timeouts, throwOnRequestTimeout: true } };
  return {
    sfn: new SFNClient(config),
    sqs: new SQSClient(config),
    scheduler: new SchedulerClient(config),
    eventBridge: new EventBridgeClient(config),
  };
}
