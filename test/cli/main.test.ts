import { ChildProcess } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { FakeAws } from '../../tools/fake-aws/server';
import { addExecution, CliRun, runCli, fakePerTest } from '../support/cli-harness';
import { aMessageNaming, escapeRegExp, naming } from '../support/messages';

const PACKAGE_VERSION: string = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;

/** With --json, stdout is exactly one JSON document, whatever the outcome. */
function document(run: CliRun): any {
  return JSON.parse(run.stdout);
}

/**
 * Sends Ctrl-C (SIGINT) `times` times, 200 ms apart, once the CLI has made its first call to the
 * fake: by then it listens for Ctrl-C, however long the machine took to start it.
 */
function interruptOnceCalling(fake: FakeAws, times = 1): (child: ChildProcess) => void {
  return (child) => {
    const watch = setInterval(() => {
      if (fake.calls.length === 0) return;
      clearInterval(watch);
      for (let i = 0; i < times; i++) setTimeout(() => child.kill('SIGINT'), i * 200);
    }, 20);
    child.once('exit', () => clearInterval(watch));
  };
}

describe('cdk-stepfunctions-redrive --json: one JSON document on stdout for every outcome', () => {
  const currentFake = fakePerTest();
  let fake: FakeAws;
  beforeEach(() => {
    fake = currentFake();
  });

  test.each([
    [['redrive', '--state-machine', 'orders', '--bogus', '--json'], naming('--bogus', 'redrive')],
    [['redrive', '--state-machine', 'orders', '--since', '2024-02-30', '--json', '--dry-run'], naming('--since', '2024-02-30')],
    [['redrive', '--state-machine', 'orders', '--json'], naming('stdin', '--yes')],
    [['replay', '--json'], naming('--queue-url')],
    [['sweep', '--json'], naming('"sweep"')],
  ])('a usage error, %j: exit 2, the error as JSON, the message on stderr too', async (args, expected) => {
    const run = await runCli(fake, args);

    expect(run.code).toBe(2);
    expect(document(run)).toEqual({ command: args[0], exitCode: 2, error: expect.stringMatching(expected) });
    expect(run.stderr).toMatch(expected);
  });

  test('an unknown state machine and a missing queue: exit 2, the error as JSON', async () => {
    const machine = await runCli(fake, ['redrive', '--state-machine', 'nope', '--yes', '--json']);
    const queue = await runCli(fake, ['replay', '--queue-url', `${fake.url}/123456789012/nope`, '--yes', '--json']);

    expect([machine.code, queue.code]).toEqual([2, 2]);
    expect(document(machine)).toEqual({ command: 'redrive', exitCode: 2, error: aMessageNaming('"nope"') });
    expect(document(queue)).toEqual({ command: 'replay', exitCode: 2, error: aMessageNaming('nope') });
  });

  test('an AWS error, and no credentials: exit 1, the error as JSON', async () => {
    addExecution(fake, 'orders', 'a');
    fake.faults.inject('ListExecutions', { kind: 'error', code: 'AccessDeniedException', status: 400, message: 'not authorized' }, 1);

    const denied = await runCli(fake, ['redrive', '--state-machine', 'orders', '--yes', '--json']);
    const anonymous = await runCli(fake, ['redrive', '--state-machine', 'orders', '--yes', '--json'], {
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    });

    expect([denied.code, anonymous.code]).toEqual([1, 1]);
    // The error AWS answered with, and what is missing.
    expect(document(denied)).toEqual({ command: 'redrive', exitCode: 1, error: aMessageNaming('not authorized') });
    expect(document(anonymous)).toEqual({ command: 'redrive', exitCode: 1, error: aMessageNaming('credentials') });
  });

  test('Ctrl-C: exit 130, the run\'s document says it was interrupted', async () => {
    for (let i = 0; i < 6; i++) addExecution(fake, 'orders', `slow${i}`);
    fake.setLatency(1_000);

    const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--yes', '--json'], { started: interruptOnceCalling(fake) });

    expect(run.code).toBe(130);
    expect(document(run)).toMatchObject({ command: 'redrive', interrupted: true, summary: { notAttempted: expect.any(Number) } });
  }, 30_000);

  test('a second Ctrl-C: exit 130 at once, and a document that says so', async () => {
    for (let i = 0; i < 6; i++) addExecution(fake, 'orders', `slow${i}`);
    fake.setLatency(3_000);

    const run = await runCli(fake, ['redrive', '--state-machine', 'orders', '--yes', '--json'], { started: interruptOnceCalling(fake, 2) });

    expect(run.code).toBe(130);
    expect(document(run)).toEqual({ command: 'redrive', exitCode: 130, error: aMessageNaming('Ctrl-C') });
  }, 30_000);
});

describe('cdk-stepfunctions-redrive: help, and clear errors before a command runs', () => {
  const currentFake = fakePerTest();
  let fake: FakeAws;
  beforeEach(() => {
    fake = currentFake();
  });

  test.each([
    [['--help'], /Usage:\n {2}cdk-stepfunctions-redrive redrive/],
    [['redrive', '--help'], /Examples:\n[\s\S]*--dry-run[\s\S]*Exit status:/],
    [['replay', '-h'], /Usage: cdk-stepfunctions-redrive replay --queue-url <url>[\s\S]*Examples:/],
    [['--help'], /cdk-stepfunctions-redrive --version +the version of the CLI/],
    [['--version'], new RegExp(`^${escapeRegExp(PACKAGE_VERSION)}\n$`)],
    [['version'], new RegExp(`^${escapeRegExp(PACKAGE_VERSION)}\n$`)],
  ])('%j prints help or the version and exits 0', async (args, expected) => {
    const run = await runCli(fake, args);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(expected);
    expect(fake.calls).toEqual([]);
  });

  test.each<[string[], RegExp, 'stdout' | 'stderr']>([
    [[], /Usage:/, 'stdout'],
    [['sweep'], naming('"sweep"', 'redrive', 'replay'), 'stderr'],
    [['redrive', '--state-machine', 'orders'], naming('stdin', '--yes'), 'stderr'],
  ])('%j is refused with exit status 2 and says why', async (args, expected, stream) => {
    const run = await runCli(fake, args);
    expect(run.code).toBe(2);
    expect(stream === 'stdout' ? run.stdout : run.stderr).toMatch(expected);
    expect(fake.calls).toEqual([]);
  });
});
