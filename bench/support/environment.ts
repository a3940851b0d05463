import { ENV, HandlerPolicy } from '../../src/shared/contract';
import { SDK_RETRY_ENVIRONMENT } from '../../src/private/handler-environment';
import { STATE_MACHINE_ARN_PREFIX } from '../../test/support/events';
import { FakeAws } from '../../test/support/fake-aws/server';

const RULE_PREFIX = 'BenchAutoRedrive';

/**
 * A fake "deployment" for the benchmarks: the construct's rule in the fake, and the environment the
 * construct gives the handler (Backoff.none(), the SDK retry settings it sets), pointed at the fake.
 */
export function deployForBench(fake: FakeAws, stateMachine: string): Record<string, string> {
  fake.eventBridge.putRule(`${RULE_PREFIX}-1`, { detail: { stateMachineArn: [`${STATE_MACHINE_ARN_PREFIX}${stateMachine}`] } });
  const policy: HandlerPolicy = {
    maxRedrives: 3,
    statuses: ['FAILED', 'TIMED_OUT'],
    errorFilter: { mode: 'ALL', patterns: [] },
    backoff: { kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false },
    dryRun: false,
  };
  return {
    ...fake.environment,
    [ENV.POLICY]: JSON.stringify(policy),
    [ENV.RULE_NAME_PREFIX]: RULE_PREFIX,
    [ENV.RULE_COUNT]: '1',
    [ENV.DEAD_LETTER_QUEUE_URL]: fake.createQueue('bench-dlq'),
    [ENV.NAME]: RULE_PREFIX,
    [ENV.OUTCOME_EVENT_BUS]: 'default',
    [ENV.METRICS_NAMESPACE]: 'CdkStepFunctionsRedrive',
    ...SDK_RETRY_ENVIRONMENT,
  };
}
