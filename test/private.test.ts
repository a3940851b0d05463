import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as fc from 'fast-check';
import { acknowledgeNagFindings } from '../src/private/nag-acknowledgements';
import { distinctPrefixes } from '../src/private/selection';
import { splitByLength } from '../src/private/split-by-length';
import { errorPatternProblem, matchesErrorPattern } from '../src/shared/error-pattern';

describe('splitByLength', () => {
  test('keeps order, loses nothing and keeps every group within the budget', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 100 })), fc.integer({ min: 100, max: 1000 }), (costs, budget) => {
      const groups = splitByLength(costs, (cost) => cost, budget);
      expect(groups.flat()).toEqual(costs);
      for (const group of groups) {
        expect(group.length).toBeGreaterThan(0);
        expect(group.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(budget);
      }
      for (let i = 1; i < groups.length; i++) {
        expect(groups[i - 1].reduce((a, b) => a + b, 0) + groups[i][0]).toBeGreaterThan(budget);
      }
    }));
  });

  test('refuses an item that alone exceeds the budget', () => {
    expect(() => splitByLength([5, 50], (cost) => cost, 10)).toThrow('an item costs 50, more than the budget of 10');
  });
});

describe('distinctPrefixes', () => {
  test('keeps, in order, the prefixes no other one covers, and covers every name the input covers', () => {
    const prefix = fc.stringMatching(/^[ab]{1,4}$/);
    fc.assert(fc.property(fc.array(prefix, { minLength: 1, maxLength: 8 }), fc.stringMatching(/^[ab]{0,6}$/), (prefixes, name) => {
      const kept = distinctPrefixes(prefixes);
      expect(kept.every((p) => prefixes.includes(p))).toBe(true);
      expect([...kept].sort((x, y) => prefixes.indexOf(x) - prefixes.indexOf(y))).toEqual(kept);
      expect(new Set(kept).size).toBe(kept.length);
      for (const p of kept) expect(kept.filter((q) => q !== p && p.startsWith(q))).toEqual([]);
      expect(kept.some((p) => name.startsWith(p))).toBe(prefixes.some((p) => name.startsWith(p)));
    }));
  });

  test('drops duplicates and covered prefixes', () => {
    expect(distinctPrefixes(['orders-eu', 'orders-', 'billing', 'orders-', 'bill'])).toEqual(['orders-', 'bill']);
  });
});

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

  test.each([
    [42, 'must be a string'],
    ['', 'must not be empty or blank'],
    [' x', 'must not start or end with white space'],
    ['a**', 'must not contain "**" (one "*" already matches any run of characters)'],
    ['x'.repeat(257), 'must be at most 256 characters'],
    ['a\nb', 'must not contain control characters'],
  ])('%j %s', (pattern, problem) => {
    expect(errorPatternProblem(pattern)).toBe(problem);
  });

  test.each(['States.Timeout', 'Lambda.*', '*', 'My Error (custom)'])('%j is valid', (pattern) => {
    expect(errorPatternProblem(pattern)).toBeUndefined();
  });
});

describe('acknowledgeNagFindings', () => {
  const reason = 'A reason long enough for cdk-nag.';

  test('refuses findings of a rule whose findings it cannot name, for either cdk-nag', () => {
    const queue = new sqs.Queue(new Stack(), 'Queue');
    expect(() => acknowledgeNagFindings(queue, [{ id: 'AwsSolutions-SQS3', reason, appliesToRegex: '/^Resource::\\*$/' }]))
      .toThrow('No findings are known for AwsSolutions-SQS3: it cannot apply to /^Resource::\\*$/');
  });

  test('refuses a regex outside cdk-nag 2\'s /pattern/ notation', () => {
    const queue = new sqs.Queue(new Stack(), 'Queue');
    expect(() => acknowledgeNagFindings(queue, [{ id: 'AwsSolutions-IAM5', reason, appliesToRegex: '^Resource::\\*$' }])).toThrow('Not a /regex/: ^Resource::\\*$');
  });
});
