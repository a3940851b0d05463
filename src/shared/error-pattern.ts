import { MAX_ERROR_NAME_LENGTH } from './limits';

/**
 * Error patterns are exact Step Functions error names, or names with `*` wildcards that match any
 * run of characters (`Lambda.*`, `*Timeout`). Used by the construct to validate props and by the
 * handler to match.
 */

/** Why a pattern is invalid, or undefined when it is valid. */
export function errorPatternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return 'must be a string';
  if (pattern.trim().length === 0) return 'must not be empty or blank';
  if (pattern.length > MAX_ERROR_NAME_LENGTH) return `must be at most ${MAX_ERROR_NAME_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(pattern)) return 'must not contain control characters';
  if (pattern !== pattern.trim()) return 'must not start or end with white space';
  if (pattern.includes('**')) return 'must not contain "**" (one "*" already matches any run of characters)';
  return undefined;
}

export function matchesErrorPattern(errorName: string, pattern: string): boolean {
  if (!pattern.includes('*')) return errorName === pattern;
  const parts = pattern.split('*').map(escapeRegExp);
  return new RegExp(`^${parts.join('.*')}$`, 's').test(errorName);
}

export function matchesAnyErrorPattern(errorName: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesErrorPattern(errorName, pattern));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
