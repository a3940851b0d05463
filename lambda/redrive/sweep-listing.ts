import { SFNClient } from '@aws-sdk/client-sfn';
import type { SweepRun } from './sweep-run';
import { classifyFailure, errorName } from '../../core/aws-errors';
import { sleep } from '../../core/pacer';
import { listExecutionsPage, ListedExecution, listStateMachinesPage, Page } from '../../core/step-functions';
import { SweepCursor, SweepSelection } from '../../src/shared/contract';

/** Where the sweep is: a state machine, one of its listings, a page of it, and the last execution handled there. */
export type Position = Pick<SweepCursor, 'stateMachineArn' | 'status' | 'redriven' | 'pageToken' | 'after'>;

/** A page's executions to send through the path, in order; or where the sweep must stop, for a follow-up to continue. */
export type SweepStep =
  | { readonly position: Position; readonly candidates: readonly ListedExecution[] }
  | { readonly stopAt: Position };

/**
 * The executions to sweep, page by page, over (state machine × status × never redriven, then
 * redriven) from the cursor on: for each status, the executions never redriven (newest first by
 * start, back to the look-back), then those redriven at least once (all of them: a redrive does not
 * change an execution's start, so a re-failure is found by when it stopped). A state machine deleted
 * or no longer watched has nothing to sweep. Yields a stop, and ends, when the sweep must hand over.
 */
export async function* executionPages(run: SweepRun, stateMachineArns: readonly string[]): AsyncGenerator<SweepStep> {
  for (const start of listingsFrom(stateMachineArns, run.request.detail.statuses, run.request.cursor)) {
    let position = start;
    for (;;) {
      if (run.mustStop(run.listPacer.delayMs())) {
        yield { stopAt: position };
        return;
      }
      const page = await readPage(run, position);
      if (page === 'STOP') {
        yield { stopAt: position };
        return;
      }
      if (page === 'GONE') break;
      run.counts.pages++;
      const { candidates, reachedLookBack } = candidatesOf(page, position, run.lookBackStart);
      yield { position, candidates };
      run.progressed = true;
      if (reachedLookBack || page.nextToken === undefined) break;
      position = { ...position, pageToken: page.nextToken, after: undefined };
    }
  }
}

/** The first position of each listing left, resuming the cursor's listing at its page and execution. */
function* listingsFrom(stateMachineArns: readonly string[], statuses: readonly string[], cursor: SweepCursor | undefined): Generator<Position> {
  const listings = statuses.flatMap((status) => [{ status, redriven: false }, { status, redriven: true }]);
  const first = cursor ? stateMachineArns.findIndex((arn) => arn >= cursor.stateMachineArn) : 0;
  for (const stateMachineArn of stateMachineArns.slice(first < 0 ? stateMachineArns.length : first)) {
    const resuming = cursor !== undefined && stateMachineArn === cursor.stateMachineArn;
    const firstListing = resuming
      ? Math.max(0, listings.findIndex((listing) => listing.status === cursor.status && listing.redriven === (cursor.redriven === true)))
      : 0;
    for (const [index, listing] of listings.entries()) {
      if (index < firstListing) continue;
      const resumeHere = resuming && index === firstListing;
      yield { stateMachineArn, ...listing, pageToken: resumeHere ? cursor.pageToken : undefined, after: resumeHere ? cursor.after : undefined };
    }
  }
}

/** One ListExecutions page; GONE when the state machine cannot be listed for good, STOP when the invocation must hand over. */
async function readPage(run: SweepRun, position: Position): Promise<Page<ListedExecution> | 'GONE' | 'STOP'> {
  const { stateMachineArn, status, redriven, pageToken } = position;
  try {
    const redriveFilter = redriven ? 'REDRIVEN' : 'NOT_REDRIVEN';
    const list = () => listExecutionsPage(run.deps.sfn, stateMachineArn, status, redriveFilter, pageToken, run.limits.pageSize, run.signal);
    return await pacedList(run, list, true);
  } catch (error) {
    if (run.cutOff()) return 'STOP';
    if (['StateMachineDoesNotExist', 'ACCESS_DENIED'].includes(gone(error))) return 'GONE';
    throw error;
  }
}

/** The page's executions after the one last handled, before the look-back; for a redriven listing, those that stopped within it. */
function candidatesOf(
  page: Page<ListedExecution>,
  position: Position,
  lookBackStart: number,
): { candidates: ListedExecution[]; reachedLookBack: boolean } {
  const resumeAfter = page.items.findIndex((item) => item.executionArn === position.after);
  const candidates: ListedExecution[] = [];
  for (const item of page.items.slice(resumeAfter + 1)) {
    if (!position.redriven && item.startDate !== undefined && item.startDate < lookBackStart) return { candidates, reachedLookBack: true };
    const lastStop = item.stopDate ?? item.redriveDate;
    if (position.redriven && lastStop !== undefined && lastStop < lookBackStart) continue;
    candidates.push(item);
  }
  return { candidates, reachedLookBack: false };
}

/**
 * A List* call, paced to the sweep's share of the quota; throttled past the SDK's retries, it waits
 * and tries again, or (when `mayStop`) gives STOP once waiting would pass the time to hand over.
 */
async function pacedList<T>(run: SweepRun, call: () => Promise<T>, mayStop: true): Promise<T | 'STOP'>;
async function pacedList<T>(run: SweepRun, call: () => Promise<T>, mayStop: false): Promise<T>;
async function pacedList<T>(run: SweepRun, call: () => Promise<T>, mayStop: boolean): Promise<T | 'STOP'> {
  for (let attempt = 0; ; attempt++) {
    await run.listPacer.take(run.signal);
    try {
      const result = await call();
      run.listPacer.speedUp();
      return result;
    } catch (error) {
      if (classifyFailure(error) !== 'THROTTLED' || errorName(error) === 'ExecutionLimitExceeded') throw error;
      run.counts.throttled++;
      run.listPacer.slowDown();
      const waitMs = Math.min(1000 * 2 ** attempt, 8000) * (0.5 + run.deps.random() / 2);
      if (mayStop && Date.now() + waitMs + run.listPacer.delayMs() >= run.stopAt) return 'STOP';
      await sleep(waitMs, run.signal);
    }
  }
}

/** The watched Standard state machines' ARNs, each once, in order: the list, or ListStateMachines filtered by prefix and type. */
export async function watchedStateMachines(run: SweepRun, selection: SweepSelection, client: SFNClient): Promise<string[]> {
  if (selection.kind === 'LIST') return [...new Set(selection.stateMachineArns)].sort();
  const arns: string[] = [];
  let pageToken: string | undefined;
  do {
    const token = pageToken;
    const page = await pacedList(run, () => listStateMachinesPage(client, token, run.limits.pageSize, run.signal), false);
    for (const machine of page.items) {
      if (machine.type !== 'STANDARD') continue;
      if (selection.kind === 'PREFIXES' && !selection.namePrefixes.some((prefix) => machine.name.startsWith(prefix))) continue;
      arns.push(machine.stateMachineArn);
    }
    pageToken = page.nextToken;
  } while (pageToken !== undefined);
  return [...new Set(arns)].sort();
}

/** Why ListExecutions of a state machine cannot be answered for good: it was deleted, or the role no longer covers it. */
function gone(error: unknown): string {
  return classifyFailure(error) === 'ACCESS_DENIED' ? 'ACCESS_DENIED' : errorName(error);
}
