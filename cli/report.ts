import { Verdict } from './path';
import { Terminal } from './terminal';

/** The counts a run ends with: `redriven=N skipped=N failed=N` (and `wouldRedrive=N`, in a dry run), and by reason. */
export class Tally {
  redriven = 0;
  /** REDRIVE verdicts: a dry run's, or a plan's. */
  wouldRedrive = 0;
  /** Sweep runs sent back to the intake queue. */
  replayed = 0;
  skipped = 0;
  failed = 0;
  readonly byReason = new Map<string, number>();

  add(verdict: Verdict): void {
    switch (verdict.outcome) {
      case 'REDRIVEN':
        this.redriven += 1;
        return;
      case 'REDRIVE':
        this.wouldRedrive += 1;
        return;
      case 'REPLAY':
      case 'SCHEDULED':
        return;
      case 'REPLAYED':
        this.replayed += 1;
        return;
      case 'SKIPPED':
        this.skipped += 1;
        break;
      case 'FAILED':
        this.failed += 1;
        break;
    }
    this.byReason.set(verdict.reason, (this.byReason.get(verdict.reason) ?? 0) + 1);
  }

  get line(): string {
    return `redriven=${this.redriven}${this.wouldRedrive > 0 ? ` wouldRedrive=${this.wouldRedrive}` : ''}` +
      `${this.replayed > 0 ? ` replayed=${this.replayed}` : ''} skipped=${this.skipped} failed=${this.failed}`;
  }

  /** `REASON=N ...`, most frequent first. */
  get reasons(): string {
    return this.sortedReasons().map(([reason, count]) => `${reason}=${count}`).join(' ');
  }

  toJson(): { redriven: number; wouldRedrive: number; replayed: number; skipped: number; failed: number; byReason: Record<string, number> } {
    const { redriven, wouldRedrive, replayed, skipped, failed } = this;
    return { redriven, wouldRedrive, replayed, skipped, failed, byReason: Object.fromEntries(this.sortedReasons()) };
  }

  private sortedReasons(): [string, number][] {
    return [...this.byReason].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

const BAR_WIDTH = 30;
/** Without a terminal, a progress line at most this often, and at the end. */
const LOG_EVERY_MS = 2_000;

/** A progress bar on a terminal (stderr), a progress line every few seconds otherwise; nothing with --json. */
export class Progress {
  private done = 0;
  private lastLog = 0;

  constructor(
    private readonly terminal: Terminal,
    private readonly label: string,
    private readonly total: number,
    private readonly quiet: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  step(tally: Tally, rate: number): void {
    this.done += 1;
    if (this.quiet) return;
    const counts = `${tally.line} rate=${rate.toFixed(rate < 1 ? 1 : 0)}/s`;
    if (this.terminal.progressIsTty) {
      const filled = this.total === 0 ? BAR_WIDTH : Math.round((this.done / this.total) * BAR_WIDTH);
      this.terminal.err(`\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${this.done}/${this.total} ${counts}\u001b[K`);
      if (this.done === this.total) this.terminal.err('\n');
      return;
    }
    const time = this.now();
    if (this.done === this.total || time - this.lastLog >= LOG_EVERY_MS) {
      this.lastLog = time;
      this.terminal.err(`${this.label}: ${this.done}/${this.total} ${counts}\n`);
    }
  }

  /** Ends an unfinished bar's line (Ctrl-C). */
  end(): void {
    if (!this.quiet && this.terminal.progressIsTty && this.done < this.total) this.terminal.err('\n');
  }
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ').trimEnd()).join('\n') + '\n';
}

/** How a verdict reads in a table: the action and the reason. */
export function verdictCells(verdict: Verdict | undefined): [string, string] {
  if (!verdict) return ['not attempted', '-'];
  switch (verdict.outcome) {
    case 'REDRIVE': return ['redrive', '-'];
    case 'REDRIVEN': return ['redriven', '-'];
    case 'REPLAY': return ['replay', '-'];
    case 'REPLAYED': return ['replayed', '-'];
    case 'SCHEDULED': return ['scheduled', '-'];
    case 'SKIPPED': return ['skip', verdict.reason];
    case 'FAILED': return ['failed', verdict.reason];
  }
}
