import { spawn } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { CLI_BUNDLE } from './cli-harness';
import { FakeAws } from '../../tools/fake-aws/server';

/** What a person types when the screen shows something: the first prompt that matches gets the keys. */
export interface Keystrokes {
  readonly when: RegExp;
  /** `\x03` is Ctrl-C: the terminal sends SIGINT. */
  readonly type: string;
}

export interface TerminalRun {
  readonly code: number | null;
  /** Everything the terminal showed: stdout and stderr together, as a person sees them. */
  readonly screen: string;
}

/**
 * The CLI in a real pseudo-terminal (util-linux `script`), so that it sees a person: stdin is a
 * terminal, it asks before it acts, and Ctrl-C is the terminal's interrupt key.
 */
export function runCliInTerminal(fake: FakeAws, args: string[], keystrokes: Keystrokes[]): Promise<TerminalRun> {
  const command = [process.execPath, CLI_BUNDLE, ...args].map(shellQuote).join(' ');
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: mkdtempSync(path.join(tmpdir(), 'cli-home-')),
    TERM: 'dumb',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...fake.environment,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    const pending = [...keystrokes];
    const watch = (chunk: Buffer) => {
      screen += String(chunk);
      while (pending.length > 0 && pending[0].when.test(screen)) child.stdin.write(pending.shift()!.type);
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
  });
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}
