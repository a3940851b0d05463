import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STATE_MACHINE_ARN_PREFIX } from './events';
import { FakeAws } from './fake-aws/server';
import { createHandler } from '../../lambda/redrive/handler';
import { LogAttributes } from '../../lambda/redrive/outcome';
import { readHandlerConfig } from '../../lambda/redrive/policy';
import { ENV, HandlerPolicy } from '../../src/private/contract';

export const DEFAULT_POLICY: HandlerPolicy = {
  maxRedrives: 3,
  statuses: ['FAILED', 'TIMED_OUT'],
  errorFilter: { mode: 'DENY', patterns: ['States.Runtime', 'States.DataLimitExceeded'] },
  dryRun: false,
};

export interface LogLine extends LogAttributes {
  readonly level: string;
  readonly message: string;
}

/**
 * The handler wired as in production, from the environment the construct writes, with real SDK
 * clients resolving their endpoint from AWS_ENDPOINT_URL_* to a fake on 127.0.0.1.
 */
export async function startHandler(options: { policy?: Partial<HandlerPolicy>; stateMachines?: string[] } = {}) {
  const fake = await FakeAws.start();
  const deadLetterQueueUrl = fake.createQueue('auto-redrive-dlq');
  const saved = { ...process.env };
  Object.assign(process.env, fake.environment, { AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '3' });
  const config = readHandlerConfig({
    [ENV.POLICY]: JSON.stringify({ ...DEFAULT_POLICY, ...options.policy }),
    [ENV.STATE_MACHINE_ARN_PREFIX]: STATE_MACHINE_ARN_PREFIX,
    [ENV.STATE_MACHINE_NAMES]: (options.stateMachines ?? ['orders', 'payments']).join(','),
    [ENV.DEAD_LETTER_QUEUE_URL]: deadLetterQueueUrl,
  });
  const logs: LogLine[] = [];
  const handler = createHandler({
    config,
    sfn: new SFNClient({}),
    sqs: new SQSClient({}),
    logger: {
      info: (message, attributes) => logs.push({ level: 'INFO', message, ...attributes }),
      error: (message, attributes) => logs.push({ level: 'ERROR', message, ...attributes }),
    },
    now: () => new Date(fake.clock.now()),
  });
  return {
    fake,
    handler,
    logs,
    deadLetters: () => fake.sqs.bodies(deadLetterQueueUrl),
    stop: async () => {
      process.env = saved;
      await fake.close();
    },
  };
}
