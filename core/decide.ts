import { redriveDelaySeconds } from './delay';
import { ExecutionFacts, RedriveRequest } from './request';
import { ErrorFilterSpec, HandlerPolicy, SkipReason } from '../src/shared/contract';
import { matchesAnyErrorPattern } from '../src/shared/error-pattern';
import { CLIENT_TOKEN_MEMORY, FRESH_EVENT_MS, REDRIVE_WINDOW_MS } from '../src/shared/limits';

export type Skip = { readonly action: 'SKIP'; readonly reason: SkipReason; readonly detail: string };

export type Decision =
  | { readonly action: 'REDRIVE' }
  /** Redrive after `delaySeconds`; `clamped` when the backoff wanted longer than the redrive window allows. */
  | { readonly action: 'SCHEDULE'; readonly delaySeconds: number; readonly clamped: boolean }
  | Skip;

/** A delayed redrive is due at least this long before the redrive window closes. */
const WINDOW_SAFETY_MARGIN_MS = 60 * 60 * 1000;
/** An event's stop date this far ahead of the handler's clock is clock skew, not a stop in the future. */
const CLOCK_SKEW_MS = 5_000;
const RUNNING_STATUSES = ['RUNNING', 'PENDING_REDRIVE'];

/**
 * What the policy says to do with an execution whose state is `facts`: skip it with a reason,
 * redrive it now, or redrive it after the backoff's delay. Pure: the clock and the random draw for
 * jitter are inputs. Dry run is the caller's to apply, so that it can say what would have happened.
 */
export function decide(facts: ExecutionFacts, policy: HandlerPolicy, now: Date, random: number, backoffWaited: boolean): Decision {
  const skip = policySkip(facts, policy, now);
  if (skip) return skip;
  if (backoffWaited) return { action: 'REDRIVE' };
  const wanted = redriveDelaySeconds(policy.backoff, facts.redriveCount ?? 0, random);
  const { delaySeconds, clamped } = withinRedriveWindow(wanted, facts.stopDate, now);
  return delaySeconds > 0 ? { action: 'SCHEDULE', delaySeconds, clamped } : { action: 'REDRIVE' };
}

/**
 * Why the policy does not allow redriving an execution in the state `facts` says, or undefined
 * when it does. Applied to what DescribeExecution says, and to what an event says (it may skip on
 * its own word: a newer failure has its own event); for an event, `claimOnly`, a field it leaves
 * out is unknown, and skips nothing.
 */
export function policySkip(facts: ExecutionFacts, policy: HandlerPolicy, now: Date, claimOnly = false): Skip | undefined {
  if (!policy.statuses.includes(facts.status)) {
    return skipped(SkipReason.STATUS_NOT_CHOSEN, `status ${facts.status} is not one of ${policy.statuses.join(', ')}`);
  }
  if (facts.redriveStatus !== undefined && facts.redriveStatus !== 'REDRIVABLE') {
    return skipped(SkipReason.NOT_REDRIVABLE, `redriveStatus is ${facts.redriveStatus}`);
  }
  if (facts.redriveCount !== undefined && facts.redriveCount >= policy.maxRedrives) {
    return skipped(SkipReason.EXHAUSTED, `redriven ${facts.redriveCount} times already, the most allowed is ${policy.maxRedrives}`);
  }
  if (!(claimOnly && facts.error === undefined) && !errorAllowed(facts.error, policy.errorFilter)) {
    return skipped(SkipReason.ERROR_NOT_ALLOWED, `error ${facts.error ?? '(none)'} is not allowed by the error filter`);
  }
  if (facts.stopDate !== undefined && now.getTime() - facts.stopDate > REDRIVE_WINDOW_MS) {
    return skipped(SkipReason.REDRIVE_WINDOW_CLOSED, `stopped at ${new Date(facts.stopDate).toISOString()}, more than 14 days ago`);
  }
  return undefined;
}

/**
 * Skips when the execution, as DescribeExecution shows it, is no longer at the failure the trigger
 * is about: redriven since (its count moved on), or running, or succeeded.
 */
export function sinceFailureSkip(now: ExecutionFacts, failureRedriveCount: number | undefined): Skip | undefined {
  if (RUNNING_STATUSES.includes(now.status)) return skipped(SkipReason.ALREADY_REDRIVEN_OR_RUNNING, `the execution is ${now.status}`);
  if (failureRedriveCount !== undefined && now.redriveCount !== failureRedriveCount) {
    return skipped(SkipReason.REDRIVEN_SINCE_FAILURE,
      `the failure had redrive count ${failureRedriveCount}, the execution is at ${now.redriveCount} now`);
  }
  if (now.status === 'SUCCEEDED') return skipped(SkipReason.NOT_REDRIVABLE, 'the execution has succeeded');
  return undefined;
}

/**
 * An event may be redriven on its own word only when it is fresh: handled within FRESH_EVENT_MS of
 * the stop it reports, carrying its redrive count, with maxRedrives within the client tokens Step
 * Functions remembers, and not for the last redrive maxRedrives allows. Then a duplicate meets the
 * same token, and a newer failure cannot exist yet unless someone redrove the execution and it
 * failed again within that minute; even then the execution stays within maxRedrives.
 */
export function isFresh(request: RedriveRequest, policy: HandlerPolicy, now: Date): boolean {
  const claim = request.claim;
  if (request.trigger !== 'event' || claim?.redriveCount === undefined || claim.stopDate === undefined) return false;
  const age = now.getTime() - claim.stopDate;
  return age >= -CLOCK_SKEW_MS && age <= FRESH_EVENT_MS && policy.maxRedrives <= CLIENT_TOKEN_MEMORY &&
    claim.redriveCount + 1 < policy.maxRedrives;
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

export function skipped(reason: SkipReason, detail: string): Skip {
  return { action: 'SKIP', reason, detail };
}
