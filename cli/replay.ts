import {
  ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueUrlCommand, Message, ReceiveMessageCommand, SendMessageCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import { checkConfiguration, CliClients } from './aws';
import { ConstructFacts, constructOf } from './construct-facts';
import { NotUnderstood, readDeadLetter, SweepRun, Understood } from './dead-letter';
import { CliError, describeAwsError, UsageError } from './errors';
import { policyJson, ReplayOptions } from './options';
import { detailOf, Verdict } from './path';
import { exitCodeOf, finalVerdict, planAndAct, tallyOf, writeJson } from './plan-and-act';
import { table, verdictCells } from './report';
import { Session } from './session';
import type { Looked } from '../core/redrive-path';
import { DeadLetterQueueTag, SkipReason } from '../src/shared/contract';
import { FRESH_EVENT_MS } from '../src/shared/limits';

/**
 * Skips that hold whatever the policy: the execution moved on since the failure (redriven, running,
 * succeeded), or can no longer be redriven. The message is done. Any other skip may come from a flag
 * that narrows this run, so the message stays; EXHAUSTED is done only at the construct's maxRedrives.
 */
const DONE_WHATEVER_THE_POLICY: readonly string[] = [
  SkipReason.ALREADY_REDRIVEN_OR_RUNNING,
  SkipReason.REDRIVEN_SINCE_FAILURE,
  SkipReason.NOT_REDRIVABLE,
  SkipReason.REDRIVE_WINDOW_CLOSED,
  SkipReason.MAP_RUN_CHILD,
];
const MAX_RECEIVE = 10;
const NOT_UNDERSTOOD = 'NOT_UNDERSTOOD';
const SWEEP_RUN = 'SWEEP_RUN';

interface Row {
  readonly message: Message;
  readonly read: Understood | SweepRun | NotUnderstood;
  plan?: Verdict;
  looked?: Looked;
  result?: Verdict;
  /** For a sweep run: the intake queue it goes back to. */
  intakeQueueUrl?: string;
  /** Deleted from the queue, or why it stays. */
  deleted?: boolean;
  deleteError?: string;
}

/** `replay`: read the dead-letter queue, check each failure, show, ask, redrive, delete what is done. */
export async function replayCommand(options: ReplayOptions, clients: CliClients, session: Session): Promise<number> {
  const { terminal } = session;
  const sqs = clients.sqs();
  await checkConfiguration(sqs);

  const construct = await constructOf(sqs, options.queueUrl);
  const rows = (await receiveAll(sqs, options, session)).map((message) => ({ message, read: readDeadLetter(message) }) as Row);
  const done = (row: Row, verdict: Verdict | undefined) => verdict !== undefined && isDone(verdict, row, construct);
  if (!options.json) terminal.err(`read ${rows.length} message(s) from ${options.queueUrl}\n`);
  for (const row of rows) {
    if (row.read.kind === 'NOT_UNDERSTOOD') row.plan = { outcome: 'FAILED', reason: NOT_UNDERSTOOD, error: row.read.problem };
    if (row.read.kind === 'SWEEP') {
      row.intakeQueueUrl = await intakeQueueUrlOf(sqs, row.read, construct, options.queueUrl);
      row.plan = row.intakeQueueUrl
        ? { outcome: 'REPLAY', detail: `a sweep run that could not finish: sent back to ${row.intakeQueueUrl}, it runs again` }
        : { outcome: 'SKIPPED', reason: SWEEP_RUN, detail: sweepAdvice(row.read) };
    }
  }

  const toRedrive: Row[] = [];
  const ended = await planAndAct({
    options,
    sfn: clients.path,
    session,
    toPlan: rows.filter((row) => row.read.kind !== 'NOT_UNDERSTOOD' && row.read.kind !== 'SWEEP'),
    requestOf,
    // A check as recent as a fresh event is acted on as the handler acts on a fresh event's word; an older one is looked at again.
    trustCheckForMs: FRESH_EVENT_MS,
    decide: async () => {
      // Ctrl-C before the answer: nothing is redriven or deleted.
      if (session.stopping()) return finish(sqs, rows, options, session);
      for (const row of rows) {
        if (row.plan?.outcome === 'SKIPPED' && row.plan.reason === SkipReason.EXHAUSTED && !done(row, row.plan)) {
          row.plan = {
            ...row.plan,
            detail: `${row.plan.detail}; ${construct.maxRedrives === undefined
              ? `the queue does not say the construct's maxRedrives (tag ${DeadLetterQueueTag.MAX_REDRIVES}): kept`
              : `the construct allows ${construct.maxRedrives}: kept`}`,
          };
        }
      }
      if (!options.json) terminal.out(planTable(rows, options.dryRun, construct));

      toRedrive.push(...firstPerExecution(rows.filter((row) => row.plan?.outcome === 'REDRIVE')));
      const toReplay = rows.filter((row) => row.plan?.outcome === 'REPLAY');
      const toDelete = rows.filter((row) => done(row, row.plan));
      if (options.dryRun) {
        for (const row of rows) if (row.plan?.outcome === 'REDRIVE') row.result = row.plan;
        return finish(sqs, rows, options, session);
      }
      if ((toRedrive.length > 0 || toReplay.length > 0 || toDelete.length > 0) && !options.yes) {
        const replays = toReplay.length > 0 ? `, send ${toReplay.length} sweep run(s) back to the intake queue` : '';
        const answer = await session.confirm(`Redrive ${toRedrive.length} execution(s)${replays}, then delete their messages and ${toDelete.length} message(s) ` +
          'about executions that can no longer be redriven? [y/N] ');
        if (session.stopping()) return finish(sqs, rows, options, session);
        if (!answer) {
          await release(sqs, rows, options);
          throw new CliError('nothing redriven or deleted: the answer was not yes');
        }
      }
      return toRedrive;
    },
  });
  if (ended !== undefined) return ended;
  for (const row of rows) {
    if (row.plan?.outcome === 'REPLAY' && !session.stopping()) row.result = await replaySweep(sqs, row);
  }
  // Other messages about an execution this run redrove are done with it.
  for (const row of rows) {
    if (row.plan?.outcome !== 'REDRIVE' || row.result) continue;
    const first = toRedrive.find((other) => requestOf(other).executionArn === requestOf(row).executionArn);
    if (first?.result) {
      row.result = first.result.outcome === 'REDRIVEN'
        ? { outcome: 'SKIPPED', reason: SkipReason.ALREADY_REDRIVEN_OR_RUNNING, detail: 'redriven for another message of this run' }
        : first.result;
    }
  }

  for (const row of rows) {
    if (done(row, finalVerdict(row))) await deleteMessage(sqs, options.queueUrl, row);
  }
  return finish(sqs, rows, options, session);
}

/** Reads up to --max messages, hiding each for the visibility timeout, until the queue answers with none. */
async function receiveAll(sqs: SQSClient, options: ReplayOptions, session: Session): Promise<Message[]> {
  const byId = new Map<string, Message>();
  while (!session.stopping() && (options.max === undefined || byId.size < options.max)) {
    const wanted = Math.min(MAX_RECEIVE, options.max === undefined ? MAX_RECEIVE : options.max - byId.size);
    let answer;
    try {
      answer = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: wanted,
        VisibilityTimeout: options.visibilityTimeout,
        // Long polling asks every SQS server, so an empty answer means an empty queue.
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp', 'DeadLetterQueueSourceArn'],
      }));
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue') {
        throw new UsageError(`queue ${options.queueUrl} does not exist (or is in another Region or account)`);
      }
      throw error;
    }
    const messages = answer.Messages ?? [];
    if (messages.length === 0) break;
    // A standard queue may deliver a message twice: the newest receipt handle is the one that deletes it.
    for (const message of messages) byId.set(message.MessageId ?? message.ReceiptHandle!, message);
  }
  return [...byId.values()];
}

/**
 * The intake queue a sweep run goes back to: the one it came from (the redrive policy's source, or
 * Scheduler's target), else the one the dead-letter queue's tag names, in its account and Region.
 */
async function intakeQueueUrlOf(sqs: SQSClient, sweep: SweepRun, construct: ConstructFacts, deadLetterQueueUrl: string): Promise<string | undefined> {
  const fromArn = sweep.intakeQueueArn?.split(':');
  const name = fromArn?.length === 6 ? fromArn[5] : construct.intakeQueueName;
  const account = fromArn?.length === 6 ? fromArn[4] : deadLetterQueueUrl.split('/').at(-2);
  if (!name) return undefined;
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }))).QueueUrl;
  } catch {
    return undefined;
  }
}

/** Sends a sweep run back to its intake queue: the handler runs it again, from where it stopped. */
async function replaySweep(sqs: SQSClient, row: Row): Promise<Verdict> {
  try {
    await sqs.send(new SendMessageCommand({ QueueUrl: row.intakeQueueUrl, MessageBody: JSON.stringify((row.read as SweepRun).payload) }));
    return { outcome: 'REPLAYED', detail: `sent back to ${row.intakeQueueUrl}: the sweep runs again` };
  } catch (error) {
    return { outcome: 'FAILED', reason: SWEEP_RUN, error: `could not send it back to ${row.intakeQueueUrl}: ${describeAwsError(error)}` };
  }
}

/** A sweep run names no execution: it stays, with what a person can do about it. */
function sweepAdvice(sweep: SweepRun): string {
  const where = sweep.intakeQueueArn ? `the intake queue ${sweep.intakeQueueArn}` : 'the AutoRedrive intake queue';
  return `a sweep run that could not ${sweep.error ? `finish (${sweep.error})` : 'finish'}: the next recurring sweep covers most of its look-back; ` +
    `to run it again, send this message's body to ${where}, then delete it`;
}

function requestOf(row: Row) {
  return (row.read as Understood).request;
}

function firstPerExecution(rows: Row[]): Row[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const arn = requestOf(row).executionArn;
    if (seen.has(arn)) return false;
    seen.add(arn);
    return true;
  });
}

/**
 * Redriven; or skipped for a reason that holds whatever the policy; or exhausted at the construct's
 * own maxRedrives, which its dead-letter queue says (a narrower --max-redrives only keeps the message).
 */
function isDone(verdict: Verdict, row: Row, construct: ConstructFacts): boolean {
  if (verdict.outcome === 'REDRIVEN' || verdict.outcome === 'REPLAYED') return true;
  if (verdict.outcome !== 'SKIPPED') return false;
  if (DONE_WHATEVER_THE_POLICY.includes(verdict.reason)) return true;
  if (verdict.reason !== SkipReason.EXHAUSTED || construct.maxRedrives === undefined) return false;
  const redriveCount = row.looked?.redriveCount ?? ('request' in row.read ? row.read.request.redriveCount : undefined);
  return redriveCount !== undefined && redriveCount >= construct.maxRedrives;
}

async function deleteMessage(sqs: SQSClient, queueUrl: string, row: Row): Promise<void> {
  try {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: row.message.ReceiptHandle }));
    row.deleted = true;
  } catch (error) {
    row.deleteError = describeAwsError(error);
  }
}

/** Makes the messages that stay visible again at once, for the next reader. */
async function release(sqs: SQSClient, rows: Row[], options: ReplayOptions): Promise<void> {
  for (const row of rows) {
    if (row.deleted) continue;
    try {
      const visibleNow = { QueueUrl: options.queueUrl, ReceiptHandle: row.message.ReceiptHandle, VisibilityTimeout: 0 };
      await sqs.send(new ChangeMessageVisibilityCommand(visibleNow));
    } catch {
      // Its visibility timeout already ran out, or another reader has it: visible to others either way.
    }
  }
}

function planTable(rows: Row[], dryRun: boolean, construct: ConstructFacts): string {
  if (rows.length === 0) return 'the queue holds no message\n';
  const header = ['MESSAGE', 'KIND', dryRun ? 'WOULD' : 'ACTION', 'REASON', 'EXECUTION', 'FAILED WITH', 'WHY'];
  return table([header, ...rows.map((row) => {
    const [action, reason] = row.plan && row.plan.outcome !== 'REDRIVE' && isDone(row.plan, row, construct) ? ['delete', verdictCells(row.plan)[1]] : verdictCells(row.plan);
    const understood = 'request' in row.read ? row.read : undefined;
    const why = [row.plan && row.plan.outcome !== 'REDRIVE' ? detailOf(row.plan) : '', understood?.note ?? ''].filter((text) => text).join('; ');
    return [row.message.MessageId ?? '-', row.read.kind, action, reason, understood?.request.executionArn ?? '-', shorten(understood?.error ?? '-', 60), why];
  })]);
}

async function finish(sqs: SQSClient, rows: Row[], options: ReplayOptions, session: Session): Promise<number> {
  await release(sqs, rows, options);
  const { tally, notAttempted } = tallyOf(rows);
  for (const row of rows) {
    if (row.deleteError) tally.add({ outcome: 'FAILED', reason: 'DELETE_FAILED', error: row.deleteError });
  }
  const deleted = rows.filter((row) => row.deleted).length;
  const kept = rows.length - deleted;
  const interrupted = session.stopping();
  if (options.json) {
    writeJson(session, 'replay', options, interrupted, {
      queueUrl: options.queueUrl,
      policy: policyJson(options),
      messages: rows.map((row) => messageJson(row)),
      summary: { ...tally.toJson(), notAttempted, deleted, kept },
    });
  } else {
    const stays = rows.filter((row) => !row.deleted);
    if (stays.length > 0 && !options.dryRun) {
      session.terminal.out('\nstays in the queue:\n' + table([['MESSAGE', 'REASON', 'WHY'], ...stays.map((row) => {
        const verdict = finalVerdict(row);
        return [row.message.MessageId ?? '-', row.deleteError ? 'DELETE_FAILED' : verdict ? verdictCells(verdict)[1] : 'not attempted',
          row.deleteError ?? (verdict ? detailOf(verdict) : 'interrupted before it was tried')];
      })]));
    }
    if (interrupted) session.terminal.out(`\ninterrupted: ${notAttempted} message(s) not attempted\n`);
    session.terminal.out(`${tally.line}${notAttempted > 0 ? ` notAttempted=${notAttempted}` : ''} deleted=${deleted} kept=${kept}\n`);
    if (tally.reasons) session.terminal.out(`by reason: ${tally.reasons}\n`);
  }
  return exitCodeOf(tally, interrupted);
}

function messageJson(row: Row): object {
  const verdict = finalVerdict(row);
  const understood = 'request' in row.read ? row.read : undefined;
  return {
    messageId: row.message.MessageId,
    kind: row.read.kind,
    executionArn: understood?.request.executionArn,
    error: understood?.error,
    note: understood?.note,
    outcome: verdict ? verdict.outcome : 'NOT_ATTEMPTED',
    ...(verdict && 'reason' in verdict ? { reason: verdict.reason } : {}),
    ...(verdict ? { detail: detailOf(verdict) } : {}),
    deleted: row.deleted === true,
    ...(row.deleteError ? { deleteError: row.deleteError } : {}),
  };
}

function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
