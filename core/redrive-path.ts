import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { classifyFailure, errorMessage, errorName } from './aws-errors';
import { Decision, decide, isFresh, policySkip, sinceFailureSkip, skipped, Skip } from './decide';
import { redriveClientToken, putOffScheduleName, redriveScheduleName } from './idempotency';
import { loadOnce } from './load-once';
import { Outcome } from './outcome';
import { ExecutionFacts, RedriveRequest } from './request';
import type { CreatedSchedule, SchedulingConfig } from './scheduler';
import { describeExecution, redriveExecution } from './step-functions';
import { HandlerPolicy, ScheduleReason, SkipReason } from '../src/shared/contract';

export interface PathDependencies {
  readonly policy: HandlerPolicy;
  /**
   * What a call throttled past the SDK's retries does: the handler puts the redrive off with a
   * schedule (true); the CLI, which slows down and tries again itself, gets the error (false).
   */
  readonly putOffThrottled: boolean;
  readonly scheduling: SchedulingConfig;
  readonly sfn: SFNClient;
  readonly scheduler: () => SchedulerClient;
  readonly now: () => Date;
  /** A number in [0, 1), for jitter. */
  readonly random: () => number;
}

/** What one invocation gives the path: its deadline, and where to note what it learns. */
export interface PathInvocation {
  readonly signal: AbortSignal;
  learn(keys: Record<string, unknown>): void;
}

/** A request Step Functions says can never succeed: the caller keeps the trigger in the dead-letter queue. */
export interface Rejected {
  readonly outcome: 'REJECTED';
  readonly error: string;
}

/** Loaded when first used: a fresh event under `Backoff.none()` never schedules. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schedules = loadOnce(() => require('./scheduler') as typeof import('./scheduler'));

/**
 * A redriveDate at least this long before the call was sent answers an earlier call with the same
 * token; a smaller gap may be the skew between Lambda's clock and Step Functions'.
 */
export const REPLAY_MARGIN_MS = 100;

/** A throttled redrive is put off at most this many times (about 12 hours), then the invocation fails. */
export const MAX_PUT_OFFS = 48;
const PUT_OFF_FIRST_SECONDS = 30;
const PUT_OFF_LONGEST_SECONDS = 15 * 60;

/**
 * The one redrive path every trigger takes: skip on what the trigger says if the policy already
 * forbids it; otherwise look at the execution as it is now (unless a fresh event's word is enough,
 * or the redrive will only be scheduled and checked when it is due); decide with the policy on
 * that; then redrive with the token of (execution, redrive count), or schedule the redrive.
 */
export async function redrivePath(request: RedriveRequest, deps: PathDependencies, invocation: PathInvocation): Promise<Outcome | Rejected> {
  const now = deps.now();
  if (request.execution.mapRunLabel !== undefined) {
    return skippedOutcome(skipped(SkipReason.MAP_RUN_CHILD, 'a Distributed Map child execution is redriven through its parent'));
  }
  if (request.checked && request.redriveCount !== undefined && !deps.policy.dryRun) {
    return redriveNow(request, deps, invocation, request.redriveCount);
  }
  const claimed = request.claim && policySkip(request.claim, deps.policy, now, true);
  if (claimed) return skippedOutcome(claimed);

  const random = deps.random();
  let facts = request.claim;
  let decision = facts && decide(facts, deps.policy, now, random, request.backoffWaited);
  if (!(decision && claimIsEnough(request, decision, deps.policy, now))) {
    const looked = await look(request, deps, invocation);
    if ('outcome' in looked) return looked;
    facts = looked;
    const moved = sinceFailureSkip(facts, request.redriveCount);
    if (moved) return skippedOutcome(moved);
    decision = decide(facts, deps.policy, now, random, request.backoffWaited);
  }
  const redriveCount = facts!.redriveCount!;
  switch (decision!.action) {
    case 'SKIP':
      return skippedOutcome(decision!);
    case 'SCHEDULE':
      if (deps.policy.dryRun) return dryRun(`dry run: would redrive in ${Math.ceil(decision!.delaySeconds)} s`);
      return schedule(request, deps, invocation, redriveCount, decision!.delaySeconds, decision!.clamped);
    case 'REDRIVE':
      if (deps.policy.dryRun) return dryRun('dry run: would redrive now');
      return redriveNow(request, deps, invocation, redriveCount);
  }
}

/**
 * Whether the handler may act on what the trigger says without looking: the claim holds every fact
 * the policy reads (the redrive count, the stop date for the window, the error unless every error is
 * allowed), and either the event is fresh, or the redrive will only be scheduled (the schedule
 * looks when it is due).
 */
function claimIsEnough(request: RedriveRequest, decision: Decision, policy: HandlerPolicy, now: Date): boolean {
  if (request.lookFirst) return false;
  const claim = request.claim;
  const complete = claim?.redriveCount !== undefined && claim.stopDate !== undefined &&
    (claim.error !== undefined || policy.errorFilter.mode === 'ALL');
  return complete && (isFresh(request, policy, now) || decision.action === 'SCHEDULE');
}

/** DescribeExecution, with what its errors mean on this path. */
async function look(request: RedriveRequest, deps: PathDependencies, invocation: PathInvocation): Promise<ExecutionFacts | Outcome | Rejected> {
  try {
    const facts = await describeExecution(deps.sfn, request.executionArn, invocation.signal);
    invocation.learn({
      checked: 'DescribeExecution',
      status: facts.status,
      ...(request.redriveCount === undefined ? { redriveCount: facts.redriveCount } : { executionRedriveCount: facts.redriveCount }),
      error: facts.error,
      cause: facts.cause,
    });
    return facts;
  } catch (error) {
    return failedCall(error, request, deps, invocation, request.redriveCount);
  }
}

