import {
  DeadlineError,
  REPORT_STOPS_BEFORE_TIMEOUT_MS,
  startDeadline,
  WORK_STOPS_BEFORE_TIMEOUT_MS,
} from '../../lambda/redrive/deadline';
import { naming } from '../support/messages';

const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });

describe('startDeadline', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
  });

  test('the work stops 5 s and the report 2.5 s before Lambda\'s timeout', () => {
    expect(WORK_STOPS_BEFORE_TIMEOUT_MS).toBe(5_000);
    expect(REPORT_STOPS_BEFORE_TIMEOUT_MS).toBe(2_500);
    expect(WORK_STOPS_BEFORE_TIMEOUT_MS).toBeGreaterThan(REPORT_STOPS_BEFORE_TIMEOUT_MS);
  });

  test.each([60_000, 10_000, 5_001, 900_000])('with %d ms left: work aborts at remaining - 5 s, report at remaining - 2.5 s', (remaining) => {
    const deadline = startDeadline(context(remaining));
    const workAt = remaining - WORK_STOPS_BEFORE_TIMEOUT_MS;
    const reportAt = remaining - REPORT_STOPS_BEFORE_TIMEOUT_MS;
    expect([deadline.work.aborted, deadline.report.aborted, deadline.passed]).toEqual([false, false, false]);

    jest.advanceTimersByTime(workAt - 1);
    expect([deadline.work.aborted, deadline.report.aborted, deadline.passed]).toEqual([false, false, false]);
    jest.advanceTimersByTime(1);
    expect([deadline.work.aborted, deadline.report.aborted, deadline.passed]).toEqual([true, false, true]);
    expect(deadline.work.reason).toEqual(new Error('deadline'));

    jest.advanceTimersByTime(reportAt - workAt - 1);
    expect(deadline.report.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(deadline.report.aborted).toBe(true);
    expect(deadline.report.reason).toEqual(new Error('deadline'));
    deadline.end();
  });

  test('with less time left than the margins, both abort at once', () => {
    const deadline = startDeadline(context(2_000));
    expect(deadline.work.aborted).toBe(false);
    jest.advanceTimersByTime(0);
    expect([deadline.work.aborted, deadline.report.aborted, deadline.passed]).toEqual([true, true, true]);
  });

  test('with 4 s left, the work aborts at once and the report 1.5 s later', () => {
    const deadline = startDeadline(context(4_000));
    jest.advanceTimersByTime(0);
    expect([deadline.work.aborted, deadline.report.aborted]).toEqual([true, false]);
    jest.advanceTimersByTime(1_499);
    expect(deadline.report.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(deadline.report.aborted).toBe(true);
  });

  test('reads the remaining time once, when it starts', () => {
    const getRemainingTimeInMillis = jest.fn(() => 10_000);
    const deadline = startDeadline({ getRemainingTimeInMillis });
    jest.advanceTimersByTime(4_999);
    expect(deadline.work.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(deadline.work.aborted).toBe(true);
    expect(getRemainingTimeInMillis).toHaveBeenCalledTimes(1);
  });

  test.each<[string, { getRemainingTimeInMillis(): number } | undefined]>([
    ['no context', undefined],
    ['an infinite remaining time', context(Infinity)],
    ['a remaining time that is not a number', context(NaN)],
  ])('%s: never aborts and sets no timer', (_name, ctx) => {
    const deadline = startDeadline(ctx);
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(24 * 60 * 60 * 1000);
    expect([deadline.work.aborted, deadline.report.aborted, deadline.passed]).toEqual([false, false, false]);
    expect(() => deadline.end()).not.toThrow();
  });

  test('end() clears the timers: nothing aborts afterwards', () => {
    const deadline = startDeadline(context(10_000));
    expect(jest.getTimerCount()).toBe(2);
    deadline.end();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(60_000);
    expect([deadline.work.aborted, deadline.report.aborted, deadline.passed]).toEqual([false, false, false]);
  });

  test('end() after the work aborted keeps the report from aborting', () => {
    const deadline = startDeadline(context(10_000));
    jest.advanceTimersByTime(5_000);
    deadline.end();
    jest.advanceTimersByTime(60_000);
    expect([deadline.work.aborted, deadline.report.aborted]).toEqual([true, false]);
  });

  test('each invocation has its own signals', () => {
    const first = startDeadline(context(6_000));
    const second = startDeadline(context(60_000));
    jest.advanceTimersByTime(1_000);
    expect([first.work.aborted, second.work.aborted]).toEqual([true, false]);
    first.end();
    second.end();
  });
});

describe('DeadlineError', () => {
  test('is named DeadlineExceeded and names the call that was cut off', () => {
    const cause = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    const error = new DeadlineError(cause);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DeadlineExceeded');
    expect(error.message).toMatch(naming('deadline', 'AbortError', 'This operation was aborted'));
  });

  test.each<[unknown, string]>([
    ['a string', 'a string'],
    [undefined, 'undefined'],
    [null, 'null'],
    [{ name: 'ThrottlingException' }, 'ThrottlingException'],
  ])('names a cause that is not an Error: %j', (cause, named) => {
    const error = new DeadlineError(cause);
    expect(error.name).toBe('DeadlineExceeded');
    expect(error.message).toMatch(naming('deadline', named));
  });
});
