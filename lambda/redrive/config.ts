import type { SchedulingConfig } from '../../core/scheduler';
import { BackoffSpec, ENV, HandlerPolicy } from '../../src/shared/contract';
import { errorPatternProblem } from '../../src/shared/error-pattern';

/** What the handler is configured with, read once from its environment. */
export interface HandlerConfig {
  readonly policy: HandlerPolicy;
  readonly deadLetterQueueUrl: string;
  readonly scheduling: SchedulingConfig;
  /** The construct's unique name. */
  readonly name: string;
  /** Where outcome events go. */
  readonly outcomeEventBus: string;
  /** The CloudWatch namespace of the metrics. */
  readonly metricsNamespace: string;
  /** Active tracing is on: annotate the trace. */
  readonly tracing: boolean;
  /** Publish an outcome event per decision: only when the construct knows they are wanted. */
  readonly outcomeEvents: boolean;
  /** Publish metrics per state machine and per skip reason too, not only per construct. */
  readonly detailedMetrics: boolean;
}

/** Reads and checks the configuration the construct wrote. A bad one fails every invocation, loudly. */
export function readHandlerConfig(env: Readonly<Record<string, string | undefined>>): HandlerConfig {
  const policy = parsePolicy(required(env, ENV.POLICY));
  return {
    policy,
    deadLetterQueueUrl: required(env, ENV.DEAD_LETTER_QUEUE_URL),
    scheduling: {
      scheduleGroup: required(env, ENV.SCHEDULE_GROUP),
      schedulerRoleArn: required(env, ENV.SCHEDULER_ROLE_ARN),
      deadLetterQueueArn: required(env, ENV.DEAD_LETTER_QUEUE_ARN),
      intakeQueueArn: required(env, ENV.INTAKE_QUEUE_ARN),
    },
    name: required(env, ENV.NAME),
    outcomeEventBus: required(env, ENV.OUTCOME_EVENT_BUS),
    metricsNamespace: required(env, ENV.METRICS_NAMESPACE),
    tracing: env[ENV.TRACING] === 'true',
    outcomeEvents: env[ENV.OUTCOME_EVENTS] === 'true',
    detailedMetrics: env[ENV.DETAILED_METRICS] === 'true',
  };
}

function required(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`handler configuration: ${name} is not set`);
  return value;
}

function parsePolicy(json: string): HandlerPolicy {
  const fail = (problem: string): never => {
    throw new Error(`handler configuration: ${ENV.POLICY} ${problem}`);
  };
  let value: any;
  try {
    value = JSON.parse(json);
  } catch {
    return fail('is not JSON');
  }
  if (!Number.isInteger(value?.maxRedrives) || value.maxRedrives < 1) fail('needs maxRedrives, a whole number of at least 1');
  if (!Array.isArray(value.statuses) || !value.statuses.every((status: unknown) => typeof status === 'string')) fail('needs statuses, a list of strings');
  if (typeof value.dryRun !== 'boolean') fail('needs dryRun, true or false');
  const filter = value.errorFilter;
  if (!['ALL', 'ALLOW_ONLY', 'DENY'].includes(filter?.mode)) fail('needs errorFilter.mode, one of ALL, ALLOW_ONLY, DENY');
  if (!Array.isArray(filter.patterns) || filter.patterns.some((pattern: unknown) => errorPatternProblem(pattern) !== undefined)) {
    fail('needs errorFilter.patterns, a list of valid error patterns');
  }
  return {
    maxRedrives: value.maxRedrives,
    statuses: value.statuses,
    dryRun: value.dryRun,
    errorFilter: { mode: filter.mode, patterns: filter.patterns },
    backoff: parseBackoff(value.backoff, fail),
  };
}

function parseBackoff(value: any, fail: (problem: string) => never): BackoffSpec {
  const valid = ['NONE', 'FIXED', 'EXPONENTIAL'].includes(value?.kind) &&
    [value.initialDelaySeconds, value.maxDelaySeconds].every((seconds) => typeof seconds === 'number' && seconds >= 0) &&
    typeof value.multiplier === 'number' && value.multiplier >= 1 &&
    typeof value.jitter === 'boolean';
  if (!valid) fail('needs backoff: kind, initialDelaySeconds, maxDelaySeconds, multiplier (at least 1) and jitter');
  return {
    kind: value.kind,
    initialDelaySeconds: value.initialDelaySeconds,
    maxDelaySeconds: value.maxDelaySeconds,
    multiplier: value.multiplier,
    jitter: value.jitter,
  };
}
