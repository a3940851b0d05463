import { redriveDelaySeconds } from './delay';
import { isMapRunChild } from './execution-arn';
import { FailureEvent } from './failure-event';
import { ErrorFilterSpec, HandlerPolicy, SkipReason } from '../../src/shared/contract';
import { matchesAnyErrorPattern } from '../../src/shared/error-pattern';
import { REDRIVE_WINDOW_MS } from '../../src/shared/limits';

export type Skip = { readonly action: 'SKIP'; readonly reason: SkipReason; readonly detail: string };

export type Decision =
  /** Redrive after `delaySeconds`: 0 means now. `clamped` when the backoff wanted longer than the redrive window allows. */
  | { readonly action: 'REDRIVE'; readonly delaySeconds: number; readonly clamped: boolean }
  | Skip;

/** A delayed redrive is due at least this long before the redrive window closes. */
const WINDOW_SAFETY_MARGIN_MS = 60 * 60 * 1000;

/**
 * What the policy says to do about one failed execution, and when. Pure: the clock and the random
 * draw for jitter are inputs.
 */
export function decide(
  event: FailureEvent,
  policy: HandlerPolicy,
  stateMachineArns: ReadonlySet<string>,
  now: Date,
  random: number,
): Decision {
  const skip = checkPolicy(event, policy, stateMachineArns, now);
  if (skip) return skip;
  const wanted = redriveDelaySeconds(policy.backoff, event.redriveCount, random);
  const { delaySeconds, clamped } = withinRedriveWindow(wanted, event.stopDate, now);
  if (policy.dryRun) {
    return skipped(SkipReason.DRY_RUN, delaySeconds > 0 ? `dry run: would redrive in ${Math.ceil(delaySeconds)} s` : 'dry run: would redrive now');
  }
  return { action: 'REDRIVE', delaySeconds, clamped };
}

/**
 * Why the policy does not allow redriving this execution now, or undefined when it does. Checked
 * when a failure arrives and again when a delayed redrive is due. Dry run is the caller's to check.
 */
export function checkPolicy(
  event: FailureEvent,
  policy: HandlerPolicy,
  stateMachineArns: ReadonlySet<string>,
  now: Date,
): Skip | undefined {
  if (isMapRunChild(event.execution)) {
    return skipped(SkipReason.MAP_RUN_CHILD, 'a Distributed Map child execution is redriven through its parent');
  }
  if (!stateMachineArns.has(event.stateMachineArn)) {
    return skipped(SkipReason.STATE_MACHINE_NOT_CHOSEN, `${event.stateMachineArn} is not a watched state machine`);
  }
  if (!policy.statuses.includes(event.status)) {
    return skipped(SkipReason.STATUS_NOT_CHOSEN, `status ${event.status} is not one of ${policy.statuses.join(', ')}`);
  }
  if (event.redriveStatus !== undefined && event.redriveStatus !== 'REDRIVABLE') {
    return skipped(SkipReason.NOT_REDRIVABLE, `redriveStatus is ${event.redriveStatus}`);
  }
  if (event.redriveCount >= policy.maxRedrives) {
    return skipped(SkipReason.EXHAUSTED, `redriven ${event.redriveCount} times already, the most allowed is ${policy.maxRedrives}`);
  }
  if (!errorAllowed(event.error, policy.errorFilter)) {
    return skipped(SkipReason.ERROR_NOT_ALLOWED, `error ${event.error ?? '(none)'} is not allowed by the error filter`);
  }
  if (event.stopDate !== undefined && now.getTime() - event.stopDate > REDRIVE_WINDOW_MS) {
    return skipped(SkipReason.REDRIVE_WINDOW_CLOSED, `stopped at ${new Date(event.stopDate).toISOString()}, more than 14 days ago`);
  }
  return undefined;
}

export function errorAllowed(error: string | undefined, filter: ErrorFilterSpec): boolean {
  switch (filter.mode) {
    case 'ALL':
      return true;
    case 'ALLOW_ONLY':
      return error !== undefined && matchesAnyErrorPattern(error, filter.patterns);
    case 'DENY':
      return error === undefined || !matchesAnyErrorPattern(error, filter.patterns);
  }
}

/** Shortens a delay that would land after the redrive window (less a safety margin) closes. */
function withinRedriveWindow(delaySeconds: number, stopDate: number | undefined, now: Date): { delaySeconds: number; clamped: boolean } {
  if (stopDate === undefined || delaySeconds === 0) return { delaySeconds, clamped: false };
  const latestSeconds = (stopDate + REDRIVE_WINDOW_MS - WINDOW_SAFETY_MARGIN_MS - now.getTime()) / 1000;
  if (delaySeconds <= latestSeconds) return { delaySeconds, clamped: false };
  return { delaySeconds: Math.max(0, latestSeconds), clamped: true };
}

function skipped(reason: SkipReason, detail: string): Skip {
  return { action: 'SKIP', reason, detail };
}