async function redriveNow(
  request: RedriveRequest,
  deps: PathDependencies,
  invocation: PathInvocation,
  redriveCount: number,
): Promise<Outcome | Rejected> {
  const sentAt = deps.now();
  try {
    const token = redriveClientToken(request.executionArn, redriveCount);
    const redriveDate = await redriveExecution(deps.sfn, request.executionArn, token, invocation.signal);
    if (redriveDate && redriveDate.getTime() <= sentAt.getTime() - REPLAY_MARGIN_MS) {
      return skippedOutcome(skipped(SkipReason.ALREADY_REDRIVEN_OR_RUNNING,
        `Step Functions answered for an earlier call with the same token: redriven at ${redriveDate.toISOString()}`));
    }
    return { outcome: 'REDRIVEN', redriveDate: redriveDate?.toISOString() };
  } catch (error) {
    if (errorName(error) === 'ExecutionNotRedrivable') {
      return skippedOutcome(skipped(SkipReason.ALREADY_REDRIVEN_OR_RUNNING, errorMessage(error)));
    }
    return failedCall(error, request, deps, invocation, redriveCount);
  }
}

/**
 * An AWS call that failed: throttled, it is put off; denied on a schedule's path, the state machine
 * is no longer watched; rejected, the trigger goes to the dead-letter queue; anything else fails the
 * invocation so that Lambda retries it.
 */
async function failedCall(
  error: unknown,
  request: RedriveRequest,
  deps: PathDependencies,
  invocation: PathInvocation,
  redriveCount: number | undefined,
): Promise<Outcome | Rejected> {
  switch (classifyFailure(error)) {
    case 'THROTTLED':
      if (!deps.putOffThrottled || invocation.signal.aborted || request.putOffs >= MAX_PUT_OFFS) throw error;
      return putOff(request, deps, invocation, redriveCount, errorName(error));
    case 'ACCESS_DENIED':
      if (request.trigger !== 'schedule' && request.trigger !== 'sweep') throw error;
      return skippedOutcome(skipped(SkipReason.NO_LONGER_WATCHED,
        `the role may no longer act on executions of ${request.stateMachineArn}: ${errorMessage(error)}`));
    case 'REJECTED':
      return { outcome: 'REJECTED', error: `${errorName(error)}: ${errorMessage(error)}` };
    case 'RETRY':
      throw error;
  }
}

async function schedule(
  request: RedriveRequest,
  deps: PathDependencies,
  invocation: PathInvocation,
  redriveCount: number,
  delaySeconds: number,
  clamped: boolean,
): Promise<Outcome> {
  const created = await schedules().createRedriveSchedule(
    deps.scheduler(), deps.scheduling, redriveScheduleName(request.executionArn, redriveCount),
    new Date(deps.now().getTime() + delaySeconds * 1000),
    { executionArn: request.executionArn, redriveCount, eventId: request.eventId, reason: ScheduleReason.BACKOFF },
    invocation.signal,
  );
  return scheduledOutcome(created, ScheduleReason.BACKOFF, delaySeconds, clamped);
}

/**
 * A schedule created is reported with its real time; one that existed already (named after the same
 * failure) was reported when it was created, so this trigger is a skip.
 */
function scheduledOutcome(created: CreatedSchedule, scheduleReason: ScheduleReason, delaySeconds: number, clamped: boolean): Outcome {
  if (created.alreadyScheduled) {
    return skippedOutcome(skipped(SkipReason.ALREADY_SCHEDULED, `schedule ${created.scheduleName} redrives this failure when it is due`));
  }
  return {
    outcome: 'SCHEDULED',
    scheduleReason,
    scheduleName: created.scheduleName,
    redriveAt: created.redriveAt,
    delaySeconds: Math.ceil(delaySeconds),
    clampedToRedriveWindow: clamped,
  };
}

/** A one-time schedule a little later, with jitter, that takes the same path again. */
async function putOff(
  request: RedriveRequest,
  deps: PathDependencies,
  invocation: PathInvocation,
  redriveCount: number | undefined,
  throttledBy: string,
): Promise<Outcome> {
  const putOffs = request.putOffs + 1;
  const longest = Math.min(PUT_OFF_LONGEST_SECONDS, PUT_OFF_FIRST_SECONDS * Math.pow(2, request.putOffs));
  const delaySeconds = longest / 2 + deps.random() * (longest / 2);
  invocation.learn({ throttledBy, putOffs });
  const created = await schedules().createRedriveSchedule(
    deps.scheduler(), deps.scheduling, putOffScheduleName(request.executionArn, redriveCount, putOffs),
    new Date(deps.now().getTime() + delaySeconds * 1000),
    {
      executionArn: request.executionArn,
      redriveCount,
      eventId: request.eventId,
      reason: ScheduleReason.THROTTLED,
      putOffs,
      backoffWaited: request.backoffWaited,
    },
    invocation.signal,
  );
  return scheduledOutcome(created, ScheduleReason.THROTTLED, delaySeconds, false);
}

function skippedOutcome(skip: Skip): Outcome {
  return { outcome: 'SKIPPED', reason: skip.reason, detail: skip.detail };
}

function dryRun(detail: string): Outcome {
  return { outcome: 'SKIPPED', reason: SkipReason.DRY_RUN, detail };
}
