import { SFNClient } from '@aws-sdk/client-sfn';
import { ExitCode } from './errors';
import { PolicyOptions } from './options';
import { CliPath, failedVerdict, Verdict } from './path';
import { Progress, Tally } from './report';
import { runPaced } from './runner';
import { Session } from './session';
import { Pacer } from '../core/pacer';
import type { Looked } from '../core/redrive-path';
import { RedriveRequest } from '../core/request';

/** The slowest the CLI goes when Step Functions keeps throttling: one call every 5 seconds. */
export const SLOWEST_RATE = 0.2;
/** Calls that must succeed in a row before the rate climbs back toward the one the operator chose. */
const SUCCESSES_BEFORE_SPEEDUP = 10;

/** A row a command plans, then acts on: what the path would do, what it saw, and what it did. */
export interface PlannedRow {
  plan?: Verdict;
  looked?: Looked;
  result?: Verdict;
}

export interface PlanAndActSteps<T extends PlannedRow> {
  readonly options: PolicyOptions;
  /** The redrive path's Step Functions client. */
  readonly sfn: SFNClient;
  readonly session: Session;
  /** The rows to check with the path. */
  readonly toPlan: readonly T[];
  /** The request the path takes for a row. */
  readonly requestOf: (row: T) => RedriveRequest;
  /** Once every row is planned (or Ctrl-C): the rows to redrive, or the exit code to end with instead. */
  readonly decide: () => Promise<readonly T[] | number>;
  /**
   * How long a check stays good enough to act on without looking again: for ever when `decide`
   * makes sure the rows it returns have not moved on since; otherwise as long as a fresh event's word.
   */
  readonly trustCheckForMs: number;
}

/**
 * Checks each row with the path, at the operator's rate; lets the command show the plan and decide;
 * then redrives the rows it chose, at the same pace, with the redrive count the check saw. Returns
 * the exit code `decide` ended with, or undefined once the redrives are done (or Ctrl-C).
 */
export async function planAndAct<T extends PlannedRow>(steps: PlanAndActSteps<T>): Promise<number | undefined> {
  const { options, session, requestOf } = steps;
  const { terminal } = session;
  const path = new CliPath(steps.sfn, options, session.now);
  const pacer = new Pacer({ burst: 1, perSecond: options.rate }, 1, () => session.now().getTime(), {
    slowestPerSecond: SLOWEST_RATE,
    successesBeforeSpeedUp: SUCCESSES_BEFORE_SPEEDUP,
  });

  const planTally = new Tally();
  const checking = new Progress(terminal, 'checking', steps.toPlan.length, options.json);
  await runPaced(steps.toPlan, async (row) => path.plan(requestOf(row)), {
    pacer,
    rate: options.rate,
    stopping: session.stopping,
    failed: (_, error): { verdict: Verdict; looked?: Looked } => ({ verdict: failedVerdict(error) }),
    done: (row, { verdict, looked }) => {
      row.plan = verdict;
      row.looked = looked;
      planTally.add(verdict);
      checking.step(planTally, pacer.ratePerSecond);
    },
  });
  checking.end();

  const toRedrive = await steps.decide();
  if (typeof toRedrive === 'number') return toRedrive;

  const actTally = new Tally();
  const redriving = new Progress(terminal, 'redriving', toRedrive.length, options.json);
  const checkedRecently = (looked: Looked | undefined) =>
    looked?.redriveCount !== undefined && looked.at !== undefined && session.now().getTime() - looked.at < steps.trustCheckForMs;
  await runPaced(toRedrive, async (row) => path.act({
    ...requestOf(row),
    redriveCount: row.looked?.redriveCount ?? requestOf(row).redriveCount,
    checked: checkedRecently(row.looked),
  }), {
    pacer,
    rate: options.rate,
    stopping: session.stopping,
    failed: (_, error) => failedVerdict(error),
    done: (row, verdict) => {
      row.result = verdict;
      actTally.add(verdict);
      redriving.step(actTally, pacer.ratePerSecond);
    },
  });
  redriving.end();
  return undefined;
}

/** What a row ended with: what the act did, else the plan unless it was to redrive (never attempted then). */
export function finalVerdict(row: PlannedRow): Verdict | undefined {
  if (row.result) return row.result;
  return row.plan?.outcome === 'REDRIVE' ? undefined : row.plan;
}

/** The counts of what the rows ended with, and how many were never attempted. */
export function tallyOf(rows: readonly PlannedRow[]): { tally: Tally; notAttempted: number } {
  const tally = new Tally();
  let notAttempted = 0;
  for (const row of rows) {
    const verdict = finalVerdict(row);
    if (verdict) tally.add(verdict);
    else notAttempted += 1;
  }
  return { tally, notAttempted };
}

/** How a run ends: interrupted, failed if anything failed, OK otherwise. */
export function exitCodeOf(tally: Tally, interrupted: boolean): number {
  if (interrupted) return ExitCode.INTERRUPTED;
  return tally.failed > 0 ? ExitCode.FAILED : ExitCode.OK;
}

/** The --json document a run ends with: the command, whether it was a dry run or interrupted, then its own fields. */
export function writeJson(session: Session, command: string, options: PolicyOptions, interrupted: boolean, fields: object): void {
  session.terminal.out(JSON.stringify({ command, dryRun: options.dryRun, interrupted, ...fields }, null, 2) + '\n');
}
