import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createHandler } from './handler';
import { readHandlerConfig } from './policy';

// Created once per container and reused. Endpoints, region, retry mode and attempts come from the
// SDK's standard configuration (AWS_REGION, AWS_ENDPOINT_URL_SFN, AWS_RETRY_MODE, ...).
export const handler = createHandler({
  config: readHandlerConfig(process.env),
  sfn: new SFNClient({}),
  sqs: new SQSClient({}),
  logger: new Logger(),
  now: () => new Date(),
});
