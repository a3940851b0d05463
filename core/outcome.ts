import { DeadLetterReason, ScheduleReason, SkipReason } from '../src/shared/contract';

/** How the handler finished with one trigger. A thrown error is the fifth way: Lambda retries, then the DLQ. */
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
  }
  | { readonly outcome: 'SKIPPED'; readonly reason: SkipReason; readonly detail: string }
  | { readonly outcome: 'DEAD_LETTERED'; readonly reason: DeadLetterReason; readonly error: string };

/** A cause can be 32 KiB of someone's stack trace; logs and events get its start. */
export const MAX_CAUSE_LENGTH = 256;

export function truncate(text: string | undefined, length: number): string | undefined {
  if (text === undefined || text.length <= length) return text;
  return `${text.slice(0, length)}…`;
}
