import { checkConfiguration, CliClients, listStoppedExecutions, resolveStateMachines, StateMachine } from './aws';
import { CliError } from './errors';
import { policyJson, RedriveOptions } from './options';
import { detailOf, Verdict } from './path';
import { exitCodeOf, finalVerdict, planAndAct, tallyOf, writeJson } from './plan-and-act';
import { table, verdictCells } from './report';
import { Session } from './session';
import { isExecutionArnParts, parseExecutionArn, stateMachineArnOf } from '../core/execution-arn';
import type { Looked } from '../core/redrive-path';
import { RedriveRequest } from '../core/request';
import type { ListedExecution } from '../core/step-functions';
import { SkipReason } from '../src/shared/contract';

/** The latest date a Date holds: a listing with no upper bound. */
const END_OF_TIME = new Date(8.64e15);

interface Row {
  readonly execution: ListedExecution;
  readonly request?: RedriveRequest;
  plan?: Verdict;
  looked?: Looked;
  result?: Verdict;
}

/** `redrive`: list, check, show, ask, redrive at a pace, summarize. */
export async function redriveCommand(options: RedriveOptions, clients: CliClients, session: Session): Promise<number> {
  const { terminal } = session;
  const say = (text: string) => {
    if (!options.json) terminal.err(text);
  };
  await checkConfiguration(clients.list);

  const stateMachines = await resolveStateMachines(clients.list, options.stateMachines, options.namePrefixes);
  say(`listing ${options.statuses.join(', ')} executions of ${stateMachines.length} state machine(s) stopped from ${options.since.toISOString()} to ${options.until.toISOString()}\n`);
  const rows: Row[] = [];
  for (const stateMachine of stateMachines) {
    const executions = await listStoppedExecutions(clients.list, stateMachine, options.statuses, options.since, options.until, session.stopping);
    for (const execution of executions) rows.push({ execution, request: requestOf(execution) });
  }
  rows.sort((a, b) => (a.execution.stopDate ?? 0) - (b.execution.stopDate ?? 0));
  for (const row of rows) if (!row.request) row.plan = { outcome: 'FAILED', reason: 'InvalidArn', error: `${row.execution.executionArn} is not an execution ARN` };

  const ended = await planAndAct({
    options,
    sfn: clients.path,
    session,
    toPlan: rows.filter((row) => row.request),
    requestOf: (row) => row.request!,
    // Just before the act, one listing skips what moved on since the check.
    trustCheckForMs: Number.POSITIVE_INFINITY,
    decide: async () => {
      const planned = rows.filter((row) => row.plan?.outcome === 'REDRIVE');
      if (!options.json && !session.stopping()) terminal.out(planTable(rows, stateMachines, options.dryRun));

      if (options.dryRun) {
        for (const row of planned) row.result = row.plan;
        return finish(rows, stateMachines, options, session);
      }
      if (planned.length > 0 && !session.stopping() && !options.yes) {
        const answer = await session.confirm(`Redrive ${planned.length} execution(s) at up to ${options.rate} a second? [y/N] `);
        if (!answer) throw new CliError('nothing redriven: the answer was not yes');
      }
      if (planned.length > 0) await skipMovedOn(planned, stateMachines, options, clients, session);
      return planned.filter((row) => !row.result);
    },
  });
  if (ended !== undefined) return ended;
  return finish(rows, stateMachines, options, session);
}

/**
 * The act redrives with the redrive count the plan saw: an execution redriven since (by a person, or
 * with another token) is skipped instead, on one listing rather than a DescribeExecution each.
 */
async function skipMovedOn(
  planned: Row[], stateMachines: StateMachine[], options: RedriveOptions, clients: CliClients, session: Session,
): Promise<void> {
  const listed = new Map<string, ListedExecution>();
  for (const stateMachine of stateMachines.filter((machine) => planned.some((row) => row.request!.stateMachineArn === machine.arn))) {
    const executions = await listStoppedExecutions(clients.list, stateMachine, options.statuses, options.since, END_OF_TIME, session.stopping);
    for (const execution of executions) listed.set(execution.executionArn, execution);
  }
  if (session.stopping()) return;
  for (const row of planned) {
    const now = listed.get(row.request!.executionArn);
    const count = now?.redriveCount ?? 0;
    if (!now) {
      row.result = { outcome: 'SKIPPED', reason: SkipReason.ALREADY_REDRIVEN_OR_RUNNING, detail: `no longer ${options.statuses.join(' or ')} since the check` };
    } else if (count !== row.looked?.redriveCount) {
      const detail = `the check saw redrive count ${row.looked?.redriveCount}, the execution is at ${count} now`;
      row.result = { outcome: 'SKIPPED', reason: SkipReason.REDRIVEN_SINCE_FAILURE, detail };
    }
  }
}

