import { FakeAws } from '../../tools/fake-aws/server';
import { fakePerTest, runCli } from '../support/cli-harness';
import { naming } from '../support/messages';

describe('cdk-stepfunctions-redrive: clear errors for the command line', () => {
  const currentFake = fakePerTest();
  let fake: FakeAws;
  beforeEach(() => {
    fake = currentFake();
  });

  test.each<[string[], RegExp]>([
    [['redrive', '--state-machine', 'orders', '--bogus'], naming('--bogus', 'redrive', '--help')],
    [['redrive', '--dry-run'], naming('--state-machine', '--name-prefix')],
    [['redrive', '--state-machine', 'orders', '--since', 'yesterday', '--dry-run'], naming('--since', '"yesterday"')],
    [['redrive', '--state-machine', 'orders', '--since', '1h', '--until', '2h', '--dry-run'], naming('--since', '--until')],
    [['redrive', '--state-machine', 'orders', '--error', 'a**b', '--dry-run'], naming('--error', '"a**b"', '"**"')],
    [['redrive', '--state-machine', 'orders', '--status', 'RUNNING', '--dry-run'], naming('--status', 'RUNNING', 'FAILED', 'TIMED_OUT', 'ABORTED')],
    [['redrive', '--state-machine', 'orders', '--max-redrives', '0', '--dry-run'], naming('--max-redrives', '"0"')],
    [['redrive', '--state-machine', 'orders', '--rate', 'fast', '--dry-run'], naming('--rate', '"fast"')],
    [['redrive', '--state-machine', 'my orders', '--dry-run'], naming('--state-machine', '"my orders"', 'U+0020')],
    [['replay'], naming('--queue-url')],
    [['replay', '--queue-url', 'q', '--max', '-1'], /--queue-url|--max/],
  ])('%j is refused with exit status 2 and says why', async (args, expected) => {
    const run = await runCli(fake, args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(fake.calls).toEqual([]);
  });

  const REDRIVE = ['redrive', '--state-machine', 'orders', '--dry-run'];
  const REPLAY = ['replay', '--queue-url', 'https://sqs.us-east-1.amazonaws.com/123456789012/q', '--dry-run'];
  // Each names the flag and the value it refuses.
  test.each<[string[], Array<string | number>]>([
    [[...REDRIVE, '--since', '99999999w'], ['--since', '99999999w', 1970]],
    [[...REDRIVE, '--until', '99999999999999999999d'], ['--until', '99999999999999999999d', 1970]],
    [[...REDRIVE, '--since', '2024-02-30'], ['--since', '2024-02-30']],
    [[...REDRIVE, '--since', '2023-02-29'], ['--since', '2023-02-29']],
    [[...REDRIVE, '--since', '2024-13-01'], ['--since', '2024-13-01']],
    [[...REDRIVE, '--since', '2024-04-31T12:00Z'], ['--since', '2024-04-31T12:00Z']],
    [[...REDRIVE, '--until', '2024-02-29T24:00'], ['--until', '2024-02-29T24:00']],
    [[...REDRIVE, '--until', '2024-02-29T25:00'], ['--until', '2024-02-29T25:00']],
    [[...REDRIVE, '--until', '2024-05-01T12:00:60Z'], ['--until', '2024-05-01T12:00:60Z']],
    [[...REDRIVE, '--until', '2024-05-01T12:00+25:00'], ['--until', '2024-05-01T12:00+25:00']],
    [[...REDRIVE, '--rate=-1'], ['--rate', '"-1"']],
    [[...REDRIVE, '--rate', 'NaN'], ['--rate', '"NaN"']],
    [[...REDRIVE, '--rate', '1e9'], ['--rate', '"1e9"']],
    [[...REDRIVE, '--rate', '100.5'], ['--rate', '"100.5"']],
    [[...REDRIVE, '--rate', '0.0000001'], ['--rate', '"0.0000001"']],
    [[...REDRIVE, '--max-redrives', '1001'], ['--max-redrives', '"1001"']],
    [[...REDRIVE, '--max-redrives', '2.5'], ['--max-redrives', '"2.5"']],
    [[...REPLAY, '--max=-1'], ['--max', '"-1"']],
    [[...REPLAY, '--max', 'NaN'], ['--max', '"NaN"']],
    [[...REPLAY, '--max', '99999999999999999999'], ['--max', '99999999999999999999']],
    [[...REPLAY, '--visibility-timeout', '29'], ['--visibility-timeout', '"29"']],
    [[...REPLAY, '--visibility-timeout', '1e9'], ['--visibility-timeout', '"1e9"']],
  ])('a bad flag value, %j, is refused with exit status 2 and says why', async (args, facts) => {
    const run = await runCli(fake, args);
    expect(run.stderr).toMatch(naming(...facts));
    expect(run.code).toBe(2);
    expect(fake.calls).toEqual([]);
  });
});
