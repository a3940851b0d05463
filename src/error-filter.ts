import { ErrorFilterSpec } from './shared/contract';
import { errorPatternProblem } from './shared/error-pattern';
import { ERRORS_REDRIVE_CANNOT_FIX } from './shared/unfixable-errors';

/**
 * Which execution errors AutoRedrive redrives.
 *
 * Patterns are exact error names (`States.Timeout`) or names with `*` wildcards, each `*` matching
 * any run of characters (`Lambda.*`, `*Exception`). Matching is case-sensitive, as Step Functions
 * error names are.
 *
 * @example
 * import { AutoRedrive, ErrorFilter } from 'cdk-stepfunctions-redrive';
 *
 * const transientErrors = ErrorFilter.allowOnly(['Lambda.*', 'States.Timeout']);
 * new AutoRedrive(this, 'AutoRedrive', { stateMachines: [orders], errorFilter: transientErrors });
 *
 * @stability experimental
 */
export class ErrorFilter {
  /**
   * Every error except those a redrive cannot fix (the unfixable errors). This is the default.
   */
  public static allExceptUnfixable(): ErrorFilter {
    return new ErrorFilter(
      { mode: 'DENY', patterns: [...ERRORS_REDRIVE_CANNOT_FIX] },
      `every error except those a redrive cannot fix: ${ERRORS_REDRIVE_CANNOT_FIX.join(', ')}`,
    );
  }

  /** Every error, including those a redrive cannot fix, and executions that report no error. */
  public static all(): ErrorFilter {
    return new ErrorFilter({ mode: 'ALL', patterns: [] }, 'every error, and executions that report no error');
  }

  /**
   * Only executions whose error matches one of the patterns. An execution that reports no error
   * is not redriven.
   *
   * @param patterns error names or `*` patterns; at least one
   */
  public static allowOnly(patterns: string[]): ErrorFilter {
    const allowed = checkPatterns('allowOnly', patterns);
    return new ErrorFilter({ mode: 'ALLOW_ONLY', patterns: allowed }, `only errors matching ${allowed.join(', ')}`);
  }

  /**
   * Every error except those matching one of the patterns. An execution that reports no error is
   * redriven. The patterns replace the default ones: to keep them, add your patterns to the
   * unfixable errors and pass the whole list.
   *
   * @param patterns error names or `*` patterns; at least one
   */
  public static deny(patterns: string[]): ErrorFilter {
    const denied = checkPatterns('deny', patterns);
    return new ErrorFilter({ mode: 'DENY', patterns: denied }, `every error except those matching ${denied.join(', ')}`);
  }

  /**
   * The Step Functions errors that the default filter denies, because the failed state would fail
   * again in the same way: States.Runtime, States.DataLimitExceeded, States.NoChoiceMatched,
   * States.ParameterPathFailure, States.ResultPathMatchFailure, States.IntrinsicFailure and
   * States.QueryEvaluationError.
   */
  public static unfixableErrors(): string[] {
    return [...ERRORS_REDRIVE_CANNOT_FIX];
  }

  /**
   * Which errors the filter redrives, in words, to log or to show: for example "only errors matching Lambda.*,
   * States.Timeout".
   */
  public readonly description: string;

  private constructor(private readonly spec: ErrorFilterSpec, description: string) {
    this.description = description;
  }

  /**
   * The filter as the handler receives it.
   *
   * @internal
   */
  public _toSpec(): ErrorFilterSpec {
    return { mode: this.spec.mode, patterns: [...this.spec.patterns] };
  }
}

function checkPatterns(factory: string, patterns: string[]): string[] {
  if (!Array.isArray(patterns) || patterns.length === 0) {
    throw new Error(`ErrorFilter.${factory}() needs at least one error name or pattern`);
  }
  const problems = patterns
    .map((pattern) => ({ pattern, problem: errorPatternProblem(pattern) }))
    .filter((entry) => entry.problem !== undefined)
    .map((entry) => `${JSON.stringify(entry.pattern)} ${entry.problem}`);
  if (problems.length > 0) {
    throw new Error(`ErrorFilter.${factory}(): invalid error pattern: ${problems.join('; ')}`);
  }
  return [...patterns];
}
