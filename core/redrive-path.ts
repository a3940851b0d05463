import { SFNClient } from '@aws-sdk/client-sfn';
import { classifyFailure, errorMessage, errorName } from './aws-errors';
import { Decision, decide, skipped, Skip } from './decide';
import { redriveClientToken, putOffScheduleName, redriveScheduleName } from './idempotency';
import { loadOnce } from './load-once';
import { Outcome } from './outcome';
import { ExecutionFacts, RedriveRequest } from './request';
import type { CreatedSchedule, Scheduling } from './scheduler';
import { describeExecution, redriveExecution } from './step-functions';
import { HandlerPolicy, ScheduleReason, SkipReason } from '../src/shared/contract';

export interface PathDependencies {
  readonly policy: HandlerPolicy;
  readonly sfn: SFNClient;
  readonly now: () => Date;
  /** A number in [0, 1), for jitter. */
  readonly random: () => number;
  /**
   * Where the path puts a redrive off: the handler's one-time schedules. Without it (the CLI, which
   * never schedules), a call throttled past the SDK's retries is thrown back to the caller, which
   * slows down and tries again.
   */
  readonly scheduling?: Scheduling;
  /** Waits for the caller's share of DescribeExecution's quota, when it paces its looks (the sweep). */
  readonly paceLook?: (signal: AbortSignal) => Promise<void>;
}

/** What DescribeExecution said, and when it was asked (epoch ms). */
export interface Looked extends ExecutionFacts {
  readonly at: number;
}

/** A decision the path acts on. */
export type ActionDecision = Exclude<Decision, { action: 'LOOK' }>;

