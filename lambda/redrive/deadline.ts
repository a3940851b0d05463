/** The part of the Lambda context the deadline reads. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/**
 * The work of an invocation stops this long before Lambda would time it out, and the report of a
 * failure this long before: the invocation then fails with an error at least 2 s before the
 * timeout, never silently.
 */
export const WORK_STOPS_BEFORE_TIMEOUT_MS = 5_000;
export const REPORT_STOPS_BEFORE_TIMEOUT_MS = 2_500;

/** The signals that abort every AWS call of one invocation in time. */
export interface Deadline {
  /** Aborts the calls that do the work: DescribeExecution, RedriveExecution, CreateSchedule, SendMessage. */
  readonly work: AbortSignal;
  /** Aborts the calls that report: PutEvents. */
  readonly report: AbortSignal;
  /** True once the work signal has fired. */
  readonly passed: boolean;
  /** Stops the timers once the invocation has ended. */
  end(): void;
}

/** An error that says the work was cut off by the deadline, naming the call that was under way. */
export class DeadlineError extends Error {
  constructor(cause: unknown) {
    super(`the invocation's deadline passed, ${WORK_STOPS_BEFORE_TIMEOUT_MS / 1000} s before Lambda's timeout, ` +
      `while an AWS call was under way (${(cause as Error)?.name ?? 'Error'}: ${(cause as Error)?.message ?? String(cause)})`);
    this.name = 'DeadlineExceeded';
  }
}

export function startDeadline(context: Partial<RemainingTime> | undefined): Deadline {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  const work = new AbortController();
  const report = new AbortController();
  if (remaining === undefined || !Number.isFinite(remaining)) {
    return { work: work.signal, report: report.signal, passed: false, end: () => undefined };
  }
  const timers = [
    setTimeout(() => work.abort(new Error('deadline')), Math.max(0, remaining - WORK_STOPS_BEFORE_TIMEOUT_MS)),
    setTimeout(() => report.abort(new Error('deadline')), Math.max(0, remaining - REPORT_STOPS_BEFORE_TIMEOUT_MS)),
  ];
  for (const timer of timers) timer.unref();
  return {
    work: work.signal,
    report: report.signal,
    get passed() {
      return work.signal.aborted;
    },
    end: () => timers.forEach(clearTimeout),
  };
}
