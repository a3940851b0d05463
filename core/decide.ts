import { redriveDelaySeconds } from './delay';
import { ExecutionFacts, RedriveRequest } from './request';
import { ErrorFilterSpec, HandlerPolicy, SkipReason } from '../src/shared/contract';
import { matchesAnyErrorPattern } from '../src/shared/error-pattern';
import { CLIENT_TOKEN_MEMORY, FRESH_EVENT_MS, REDRIVE_WINDOW_MS } from '../src/shared/limits';

export type Skip = { readonly action: 'SKIP'; readonly reason: SkipReason; readonly detail: string };

/** What to do with a request: look at the execution first, skip it, or redrive it (now, or after `delaySeconds`) at `redriveCount`. */
export type Decision =
  | { readonly action: 'LOOK' }
  | { readonly action: 'REDRIVE'; readonly redriveCount: number }
  /** `clamped` when the backoff wanted longer than the redrive window allows. */
  | { readonly action: 'SCHEDULE'; readonly redriveCount: number; readonly delaySeconds: number; readonly clamped: boolean }
  | Skip;

/** A delayed redrive is due at least this long before the redrive window closes. */
const WINDOW_SAFETY_MARGIN_MS = 60 * 60 * 1000;
/** An event's stop date this far ahead of the handler's clock is clock skew, not a stop in the future. */
const CLOCK_SKEW_MS = 5_000;
const RUNNING_STATUSES = ['RUNNING', 'PENDING_REDRIVE'];

/**
 * The one decision of the redrive path. Before the path has looked (`looked` undefined), it decides
 * on what the request says: skip when the policy already forbids it, or act on the trigger's word
 * when that is enough (a person's checked act; a fresh, complete event; a redrive that will only be
 * scheduled, and looked at when due); otherwise LOOK. Once DescribeExecution has answered, it
 * decides on the execution as it is now. Pure: the clock and the random draw for jitter are inputs.
 */
export function decide(request: RedriveRequest, looked: ExecutionFacts | undefined, policy: HandlerPolicy, now: Date, random: number): Decision {
  if (request.execution.mapRunLabel !== undefined) {
    return skipped(SkipReason.MAP_RUN_CHILD, 'a Distributed Map child execution is redriven through its parent');
  }
  if (looked !== undefined) {
    return sinceFailureSkip(looked, request.redriveCount) ?? withDryRun(onFacts(looked, request, policy, now, random), policy);
  }
  if (request.checked && request.redriveCount !== undefined && !policy.dryRun) {
    return { action: 'REDRIVE', redriveCount: request.redriveCount };
  }
  const claim = request.claim;
  if (claim === undefined) return { action: 'LOOK' };
  const forbidden = policySkip(claim, policy, now, true);
  if (forbidden) return forbidden;
  if (request.lookFirst || !holdsEveryFact(claim, policy)) return { action: 'LOOK' };
  const onClaim = onFacts(claim, request, policy, now, random);
  return isFresh(request, policy, now) || onClaim.action === 'SCHEDULE' ? withDryRun(onClaim, policy) : { action: 'LOOK' };
}

/** What the policy says of an execution in the state `facts`: skip it, redrive it now, or after the backoff's delay. */
function onFacts(facts: ExecutionFacts, request: RedriveRequest, policy: HandlerPolicy, now: Date, random: number): Decision {
  const skip = policySkip(facts, policy, now);
  if (skip) return skip;
  const redriveCount = facts.redriveCount ?? 0;
  if (request.backoffWaited) return { action: 'REDRIVE', redriveCount };
  const wanted = redriveDelaySeconds(policy.backoff, redriveCount, random);
  const { delaySeconds, clamped } = withinRedriveWindow(wanted, facts.stopDate, now);
  return delaySeconds > 0 ? { action: 'SCHEDULE', redriveCount, delaySeconds, clamped } : { action: 'REDRIVE', redriveCount };
}

/** A dry run says what would have happened, and does nothing. */
function withDryRun(decision: Decision, policy: HandlerPolicy): Decision {
  if (!policy.dryRun) return decision;
  if (decision.action === 'REDRIVE') return skipped(SkipReason.DRY_RUN, 'dry run: would redrive now');
  if (decision.action === 'SCHEDULE') return skipped(SkipReason.DRY_RUN, `dry run: would redrive in ${Math.ceil(decision.delaySeconds)} s`);
  return decision;
}

/**
 * Why the policy does not allow redriving an execution in the state `facts` says, or undefined
 * when it does. For a trigger's claim (`claimOnly`), a field it leaves out is unknown, and skips
 * nothing: a newer failure has its own event, so the claim may skip on its own word.
 */
function policySkip(facts: ExecutionFacts, policy: HandlerPolicy, now: Date, claimOnly = false): Skip | undefined {
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
function sinceFailureSkip(now: ExecutionFacts, failureRedriveCount: number | undefined): Skip | undefined {
  if (RUNNING_STATUSES.includes(now.status)) return skipped(SkipReason.ALREADY_REDRIVEN_OR_RUNNING, `the execution is ${now.status}`);
  if (failureRedriveCount !== undefined && now.redriveCount !== failureRedriveCount) {
    return skipped(SkipReason.REDRIVEN_SINCE_FAILURE,
      `the failure had redrive count ${failureRedriveCount}, the execution is at ${now.redriveCount} now`);
  }
  if (now.status === 'SUCCEEDED') return skipped(SkipReason.NOT_REDRIVABLE, 'the execution has succeeded');
  return undefined;
}

/** The claim holds every fact the policy reads: the redrive count, the stop date for the window, the error unless every error is allowed. */
function holdsEveryFact(claim: ExecutionFacts, policy: HandlerPolicy): boolean {
  return claim.redriveCount !== undefined && claim.stopDate !== undefined && (claim.error !== undefined || policy.errorFilter.mode === 'ALL');
}

/**
 * An event may be redriven on its own word only when it is fresh: handled within FRESH_EVENT_MS of
 * the stop it reports, carrying its redrive count, with maxRedrives within the client tokens Step
 * Functions remembers, and not for the last redrive maxRedrives allows. Then a duplicate meets the
 * same token, and a newer failure cannot exist yet unless someone redrove the execution and it
 * failed again within that minute; even then the execution stays within maxRedrives.
 */
function isFresh(request: RedriveRequest, policy: HandlerPolicy, now: Date): boolean {
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
