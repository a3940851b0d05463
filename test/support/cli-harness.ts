import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { executionArn, STATE_MACHINE_ARN_PREFIX } from '../../tools/events';
import { ScaledClock } from '../../tools/fake-aws/clock';
import { FakeAws } from '../../tools/fake-aws/server';
import { FakeExecution } from '../../tools/fake-aws/step-functions';

/** The bundled CLI, as the package's bin runs it (built by the test task before the tests). */
export const CLI_BUNDLE = path.join(__dirname, '..', '..', 'assets', 'cli', 'index', 'index.js');

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Added to (or, with undefined values, taken out of) the environment pointing at the fake. */
  readonly env?: Record<string, string | undefined>;
  /** Called with the child once it has started: to send it signals. */
  readonly started?: (child: ChildProcess) => void;
  readonly stdin?: string;
  /** The Node.js executable that runs the CLI. Default: this process's. */
  readonly node?: string;
}

/**
 * The CLI in a child process, with a fresh home directory (no AWS profile), no instance metadata,
 * and the SDK's standard AWS_ENDPOINT_URL_* variables pointing at the fake.
 */
export function runCli(fake: FakeAws, args: string[], options: RunOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: mkdtempSync(path.join(tmpdir(), 'cli-home-')),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...fake.environment,
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [CLI_BUNDLE, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
    options.started?.(child);
  });
}

export function stateMachineArn(name: string): string {
  return `${STATE_MACHINE_ARN_PREFIX}${name}`;
}

/** A stopped execution of `stateMachine` in the fake (which registers the state machine). */
export function addExecution(
  fake: FakeAws,
  stateMachine: string,
  name: string,
  options: Parameters<FakeAws['stepFunctions']['addExecution']>[1] = {},
): FakeExecution {
  return fake.stepFunctions.addExecution(executionArn(stateMachine, name), options);
}

export function addStateMachine(fake: FakeAws, name: string, type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): void {
  fake.stepFunctions.addStateMachine(name, type);
}

/**
 * A fake AWS whose clock is the real one (scaled by 1): the CLI in its child process reads the real
 * clock, and compares the redriveDate Step Functions answers with the time it sent the call.
 */
export function startFake(): Promise<FakeAws> {
  return FakeAws.start(new ScaledClock(1));
}

/** A fresh fake for each test of the enclosing describe, closed after it: call the returned function for the current one. */
export function fakePerTest(): () => FakeAws {
  let fake: FakeAws;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.close();
  });
  return () => fake;
}
