import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createHandler } from './handler';
import { readHandlerConfig } from './policy';
import { WatchedStateMachines } from './watched-state-machines';

// Created once per container and reused. Endpoints, region, retry mode and attempts come from the
// SDK's standard configuration (AWS_REGION, AWS_ENDPOINT_URL_SFN, AWS_RETRY_MODE, ...).
const config = readHandlerConfig(process.env);
const now = () => new Date();

export const handler = createHandler({
  config,
  sfn: new SFNClient({}),
  sqs: new SQSClient({}),
  scheduler: new SchedulerClient({}),
  watched: new WatchedStateMachines(new EventBridgeClient({}), config.ruleNames, now),
  logger: new Logger(),
  now,
  random: Math.random,
});
