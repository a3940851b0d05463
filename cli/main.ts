import { readFileSync } from 'fs';
import { join } from 'path';
import { createClients, CliClients } from './aws';
import { CliError, describeAwsError, ExitCode, UsageError } from './errors';
import { BIN, MAIN_HELP, REDRIVE_HELP, REPLAY_HELP } from './help';
import { parseRedriveOptions, parseReplayOptions } from './options';
import { redriveCommand } from './redrive';
import { replayCommand } from './replay';
import { Session } from './session';
import { Terminal } from './terminal';

export interface MainOptions {
  readonly clients?: () => CliClients;
  readonly now?: () => Date;
  /** Ends the process at once: a second Ctrl-C. */
  readonly exit?: (code: number) => void;
}

/** Runs one command line; resolves to the exit status. */
export async function main(argv: readonly string[], terminal: Terminal, options: MainOptions = {}): Promise<number> {
  const [command, ...args] = argv;
  // With --json, a run that ends on an error says so in its one JSON document.
  const errorJson = (exitCode: number, error: string) => {
    if (args.includes('--json')) terminal.out(JSON.stringify({ command, exitCode, error }, null, 2) + '\n');
  };
  const session = new Session(terminal, options.now);
  const stopListening = terminal.onInterrupt(() => {
    if (session.stopping()) {
      terminal.err('\nstopped.\n');
      errorJson(ExitCode.INTERRUPTED, 'stopped at once by a second Ctrl-C: the calls in flight may or may not have been made');
      (options.exit ?? process.exit)(ExitCode.INTERRUPTED);
      return;
    }
    session.interrupt();
    terminal.err('\nstopping after the calls in flight (Ctrl-C again to quit at once)...\n');
  });
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        terminal.out(MAIN_HELP);
        return command === undefined ? ExitCode.USAGE : ExitCode.OK;
      case '--version':
      case 'version':
        terminal.out(`${packageVersion()}\n`);
        return ExitCode.OK;
      case 'redrive': {
        const parsed = parseRedriveOptions([...args], session.now());
        if (parsed === 'help') return help(terminal, REDRIVE_HELP);
        needsAnswerOrYes(parsed, terminal);
        return await redriveCommand(parsed, (options.clients ?? createClients)(), session);
      }
      case 'replay': {
        const parsed = parseReplayOptions([...args]);
        if (parsed === 'help') return help(terminal, REPLAY_HELP);
        needsAnswerOrYes(parsed, terminal);
        return await replayCommand(parsed, (options.clients ?? createClients)(), session);
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}: the commands are redrive and replay`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      terminal.err(`${BIN}${command === 'redrive' || command === 'replay' ? ` ${command}` : ''}: ${error.message.split('\n').join(`\n${' '.repeat(BIN.length + 2)}`)}\n`);
      terminal.err(`Run \`${BIN} ${command === 'redrive' || command === 'replay' ? `${command} ` : ''}--help\` for the flags and examples.\n`);
      errorJson(ExitCode.USAGE, error.message);
      return ExitCode.USAGE;
    }
    const message = error instanceof CliError ? error.message : describeAwsError(error);
    terminal.err(`${BIN}: ${message}\n`);
    errorJson(ExitCode.FAILED, message);
    return ExitCode.FAILED;
  } finally {
    stopListening();
  }
}

/** The version in the package's package.json: the bundle is its assets/cli/index/index.js. */
function packageVersion(): string {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version;
}

function help(terminal: Terminal, text: string): number {
  terminal.out(text);
  return ExitCode.OK;
}

/** Acting needs a yes: from --yes, or from a person at a terminal. */
function needsAnswerOrYes(options: { dryRun: boolean; yes: boolean }, terminal: Terminal): void {
  if (!options.dryRun && !options.yes && !terminal.canAsk) {
    throw new UsageError('stdin is not a terminal, so the CLI cannot ask before it acts: add --yes to go ahead without a question, or --dry-run to look only');
  }
}
