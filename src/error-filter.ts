import { ErrorFilterSpec } from './shared/contract';
import { errorPatternProblem } from './shared/error-pattern';
import { ERRORS_REDRIVE_CANNOT_FIX } from './shared/unfixable-errors';

/**
 * Which execution errors AutoRedrive redrives.
 *
 * Patterns are exact error names (`States.Timeout`) or names with `*` wildcards, each `*` matching
 * any run of characters (`Lambda.*`, `*Exception`). Matching is case-sensitive, as Step Functions
 * error names are.
 */
export class ErrorFilter {
  /**
   * Every error except those a redrive cannot fix (see `ErrorFilter.unfixableErrors()`).
   * This is the default.
   */
  public static allExceptUnfixable(): ErrorFilter {
    return new ErrorFilter({ mode: 'DENY', patterns: [...ERRORS_REDRIVE_CANNOT_FIX] });
  }

  /** Every error, including those a redrive cannot fix, and executions that report no error. */
  public static all(): ErrorFilter {
    return new ErrorFilter({ mode: 'ALL', patterns: [] });
  }

  /**
   * Only executions whose error matches one of the patterns. An execution that reports no error
   * is not redriven.
   *
   * @param patterns error names or `*` patterns; at least one
   */
  public static allowOnly(patterns: string[]): ErrorFilter {
    return new ErrorFilter({ mode: 'ALLOW_ONLY', patterns: checkPatterns('allowOnly', patterns) });
  }

  /**
   * Every error except those matching one of the patterns. An execution that reports no error is
   * redriven. The patterns replace the default ones: to keep them, pass
   * `[...ErrorFilter.unfixableErrors(), 'MyError']`.
   *
   * @param patterns error names or `*` patterns; at least one
   */
  public static deny(patterns: string[]): ErrorFilter {
    return new ErrorFilter({ mode: 'DENY', patterns: checkPatterns('deny', patterns) });
  }

  /**
   * The Step Functions errors that `ErrorFilter.allExceptUnfixable()` denies, because the failed state would
   * fail again in the same way: States.Runtime, States.DataLimitExceeded, States.NoChoiceMatched,
   * States.ParameterPathFailure, States.ResultPathMatchFailure, States.IntrinsicFailure and
   * States.QueryEvaluationError.
   */
  public static unfixableErrors(): string[] {
    return [...ERRORS_REDRIVE_CANNOT_FIX];
  }

  private constructor(private readonly spec: ErrorFilterSpec) {}

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
