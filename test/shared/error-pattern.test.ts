import * as fc from 'fast-check';
import { errorPatternProblem, matchesErrorPattern } from '../../src/shared/error-pattern';
import { naming } from '../support/messages';

describe('error patterns', () => {
  test('a pattern without wildcards matches only itself', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }).filter((s) => !s.includes('*')), fc.string(), (pattern, other) => {
      expect(matchesErrorPattern(pattern, pattern)).toBe(true);
      if (other !== pattern) expect(matchesErrorPattern(other, pattern)).toBe(false);
    }));
  });

  test('prefix* matches every name that starts with the prefix', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }).filter((s) => !s.includes('*')), fc.string(), (prefix, rest) => {
      expect(matchesErrorPattern(prefix + rest, `${prefix}*`)).toBe(true);
    }));
  });

  test.each<[unknown, string, Array<string | number>]>([
    [42, 'must be a string', ['string']],
    ['', 'must not be empty or blank', ['empty']],
    [' x', 'must not start or end with white space', ['white space']],
    ['a**', 'must not contain "**"', ['"**"']],
    ['x'.repeat(257), 'must be at most 256 characters', [256]],
    ['a\nb', 'must not contain control characters', ['control']],
  ])('%j %s', (pattern, _rule, facts) => {
    expect(errorPatternProblem(pattern)).toMatch(naming(...facts));
  });

  test.each(['States.Timeout', 'Lambda.*', '*', 'My Error (custom)'])('%j is valid', (pattern) => {
    expect(errorPatternProblem(pattern)).toBeUndefined();
  });
});
