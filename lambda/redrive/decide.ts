import { isMapRunChild } from './execution-arn';
import { FailureEvent } from './failure-event';
import { ErrorFilterSpec, HandlerPolicy, SkipReason } from '../../src/private/contract';
import { matchesAnyErrorPattern } from '../../src/private/error-pattern';
import { REDRIVE_WINDOW_MS } from '../../src/private/limits';

export type Decision =
  | { readonly action: 'REDRIVE' }
  | { readonly action: 'SKIP'; readonly reason: SkipReason; readonly detail: string };

/** What the policy says to do about one failed execution. Pure: no clock, no I/O. */
export function decide(
  event: FailureEvent,
  policy: HandlerPolicy,
  stateMachineArns: ReadonlySet<string>,
  now: Date,
): Decision {
  if (isMapRunChild(event.execution)) {
    return skip(SkipReason.MAP_RUN_CHILD, 'a Distributed Map child execution is redriven through its parent');
  }
  if (!stateMachineArns.has(event.stateMachineArn)) {
    return skip(SkipReason.STATE_MACHINE_NOT_CHOSEN, `${event.stateMachineArn} is not a watched state machine`);
  }
  if (!policy.statuses.includes(event.status)) {
    return skip(SkipReason.STATUS_NOT_CHOSEN, `status ${event.status} is not one of ${policy.statuses.join(', ')}`);
  }
  if (event.redriveStatus !== undefined && event.redriveStatus !== 'REDRIVABLE') {
    return skip(SkipReason.NOT_REDRIVABLE, `redriveStatus is ${event.redriveStatus}`);
  }
  if (event.redriveCount >= policy.maxRedrives) {
    return skip(SkipReason.EXHAUSTED, `redriven ${event.redriveCount} times already, the most allowed is ${policy.maxRedrives}`);
  }
  if (!errorAllowed(event.error, policy.errorFilter)) {
    return skip(SkipReason.ERROR_NOT_ALLOWED, `error ${event.error ?? '(none)'} is not allowed by the error filter`);
  }
  if (event.stopDate !== undefined && now.getTime() - event.stopDate > REDRIVE_WINDOW_MS) {
    return skip(SkipReason.REDRIVE_WINDOW_CLOSED, `stopped at ${new Date(event.stopDate).toISOString()}, more than 14 days ago`);
  }
  if (policy.dryRun) {
    return skip(SkipReason.DRY_RUN, 'dry run: would redrive now');
  }
  return { action: 'REDRIVE' };
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

function skip(reason: SkipReason, detail: string): Decision {
  return { action: 'SKIP', reason, detail };
}
