import { redriveClientToken } from '../../core/idempotency';
import { executionArn } from '../../tools/events';
import { FakeAws } from '../../tools/fake-aws/server';
import { addExecution, addStateMachine, runCli, fakePerTest, stateMachineArn } from '../support/cli-harness';
import { escapeRegExp } from '../support/messages';

const DAY = 24 * 60 * 60 * 1000;

describe('cdk-stepfunctions-redrive redrive', () => {
  const currentFake = fakePerTest();
  let fake: FakeAws;
  beforeEach(() => {
    fake = currentFake();
  });

  /** Three to redrive, one exhausted, one error a redrive cannot fix, and three the listing leaves out. */
  function someFailures() {
    addExecution(fake, 'orders', 'lambda-failed', { error: 'Lambda.ServiceException' });
    addExecution(fake, 'orders', 'timed-out', { status: 'TIMED_OUT', error: 'States.Timeout' });
    addExecution(fake, 'orders', 'exhausted', { redriveCount: 3 });
    addExecution(fake, 'orders', 'runtime-error', { error: 'States.Runtime' });
    addExecution(fake, 'orders', 'aborted', { status: 'ABORTED', error: undefined });
    addExecution(fake, 'orders', 'succeeded', { status: 'SUCCEEDED', error: undefined });
    addExecution(fake, 'orders', 'long-ago', { stopDate: fake.clock.now() - 20 * DAY });
    addExecution(fake, 'payments', 'card-declined', { error: 'CardDeclined' });
    addStateMachine(fake, 'empty');
  }
  const orders = (name: string) => executionArn('orders', name);

  test('--dry-run shows what it would do and why, counts it as wouldRedrive, and redrives nothing', async () => {
    someFailures();

    const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--state-machine', stateMachineArn('payments'), '--dry-run']);

    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(fake.callsOf('RedriveExecution')).toEqual([]);
    expect(run.stdout).toMatch(/^WOULD\s+REASON\s+STATUS\s+REDRIVES\s+STOPPED\s+EXECUTION\s+WHY$/m);
    expect(run.stdout).toMatch(new RegExp(`^redrive\\s+-\\s+FAILED\\s+0\\s+\\S+\\s+${escapeRegExp(orders('lambda-failed'))}$`, 'm'));
    // A skip says why, naming the values: the count against the most allowed (3), the error the filter denies.
    expect(run.stdout).toMatch(new RegExp(`^skip\\s+EXHAUSTED\\s+FAILED\\s+3\\s+\\S+\\s+${escapeRegExp(orders('exhausted'))}\\s+\\S.*\\b3\\b`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^skip\\s+ERROR_NOT_ALLOWED\\s+.*${escapeRegExp(orders('runtime-error'))}\\s+\\S.*States\\.Runtime`, 'm'));
    for (const left of ['aborted', 'succeeded', 'long-ago']) expect(run.stdout).not.toContain(orders(left));
    expect(run.stdout).toContain('redriven=0 wouldRedrive=3 skipped=2 failed=0\n');
    expect(run.stdout).toContain('by reason: ERROR_NOT_ALLOWED=1 EXHAUSTED=1\n');

    const json = await runCli(fake, ['redrive', '--state-machine', 'orders', '--state-machine', stateMachineArn('payments'), '--dry-run', '--json']);

    const report = JSON.parse(json.stdout);
    expect(report.summary).toMatchObject({ redriven: 0, wouldRedrive: 3, skipped: 2, failed: 0, byReason: { ERROR_NOT_ALLOWED: 1, EXHAUSTED: 1 } });
    expect(report.executions.find((e: any) => e.executionArn === orders('lambda-failed'))).toMatchObject({ outcome: 'REDRIVE', detail: 'would redrive now' });
    expect(fake.callsOf('RedriveExecution')).toEqual([]);
  });

  test('--yes redrives each eligible execution once, with the token of (execution, count); a second run redrives nothing new', async () => {
    someFailures();
    const args = ['redrive', '--state-machine', 'orders', '--name-prefix', 'pay', '--yes'];

    const first = await runCli(fake, args);

    expect(first.code).toBe(0);
    expect(first.stdout).toContain('redriven=3 skipped=2 failed=0\n');
    expect(first.stdout).toContain('by reason: ERROR_NOT_ALLOWED=1 EXHAUSTED=1\n');
    const redriven = [orders('lambda-failed'), orders('timed-out'), executionArn('payments', 'card-declined')];
    expect(fake.stepFunctions.redrives.map((r) => r.executionArn).sort()).toEqual([...redriven].sort());
    for (const arn of redriven) {
      expect(fake.stepFunctions.redrives.find((r) => r.executionArn === arn)?.clientToken).toBe(redriveClientToken(arn, 0));
    }

    const second = await runCli(fake, args);

    expect(second.code).toBe(0);
    expect(second.stdout).toContain('redriven=0 skipped=2 failed=0\n');
    expect(fake.stepFunctions.redrives).toHaveLength(3);
  });

  test('each execution is described once a run: the check looks, the redrive acts on what it saw', async () => {
    for (let i = 0; i < 40; i++) addExecution(fake, 'orders', `e${i}`);

    const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--yes', '--rate', '50']);

    expect(run.stdout).toContain('redriven=40 skipped=0 failed=0\n');
    expect(fake.callsOf('DescribeExecution')).toHaveLength(40);
  });

  test('two runs at once redrive each execution once', async () => {
    for (let i = 0; i < 6; i++) addExecution(fake, 'orders', `e${i}`);

    const runs = await Promise.all([1, 2].map(() => runCli(fake, ['redrive', '--state-machine', 'orders', '--yes', '--rate', '20'])));

    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    expect(fake.stepFunctions.redrives).toHaveLength(6);
    expect(new Set(fake.stepFunctions.redrives.map((r) => r.executionArn)).size).toBe(6);
  });

  test('--since, --until, --status, --error, --exclude-error and --max-redrives choose what is redriven', async () => {
    const now = fake.clock.now();
    addExecution(fake, 'orders', 'old', { stopDate: now - 3 * DAY, error: 'Lambda.Unknown' });
    addExecution(fake, 'orders', 'lambda-unknown', { stopDate: now - 60_000, error: 'Lambda.Unknown' });
    addExecution(fake, 'orders', 'lambda-too-many', { stopDate: now - 60_000, error: 'Lambda.TooManyRequestsException' });
    addExecution(fake, 'orders', 'other', { stopDate: now - 60_000, error: 'Other' });
    addExecution(fake, 'orders', 'aborted', { status: 'ABORTED', stopDate: now - 60_000, error: undefined });
    addExecution(fake, 'orders', 'once', { stopDate: now - 60_000, error: 'Lambda.Unknown', redriveCount: 1 });

    const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--since', '2h', '--until', new Date(now + 1000).toISOString(),
      '--status', 'FAILED,ABORTED', '--error', 'Lambda.*', '--exclude-error', 'Lambda.TooMany*', '--max-redrives', '1', '--yes', '--json']);

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    const outcome = (name: string) => report.executions.find((e: any) => e.executionArn === orders(name));
    expect(outcome('lambda-unknown')).toMatchObject({ outcome: 'REDRIVEN' });
    expect(outcome('lambda-too-many')).toMatchObject({ outcome: 'SKIPPED', reason: 'ERROR_NOT_ALLOWED', detail: expect.stringContaining('--exclude-error') });
    expect(outcome('other')).toMatchObject({ outcome: 'SKIPPED', reason: 'ERROR_NOT_ALLOWED' });
    expect(outcome('aborted')).toMatchObject({ outcome: 'SKIPPED', reason: 'ERROR_NOT_ALLOWED', detail: expect.stringContaining('(none)') });
    expect(outcome('once')).toMatchObject({ outcome: 'SKIPPED', reason: 'EXHAUSTED' });
    expect(outcome('old')).toBeUndefined();
    expect(fake.stepFunctions.redrives.map((r) => r.executionArn)).toEqual([orders('lambda-unknown')]);
  });

  test('throttling slows it down and loses nothing: every execution is redriven exactly once', async () => {
    const names = Array.from({ length: 24 }, (_, i) => `t${i}`);
    for (const name of names) addExecution(fake, 'orders', name);
    fake.rateLimit('RedriveExecution', 3, 6);
    fake.faults.inject('DescribeExecution', { kind: 'error', code: 'ThrottlingException', message: 'Rate exceeded' }, 3);

    const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--yes', '--rate', '40']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('redriven=24 skipped=0 failed=0\n');
    expect(fake.throttled).toBeGreaterThan(0);
    expect(fake.stepFunctions.redrives.map((r) => r.executionArn).sort()).toEqual(names.map(orders).sort());
    // Without a terminal, progress is a line every few seconds and at the end.
    expect(run.stderr).toMatch(/^redriving: 24\/24 redriven=24 skipped=0 failed=0 rate=\S+\/s$/m);
  }, 60_000);

  test('--json prints one document: the policy, each execution with its plan and outcome, and the summary', async () => {
    someFailures();

    const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--json', '--yes']);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      command: 'redrive',
      dryRun: false,
      interrupted: false,
      stateMachines: [stateMachineArn('orders')],
      since: expect.any(String),
      until: expect.any(String),
      policy: { statuses: ['FAILED', 'TIMED_OUT'], maxRedrives: 3, errorFilter: { mode: 'DENY', patterns: expect.arrayContaining(['States.Runtime']) } },
      summary: { redriven: 2, skipped: 2, failed: 0, notAttempted: 0, byReason: { EXHAUSTED: 1, ERROR_NOT_ALLOWED: 1 } },
    });
    expect(report.executions).toHaveLength(4);
    expect(report.executions.find((e: any) => e.executionArn === orders('lambda-failed'))).toEqual({
      executionArn: orders('lambda-failed'),
      stateMachineArn: stateMachineArn('orders'),
      status: 'FAILED',
      stopDate: expect.any(String),
      redriveCount: 0,
      plan: { outcome: 'REDRIVE', detail: 'would redrive now' },
      outcome: 'REDRIVEN',
      detail: expect.stringMatching(/^redriven at /),
      redriveDate: expect.any(String),
    });
    expect(report.executions.find((e: any) => e.executionArn === orders('exhausted'))).toMatchObject({
      plan: { outcome: 'SKIPPED', reason: 'EXHAUSTED' }, outcome: 'SKIPPED', reason: 'EXHAUSTED',
    });
  });

  test('a redrive that fails is reported by reason and the exit status is 1; the others go on', async () => {
    for (const name of ['a', 'b', 'c']) addExecution(fake, 'orders', name);
    fake.faults.inject('RedriveExecution', { kind: 'error', code: 'AccessDeniedException', status: 400, message: 'not authorized' }, 1);

    const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--yes']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('redriven=2 skipped=0 failed=1\n');
    expect(run.stdout).toContain('by reason: AccessDeniedException=1\n');
    expect(run.stdout).toMatch(/not redriven after all:\nRESULT\s+REASON\s+EXECUTION\s+WHY\nfailed\s+AccessDeniedException\s+\S+\s+not authorized/);
  });

  test('an execution redriven by someone else between the check and the redrive is skipped, not redriven again', async () => {
    addExecution(fake, 'orders', 'raced');
    // The check sees it failed; then it is redriven elsewhere and fails again before the CLI acts.
    let described = 0;
    const original = fake.stepFunctions.handle.bind(fake.stepFunctions);
    fake.stepFunctions.handle = (operation: string, input: any) => {
      const answer = original(operation, input);
      if (operation === 'DescribeExecution' && ++described === 1) {
        original('RedriveExecution', { executionArn: orders('raced'), clientToken: 'someone-else' });
        fake.stepFunctions.stopAgain(orders('raced'));
      }
      return answer;
    };

    const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--yes', '--json']);

    expect(JSON.parse(run.stdout).executions[0]).toMatchObject({ outcome: 'SKIPPED', reason: 'REDRIVEN_SINCE_FAILURE' });
    expect(fake.stepFunctions.redrives.map((r) => r.clientToken)).toEqual(['someone-else']);
  });

  test('Ctrl-C stops after the call in flight, prints the summary and exits 130', async () => {
    for (let i = 0; i < 12; i++) addExecution(fake, 'orders', `slow${i}`);

    const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--yes', '--rate', '4'], {
      started: (child) => {
        let sent = false;
        child.stderr!.on('data', (chunk: Buffer) => {
          // Once it has begun redriving.
          if (!sent && String(chunk).includes('redriving')) {
            sent = true;
            child.kill('SIGINT');
          }
        });
        setTimeout(() => {
          if (!sent) {
            sent = true;
            child.kill('SIGINT');
          }
        }, 4_500);
      },
    });

    expect(run.code).toBe(130);
    expect(run.stderr).toContain('stopping after the calls in flight');
    const summary = /redriven=(\d+) skipped=0 failed=0 notAttempted=(\d+)/.exec(run.stdout);
    expect(summary).not.toBeNull();
    expect(Number(summary![1])).toBe(fake.stepFunctions.redrives.length);
    expect(Number(summary![2])).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/interrupted: \d+ execution\(s\) not attempted/);
  }, 30_000);
});