/** The request the one redrive path takes for a listed execution: what the list says is a claim, which may only skip. */
function requestOf(execution: ListedExecution): RedriveRequest | undefined {
  const parsed = execution.executionArn ? parseExecutionArn(execution.executionArn) : undefined;
  if (!parsed || !isExecutionArnParts(parsed)) return undefined;
  return {
    trigger: 'cli',
    eventId: 'cli',
    executionArn: execution.executionArn!,
    execution: parsed,
    stateMachineArn: stateMachineArnOf(parsed),
    redriveCount: execution.redriveCount,
    claim: { status: execution.status, redriveCount: execution.redriveCount, stopDate: execution.stopDate },
    backoffWaited: true,
    putOffs: 0,
  };
}

function planTable(rows: Row[], stateMachines: StateMachine[], dryRun: boolean): string {
  if (rows.length === 0) return `no matching executions in ${stateMachines.map((machine) => machine.name).join(', ')}\n`;
  const header = [dryRun ? 'WOULD' : 'ACTION', 'REASON', 'STATUS', 'REDRIVES', 'STOPPED', 'EXECUTION', 'WHY'];
  return table([header, ...rows.map((row) => {
    const [action, reason] = verdictCells(row.plan);
    return [action, reason, row.execution.status ?? '-', String(row.looked?.redriveCount ?? row.execution.redriveCount ?? '-'),
      isoDate(row.execution.stopDate) ?? '-', row.execution.executionArn ?? '-', row.plan && row.plan.outcome !== 'REDRIVE' ? detailOf(row.plan) : ''];
  })]);
}

function finish(rows: Row[], stateMachines: StateMachine[], options: RedriveOptions, session: Session): number {
  const { tally, notAttempted } = tallyOf(rows);
  const interrupted = session.stopping();
  if (options.json) {
    writeJson(session, 'redrive', options, interrupted, {
      stateMachines: stateMachines.map((machine) => machine.arn),
      since: options.since.toISOString(),
      until: options.until.toISOString(),
      policy: policyJson(options),
      executions: rows.map((row) => executionJson(row)),
      summary: { ...tally.toJson(), notAttempted },
    });
  } else {
    const late = rows.filter((row) => row.plan?.outcome === 'REDRIVE' && row.result && row.result.outcome !== 'REDRIVEN' && !options.dryRun);
    if (late.length > 0) {
      session.terminal.out('\nnot redriven after all:\n' + table([['RESULT', 'REASON', 'EXECUTION', 'WHY'], ...late.map((row) =>
        [...verdictCells(row.result), row.execution.executionArn ?? '-', detailOf(row.result!)])]));
    }
    if (interrupted) session.terminal.out(`\ninterrupted: ${notAttempted} execution(s) not attempted\n`);
    session.terminal.out(`${tally.line}${notAttempted > 0 ? ` notAttempted=${notAttempted}` : ''}\n`);
    if (tally.reasons) session.terminal.out(`by reason: ${tally.reasons}\n`);
  }
  return exitCodeOf(tally, interrupted);
}

function executionJson(row: Row): object {
  const verdict = finalVerdict(row);
  return {
    executionArn: row.execution.executionArn,
    stateMachineArn: row.execution.stateMachineArn,
    status: row.execution.status,
    stopDate: isoDate(row.execution.stopDate),
    redriveCount: row.looked?.redriveCount ?? row.execution.redriveCount,
    plan: row.plan ? { outcome: row.plan.outcome, ...reasonAndDetail(row.plan) } : undefined,
    outcome: verdict ? verdict.outcome : 'NOT_ATTEMPTED',
    ...(verdict ? reasonAndDetail(verdict) : {}),
    ...(verdict?.outcome === 'REDRIVEN' && verdict.redriveDate ? { redriveDate: verdict.redriveDate } : {}),
  };
}

function reasonAndDetail(verdict: Verdict): { reason?: string; detail: string } {
  return 'reason' in verdict ? { reason: verdict.reason, detail: detailOf(verdict) } : { detail: detailOf(verdict) };
}

function isoDate(epochMs: number | undefined): string | undefined {
  return epochMs === undefined ? undefined : new Date(epochMs).toISOString();
}
