import { ScheduleReason, SkipReason } from '../src/shared/contract';

/**
 * How one request ended, in the words the logs, metrics, outcome events and the CLI all use. A
 * thrown error is the other way: the trigger is retried (the handler) or counted as failed (the CLI).
 */
export type Outcome =
  | { readonly outcome: 'REDRIVEN'; readonly redriveDate?: string }
  | {
    readonly outcome: 'SCHEDULED';
    /** BACKOFF: the policy's delay. THROTTLED: the check or redrive was put off. */
    readonly scheduleReason: ScheduleReason;
    readonly scheduleName: string;
    readonly redriveAt: string;
    readonly delaySeconds: number;
    readonly clampedToRedriveWindow: boolean;
    /** THROTTLED: the call Step Functions throttled past the SDK's retries, and how many times the redrive has been put off. */
    readonly throttledBy?: string;
    readonly putOffs?: number;
  }
  | { readonly outcome: 'SKIPPED'; readonly reason: SkipReason; readonly detail: string }
  /**
   * Never worth retrying: Step Functions rejected the request, or the trigger is bad; the handler
   * keeps it in the dead-letter queue. `reason` says why: the error's name, or, once the handler has
   * dead-lettered it, the dead-letter reason.
   */
  | { readonly outcome: 'FAILED'; readonly reason: string; readonly error: string };

/** A cause can be 32 KiB of someone's stack trace; logs and events get its start. */
export const MAX_CAUSE_LENGTH = 256;

export function truncate(text: string | undefined, length: number): string | undefined {
  if (text === undefined || text.length <= length) return text;
  return `${text.slice(0, length)}…`;
}
