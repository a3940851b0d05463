import { Backoff, ErrorFilter } from '../../src';
import { autoRedriveTemplate } from '../../tools/auto-redrive-template';
import { deployToFake } from '../../tools/deploy-to-fake';
import { FakeAws } from '../../tools/fake-aws/server';

/**
 * The benchmarks' "deployment": the construct synthesized (Backoff.none(), every error allowed) and
 * deployed to the fake as the tests deploy it, and the environment its template gives the handler,
 * pointed at the fake.
 */
export function deployForBench(fake: FakeAws, stateMachine: string): Record<string, string> {
  const template = autoRedriveTemplate([stateMachine], { backoff: Backoff.none(), errorFilter: ErrorFilter.all() });
  return deployToFake(template, fake, {}).environment;
}
