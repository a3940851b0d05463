import { DeadLetterReason, SkipReason } from '../../src/shared/contract';

/** How the handler finished with one event. A thrown error is the fifth way: retry, then DLQ. */
export type Outcome =
  | { readonly outcome: 'REDRIVEN'; readonly redriveDate?: string }
  | {
    readonly outcome: 'SCHEDULED';
    readonly scheduleName: string;
    readonly redriveAt: string;
    readonly alreadyScheduled: boolean;
    readonly delaySeconds: number;
    readonly clampedToRedriveWindow: boolean;
  }
  | { readonly outcome: 'SKIPPED'; readonly reason: SkipReason; readonly detail: string }
  | { readonly outcome: 'DEAD_LETTERED'; readonly reason: DeadLetterReason; readonly error: string };

/** What is known of the execution an event is about; as much as could be read. */
export interface Subject {
  readonly eventId: string;
  readonly executionArn?: string;
  readonly stateMachineArn?: string;
  readonly status?: string;
  readonly redriveCount?: number;
  readonly error?: string;
  readonly cause?: string;
  /** True when a delayed redrive fired. */
  readonly scheduled?: boolean;
}

export type LogAttributes = Record<string, unknown>;

/** The part of Powertools' Logger the handler uses. */
export interface DecisionLogger {
  info(message: string, attributes: LogAttributes): void;
  warn(message: string, attributes: LogAttributes): void;
  error(message: string, attributes: LogAttributes): void;
}

/** A cause can be 32 KiB of someone's stack trace; logs and events get its start. */
export const MAX_CAUSE_LENGTH = 256;

export function truncate(text: string | undefined, length: number): string | undefined {
  if (text === undefined || text.length <= length) return text;
  return `${text.slice(0, length)}…`;
}
