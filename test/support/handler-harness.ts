import { Metrics } from '@aws-lambda-powertools/metrics';
import { STATE_MACHINE_ARN_PREFIX } from './events';
import { FakeAws } from './fake-aws/server';
import { createAwsClients } from '../../lambda/redrive/aws-clients';
import { createHandler } from '../../lambda/redrive/handler';
import { LogAttributes } from '../../lambda/redrive/outcome';
import { readHandlerConfig } from '../../lambda/redrive/policy';
import { Reporter } from '../../lambda/redrive/report';
import { NO_TRACING, TraceMarker } from '../../lambda/redrive/tracing';
import { WatchedStateMachines } from '../../lambda/redrive/watched-state-machines';
import { ENV, HandlerPolicy } from '../../src/shared/contract';

const NO_BACKOFF = { kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false } as const;
const DEFAULT_POLICY: HandlerPolicy = {
  maxRedrives: 3,
  statuses: ['FAILED', 'TIMED_OUT'],
  errorFilter: { mode: 'DENY', patterns: ['States.Runtime', 'States.DataLimitExceeded'] },
  backoff: NO_BACKOFF,
  dryRun: false,
};
export const HANDLER_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:auto-redrive-handler';
const RULE_PREFIX = 'TestStackAutoRedrive';
const SCHEDULE_GROUP = 'TestStackAutoRedriveDelayedRedrives';
export const AUTO_REDRIVE_NAME = 'TestStackAutoRedrive';

export interface LogLine extends LogAttributes {
  readonly level: string;
  readonly message: string;
}

export interface HarnessOptions {
  readonly policy?: Partial<HandlerPolicy>;
  readonly stateMachines?: string[];
  /** The draw for jitter; Math.random unless given. */
  readonly random?: () => number;
  readonly tracing?: TraceMarker;
  /** How long a call may take before the SDK gives up on it. */
  readonly requestTimeoutMs?: number;
  /** The SDK's attempts per call (AWS_MAX_ATTEMPTS); 3 unless given. */
  readonly maxAttempts?: number;
  /**
   * AWS_RETRY_MODE, adaptive (the construct's) unless given. Adaptive mode throttles the client in
   * real time after a throttling error, which a test that injects many would wait on.
   */
  readonly retryMode?: 'adaptive' | 'standard';
}

/**
 * The handler wired as in production, from the environment the construct writes, with real SDK
 * clients resolving their endpoint from AWS_ENDPOINT_URL_* to a fake on 127.0.0.1. The fake holds
 * the construct's rule, listing the watched state machines, and its schedule group.
 */
export async function startHandler(options: HarnessOptions = {}) {
  const fake = await FakeAws.start();
  const deadLetterQueueUrl = fake.createQueue('auto-redrive-dlq');
  fake.scheduler.createGroup(SCHEDULE_GROUP);
  fake.eventBridge.putRule(`${RULE_PREFIX}-1`, {
    detail: { stateMachineArn: (options.stateMachines ?? ['orders', 'payments']).map((name) => `${STATE_MACHINE_ARN_PREFIX}${name}`) },
  });
  const saved = { ...process.env };
  Object.assign(process.env, fake.environment, { AWS_RETRY_MODE: options.retryMode ?? 'adaptive', AWS_MAX_ATTEMPTS: String(options.maxAttempts ?? 3) });
  const config = readHandlerConfig({
    [ENV.POLICY]: JSON.stringify({ ...DEFAULT_POLICY, ...options.policy }),
    [ENV.RULE_NAME_PREFIX]: RULE_PREFIX,
    [ENV.RULE_COUNT]: '1',
    [ENV.DEAD_LETTER_QUEUE_URL]: deadLetterQueueUrl,
    [ENV.SCHEDULE_GROUP]: SCHEDULE_GROUP,
    [ENV.SCHEDULER_ROLE_ARN]: 'arn:aws:iam::123456789012:role/auto-redrive-scheduler',
    [ENV.DEAD_LETTER_QUEUE_ARN]: 'arn:aws:sqs:us-east-1:123456789012:auto-redrive-dlq',
    [ENV.NAME]: AUTO_REDRIVE_NAME,
    [ENV.OUTCOME_EVENT_BUS]: 'default',
  });
  const logs: LogLine[] = [];
  const now = () => new Date(fake.clock.now());
  const clients = createAwsClients({ connectionTimeout: 5_000, requestTimeout: options.requestTimeoutMs ?? 5_000 });
  const emf: any[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
    for (const line of String(chunk).split('\n')) if (line.startsWith('{"_aws"')) emf.push(JSON.parse(line));
    return true;
  });
  const record = (level: string) => (message: string, attributes: LogAttributes) => logs.push({ level, message, ...attributes });
  const invoke = createHandler({
    config,
    ...clients,
    watched: new WatchedStateMachines(clients.eventBridge, config.ruleNames, now),
    reporter: new Reporter({
      logger: { info: record('INFO'), warn: record('WARN'), error: record('ERROR') },
      metrics: new Metrics({ namespace: 'CdkStepFunctionsRedrive', serviceName: AUTO_REDRIVE_NAME }),
      events: clients.eventBridge,
      eventBusName: config.outcomeEventBus,
      name: config.name,
    }),
    tracing: options.tracing ?? NO_TRACING,
    now,
    random: options.random ?? Math.random,
  });
  const handler = (event: unknown) => invoke(event, { invokedFunctionArn: HANDLER_ARN });
  return {
    fake,
    handler,
    logs,
    /** The EMF records the handler printed. */
    emf,
    /** The outcome events it published. */
    published: () => fake.eventBridge.published,
    deadLetters: () => fake.sqs.bodies(deadLetterQueueUrl),
    /** The calls that change something: redrives, schedules, dead letters (not outcome events). */
    actions: () => fake.calls.filter((call) => ['RedriveExecution', 'CreateSchedule', 'SendMessage'].includes(call.operation)),
    /** Invokes the handler with every schedule that is due, as Scheduler would. */
    fireDueSchedules: () => Promise.all(fake.scheduler.takeDue().map((schedule) => handler(JSON.parse(schedule.Target.Input!)))),
    stop: async () => {
      stdout.mockRestore();
      process.env = saved;
      await fake.close();
    },
  };
}