/** The decision the path would act on, with what it saw when it looked; or how the look ended it. */
export type CheckResult =
  | { readonly decision: ActionDecision; readonly looked?: Looked }
  | { readonly ended: Outcome };

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
 * The one redrive path every trigger takes: `check` decides (looking at the execution when the
 * request's word is not enough), then `act` redrives with the token of (execution, redrive count),
 * or schedules the redrive. `signal` is the caller's deadline. A caller that reports what the look
 * saw, even when acting then throws, calls the two itself.
 */
export async function redrivePath(request: RedriveRequest, deps: PathDependencies, signal: AbortSignal): Promise<Outcome> {
  const checked = await check(request, deps, signal);
  return 'ended' in checked ? checked.ended : act(checked.decision, request, deps, signal);
}

/** Decides on what the request says; when that asks to LOOK, describes the execution and decides on what it is now. */
export async function check(request: RedriveRequest, deps: PathDependencies, signal: AbortSignal): Promise<CheckResult> {
  const now = deps.now();
  const random = deps.random();
  const onRequest = decide(request, undefined, deps.policy, now, random);
  if (onRequest.action !== 'LOOK') return { decision: onRequest };
  let facts: ExecutionFacts;
  try {
    await deps.paceLook?.(signal);
    facts = await describeExecution(deps.sfn, request.executionArn, signal);
  } catch (error) {
    return { ended: await failedCall(error, request, deps, signal, request.redriveCount) };
  }
  const looked: Looked = { ...facts, at: now.getTime() };
  return { decision: decide(request, facts, deps.policy, now, random) as ActionDecision, looked };
}

/** Carries out a decision. */
export async function act(decision: ActionDecision, request: RedriveRequest, deps: PathDependencies, signal: AbortSignal): Promise<Outcome> {
  switch (decision.action) {
    case 'SKIP':
      return skippedOutcome(decision);
    case 'SCHEDULE':
      return schedule(request, deps, signal, decision);
    case 'REDRIVE':
      return redriveNow(request, deps, signal, decision.redriveCount);
  }
}

async function redriveNow(request: RedriveRequest, deps: PathDependencies, signal: AbortSignal, redriveCount: number): Promise<Outcome> {
  const sentAt = deps.now();
  try {
    const token = redriveClientToken(request.executionArn, redriveCount);
    const redriveDate = await redriveExecution(deps.sfn, request.executionArn, token, signal);
    if (redriveDate && redriveDate.getTime() <= sentAt.getTime() - REPLAY_MARGIN_MS) {
      return skippedOutcome(skipped(SkipReason.ALREADY_REDRIVEN_OR_RUNNING,
        `Step Functions answered for an earlier call with the same token: redriven at ${redriveDate.toISOString()}`));
    }
    return { outcome: 'REDRIVEN', redriveDate: redriveDate?.toISOString() };
  } catch (error) {
    if (errorName(error) === 'ExecutionNotRedrivable') {
      return skippedOutcome(skipped(SkipReason.ALREADY_REDRIVEN_OR_RUNNING, errorMessage(error)));
    }
    return failedCall(error, request, deps, signal, redriveCount);
  }
}

/**
 * An AWS call that failed: throttled, it is put off (when the caller schedules); denied on a
 * schedule's or the sweep's path, the state machine is no longer watched; rejected, the request
 * failed for good; anything else is thrown, for the caller to retry.
 */
async function failedCall(
  error: unknown,
  request: RedriveRequest,
  deps: PathDependencies,
  signal: AbortSignal,
  redriveCount: number | undefined,
): Promise<Outcome> {
  switch (classifyFailure(error)) {
    case 'THROTTLED':
      if (!deps.scheduling || signal.aborted || request.putOffs >= MAX_PUT_OFFS) throw error;
      return putOff(request, deps.scheduling, deps, signal, redriveCount, errorName(error));
    case 'ACCESS_DENIED':
      if (request.trigger !== 'schedule' && request.trigger !== 'sweep') throw error;
      return skippedOutcome(skipped(SkipReason.NO_LONGER_WATCHED,
        `the role may no longer act on executions of ${request.stateMachineArn}: ${errorMessage(error)}`));
    case 'REJECTED':
      return { outcome: 'FAILED', reason: errorName(error), error: `${errorName(error)}: ${errorMessage(error)}` };
    case 'RETRY':
      throw error;
  }
}

async function schedule(request: RedriveRequest, deps: PathDependencies, signal: AbortSignal, decision: Extract<Decision, { action: 'SCHEDULE' }>): Promise<Outcome> {
  if (!deps.scheduling) throw new Error(`the policy delays the redrive of ${request.executionArn}, and this caller cannot schedule`);
  const { redriveCount, delaySeconds, clamped } = decision;
  const created = await schedules().createRedriveSchedule(
    deps.scheduling, redriveScheduleName(request.executionArn, redriveCount),
    new Date(deps.now().getTime() + delaySeconds * 1000),
    { executionArn: request.executionArn, redriveCount, eventId: request.eventId, reason: ScheduleReason.BACKOFF },
    signal,
  );
  return scheduledOutcome(created, {
    scheduleReason: ScheduleReason.BACKOFF, delaySeconds: Math.ceil(delaySeconds), clampedToRedriveWindow: clamped,
  });
}

/** A one-time schedule a little later, with jitter, that takes the same path again. */
async function putOff(
  request: RedriveRequest,
  scheduling: Scheduling,
  deps: PathDependencies,
  signal: AbortSignal,
  redriveCount: number | undefined,
  throttledBy: string,
): Promise<Outcome> {
  const putOffs = request.putOffs + 1;
  const longest = Math.min(PUT_OFF_LONGEST_SECONDS, PUT_OFF_FIRST_SECONDS * Math.pow(2, request.putOffs));
  const delaySeconds = longest / 2 + deps.random() * (longest / 2);
  const created = await schedules().createRedriveSchedule(
    scheduling, putOffScheduleName(request.executionArn, redriveCount, putOffs),
    new Date(deps.now().getTime() + delaySeconds * 1000),
    {
      executionArn: request.executionArn,
      redriveCount,
      eventId: request.eventId,
      reason: ScheduleReason.THROTTLED,
      putOffs,
      backoffWaited: request.backoffWaited,
    },
    signal,
  );
  return scheduledOutcome(created, {
    scheduleReason: ScheduleReason.THROTTLED, delaySeconds: Math.ceil(delaySeconds), clampedToRedriveWindow: false, throttledBy, putOffs,
  });
}

/**
 * A schedule created is reported with its real time; one that existed already (named after the same
 * failure) was reported when it was created, so this trigger is a skip.
 */
function scheduledOutcome(
  created: CreatedSchedule,
  facts: Omit<Extract<Outcome, { outcome: 'SCHEDULED' }>, 'outcome' | 'scheduleName' | 'redriveAt'>,
): Outcome {
  if (created.alreadyScheduled) {
    return skippedOutcome(skipped(SkipReason.ALREADY_SCHEDULED, `schedule ${created.scheduleName} redrives this failure when it is due`));
  }
  return { outcome: 'SCHEDULED', scheduleName: created.scheduleName, redriveAt: created.redriveAt, ...facts };
}

function skippedOutcome(skip: Skip): Outcome {
  return { outcome: 'SKIPPED', reason: skip.reason, detail: skip.detail };
}
