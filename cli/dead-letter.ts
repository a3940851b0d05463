import { isExecutionArnParts, parseExecutionArn, stateMachineArnOf } from '../core/execution-arn';
import { parseFailureEvent } from '../core/failure-event';
import { BadEventError, isRecord, RedriveRequest } from '../core/request';
import { isScheduledRedrive, parseScheduledRedrive } from '../core/scheduled-redrive';
import { isSweep } from '../core/sweep-request';
import { DeadLetterReason, LIBRARY_SOURCE } from '../src/shared/contract';

/**
 * The kinds of message in an AutoRedrive dead-letter queue:
 * - INTAKE: a message of the intake queue (a Step Functions event or a due redrive, as it was) that
 *   the handler failed on each of its receives, moved by the intake queue's redrive policy: SQS
 *   marks it with the DeadLetterQueueSourceArn attribute;
 * - UNDELIVERED_EVENT: an event EventBridge (a rule's target) or EventBridge Scheduler (a due
 *   redrive) could not deliver to the intake queue: the event itself as the body, the error in the
 *   ERROR_CODE and ERROR_MESSAGE attributes;
 * - HANDLER: the handler's own message (DeadLetterMessage): an event it could not read, or a
 *   redrive Step Functions rejected.
 * A sweep run (the recurring sweep's payload or a follow-up's), from the intake queue or from
 * Scheduler, is a SweepRun: it names no execution, so it is not redriven.
 */
export type MessageKind = 'INTAKE' | 'UNDELIVERED_EVENT' | 'HANDLER';

export interface Understood {
  readonly kind: MessageKind;
  readonly request: RedriveRequest;
  /** What went wrong when the message was written, as it says. */
  readonly error?: string;
  /** How the request was read, when it is not the plain event. */
  readonly note?: string;
}

export interface NotUnderstood {
  readonly kind: 'NOT_UNDERSTOOD';
  readonly problem: string;
}

/** A sweep run that could not run or finish: what a person can do with it. */
export interface SweepRun {
  readonly kind: 'SWEEP';
  /** The sweep payload, as the intake queue takes it. */
  readonly payload: unknown;
  /** The intake queue it came from (or was meant for), when the message says. */
  readonly intakeQueueArn?: string;
  readonly error?: string;
}

/** The parts of an SQS message the reading needs. */
export interface QueueMessage {
  readonly MessageId?: string;
  readonly Body?: string;
  readonly MessageAttributes?: Record<string, { StringValue?: string }>;
  /** System attributes: DeadLetterQueueSourceArn for a message a redrive policy moved. */
  readonly Attributes?: Partial<Record<string, string>>;
}

const DEAD_LETTER_REASONS: string[] = Object.values(DeadLetterReason);

/** What a dead-letter message is about, as a redrive request with the trigger `replay`; or why it is not understood. */
export function readDeadLetter(message: QueueMessage): Understood | SweepRun | NotUnderstood {
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    return notUnderstood('the body is not JSON');
  }
  if (!isRecord(body)) return notUnderstood('the body is not a JSON object');
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;

  if (isHandlerMessage(body)) {
    const error = `${body.reason}: ${String(body.error ?? '')}`;
    if (body.eventTruncated !== true) {
      const read = readEvent(body.event);
      if ('request' in read) return { kind: 'HANDLER', request: read.request, error };
      return byExecutionArn(body.executionArn, error, `the event could not be read (${read.problem})`);
    }
    return byExecutionArn(body.executionArn, error, 'the event was cut short to fit in the message');
  }

  const code = attribute('ERROR_CODE');
  const error = code === undefined ? undefined : `${code}: ${attribute('ERROR_MESSAGE') ?? ''}`;
  const movedFrom = message.Attributes?.DeadLetterQueueSourceArn;
  const receivesExhausted = 'the handler failed it on each of its receives from the intake queue (its log says why)';
  if (isSweep(body)) {
    const intakeQueueArn = movedFrom ?? attribute('TARGET_ARN');
    return { kind: 'SWEEP', payload: body, error: movedFrom ? receivesExhausted : error, ...(intakeQueueArn ? { intakeQueueArn } : {}) };
  }
  const read = readEvent(body);
  if ('problem' in read) {
    return notUnderstood(`not a Step Functions event, a scheduled redrive, a sweep or a handler's message: ${read.problem}`);
  }
  if (movedFrom) return { kind: 'INTAKE', request: read.request, error: receivesExhausted };
  return { kind: 'UNDELIVERED_EVENT', request: read.request, error };
}

function isHandlerMessage(body: Record<string, unknown>): boolean {
  return body.source === LIBRARY_SOURCE && typeof body.reason === 'string' && DEAD_LETTER_REASONS.includes(body.reason) && 'event' in body;
}

/** A Step Functions event or a scheduled redrive, parsed by the handler's own functions. */
function readEvent(event: unknown): { request: RedriveRequest } | { problem: string } {
  try {
    const parsed = isScheduledRedrive(event) ? parseScheduledRedrive(event) : parseFailureEvent(event);
    return { request: { ...parsed, trigger: 'replay', backoffWaited: true, putOffs: 0 } };
  } catch (error) {
    if (error instanceof BadEventError) return { problem: error.problems.join('; ') };
    throw error;
  }
}

/** A handler's message whose event cannot be used: the execution it names, checked as it is now. */
function byExecutionArn(executionArn: unknown, error: string, why: string): Understood | NotUnderstood {
  const parsed = typeof executionArn === 'string' ? parseExecutionArn(executionArn) : undefined;
  if (!parsed || !isExecutionArnParts(parsed)) return notUnderstood(`a handler's message that names no execution, and ${why}`);
  return {
    kind: 'HANDLER',
    error,
    note: `${why}: checked by its executionArn`,
    request: {
      trigger: 'replay',
      eventId: '(dead letter)',
      executionArn: executionArn as string,
      execution: parsed,
      stateMachineArn: stateMachineArnOf(parsed),
      backoffWaited: true,
      putOffs: 0,
    },
  };
}

function notUnderstood(problem: string): NotUnderstood {
  return { kind: 'NOT_UNDERSTOOD', problem };
}
