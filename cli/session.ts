import { Terminal } from './terminal';

/** One run of a command: its terminal, its clock, and whether Ctrl-C asked it to stop. */
export class Session {
  private interrupted = false;

  constructor(readonly terminal: Terminal, private readonly clock: () => Date = () => new Date()) {}

  readonly now = (): Date => this.clock();

  /** True once Ctrl-C was pressed: take no new work; the calls in flight finish. */
  readonly stopping = (): boolean => this.interrupted;

  interrupt(): void {
    this.interrupted = true;
  }

  /** Asks a yes/no question; only `y` or `yes` is yes. */
  async confirm(question: string): Promise<boolean> {
    const answer = await this.terminal.ask(question);
    return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
  }
}
