import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createHandler } from './handler';
import { readHandlerConfig } from './policy';
import { Reporter } from './report';
import { traceMarker } from './tracing';
import { WatchedStateMachines } from './watched-state-machines';

// Created once per container and reused. Endpoints, region, retry mode and attempts come from the
// SDK's standard configuration (AWS_REGION, AWS_ENDPOINT_URL_SFN, AWS_RETRY_MODE, ...); the log and
// metric settings from Powertools' (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE).
const config = readHandlerConfig(process.env);
const now = () => new Date();
const eventBridge = new EventBridgeClient({});
const metrics = new Metrics();

export const handler = createHandler({
  config,
  sfn: new SFNClient({}),
  sqs: new SQSClient({}),
  scheduler: new SchedulerClient({}),
  watched: new WatchedStateMachines(eventBridge, config.ruleNames, now),
  reporter: new Reporter({ logger: new Logger(), metrics, events: eventBridge, eventBusName: config.outcomeEventBus, name: config.name }),
  tracing: traceMarker(config.tracing),
  now,
  random: Math.random,
});
