import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createAwsClients } from './aws-clients';
import { createHandler } from './handler';
import { readHandlerConfig } from './policy';
import { Reporter } from './report';
import { traceMarker } from './tracing';
import { WatchedStateMachines } from './watched-state-machines';

// Created once per container and reused. Log and metric settings come from Powertools' standard
// configuration (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE).
const config = readHandlerConfig(process.env);
const now = () => new Date();
const clients = createAwsClients();

export const handler = createHandler({
  config,
  ...clients,
  watched: new WatchedStateMachines(clients.eventBridge, config.ruleNames, now),
  reporter: new Reporter({
    logger: new Logger(),
    metrics: new Metrics(),
    events: clients.eventBridge,
    eventBusName: config.outcomeEventBus,
    name: config.name,
  }),
  tracing: traceMarker(config.tracing),
  now,
  random: Math.random,
});
