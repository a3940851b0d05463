import { isExecutionArnParts, parseExecutionArn, stateMachineArnOf } from '../lambda/redrive/execution-arn';
import { parseFailureEvent } from '../lambda/redrive/failure-event';
import { BadEventError, isRecord, RedriveRequest } from '../lambda/redrive/request';
import { isScheduledRedrive, parseScheduledRedrive } from '../lambda/redrive/scheduled-redrive';
import { DeadLetterReason, LIBRARY_SOURCE } from '../src/shared/contract';

/**
 * The kinds of message in an AutoRedrive dead-letter queue:
 * - UNDELIVERED_EVENT: an event EventBridge (a rule's target) or EventBridge Scheduler (a due
 *   redrive) could not deliver to the handler: the event itself as the body, the error in the
 *   ERROR_CODE and ERROR_MESSAGE attributes;
 * - LAMBDA_ON_FAILURE: Lambda's record of an asynchronous invocation that failed after its retries:
 *   the event in `requestPayload`, the error in `responsePayload`;
 * - HANDLER: the handler's own message (DeadLetterMessage): an event it could not read, or a
 *   redrive Step Functions rejected.
 */
export type MessageKind = 'UNDELIVERED_EVENT' | 'LAMBDA_ON_FAILURE' | 'HANDLER';

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

/** The parts of an SQS message the reading needs. */
export interface QueueMessage {
  readonly MessageId?: string;
  readonly Body?: string;
  readonly MessageAttributes?: Record<string, { StringValue?: string }>;
}

const DEAD_LETTER_REASONS: string[] = Object.values(DeadLetterReason);

/** What a dead-letter message is about, as a redrive request with the trigger `replay`; or why it is not understood. */
export function readDeadLetter(message: QueueMessage): Understood | NotUnderstood {
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

  if (isRecord(body.requestContext) && 'requestPayload' in body) {
    const response = isRecord(body.responsePayload) ? body.responsePayload : {};
    const condition = typeof body.requestContext.condition === 'string' ? ` (${body.requestContext.condition})` : '';
    const error = `${String(response.errorType ?? 'Error')}: ${String(response.errorMessage ?? '')}${condition}`;
    const read = readEvent(body.requestPayload);
    if ('problem' in read) return notUnderstood(`a Lambda on-failure record whose requestPayload is not an event AutoRedrive handles: ${read.problem}`);
    return { kind: 'LAMBDA_ON_FAILURE', request: read.request, error };
  }

  const read = readEvent(body);
  if ('problem' in read) return notUnderstood(`not a Step Functions event, a scheduled redrive, a Lambda on-failure record or a handler's message: ${read.problem}`);
  const code = attribute('ERROR_CODE');
  const error = code === undefined ? undefined : `${code}: ${attribute('ERROR_MESSAGE') ?? ''}`;
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
