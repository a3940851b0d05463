import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ClientTimeouts, createAwsClients, DEFAULT_TIMEOUTS } from './aws-clients';
import { readHandlerConfig } from './config';
import { HandlerDependencies } from './handler';
import { Reporter } from './report';
import type { SweepLimits } from './sweep';
import { TraceMarker, traceMarker } from './tracing';

/** What a test may set instead of the production default; the rest is always built from the environment. */
export interface DependencyOverrides {
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly timeouts?: ClientTimeouts;
  readonly tracing?: TraceMarker;
  /** The sweep's work bounds and quotas. */
  readonly sweepLimits?: Partial<SweepLimits>;
}

/**
 * The handler's dependencies, built from the environment the construct writes: its configuration,
 * the AWS SDK clients, Powertools Logger and Metrics. The one wiring of the handler, used by
 * index.ts and by the tests.
 */
export function dependenciesFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  overrides: DependencyOverrides = {},
): HandlerDependencies {
  const config = readHandlerConfig(env);
  const clients = createAwsClients(overrides.timeouts ?? DEFAULT_TIMEOUTS);
  return {
    config,
    policy: config.policy,
    scheduling: { config: config.scheduling, client: clients.scheduler },
    sfn: clients.sfn,
    sqs: clients.sqs,
    reporter: new Reporter({
      logger: new Logger({ serviceName: config.name }),
      metrics: new Metrics({ namespace: config.metricsNamespace, serviceName: config.name }),
      events: clients.eventBridge,
      eventBusName: config.outcomeEventBus,
      name: config.name,
      outcomeEvents: config.outcomeEvents,
      detailedMetrics: config.detailedMetrics,
    }),
    tracing: overrides.tracing ?? traceMarker(config.tracing),
    now: overrides.now ?? (() => new Date()),
    random: overrides.random ?? Math.random,
    ...(overrides.sweepLimits ? { sweepLimits: overrides.sweepLimits } : {}),
  };
}
