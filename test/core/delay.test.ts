import * as fc from 'fast-check';
import { redriveDelaySeconds } from '../../core/delay';
import { BackoffSpec } from '../../src/shared/contract';

const exponential = (overrides: Partial<BackoffSpec> = {}): BackoffSpec =>
  ({ kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 3600, multiplier: 2, jitter: false, ...overrides });

describe('redriveDelaySeconds', () => {
  test.each<[string, BackoffSpec, number, number, number]>([
    ['none', { kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false }, 5, 0.9, 0],
    ['fixed', { kind: 'FIXED', initialDelaySeconds: 300, maxDelaySeconds: 300, multiplier: 1, jitter: false }, 7, 0.9, 300],
    ['exponential, first redrive', exponential(), 0, 0.9, 60],
    ['exponential, second redrive', exponential(), 1, 0.9, 120],
    ['exponential, fourth redrive', exponential(), 3, 0.9, 480],
    ['exponential, capped', exponential(), 6, 0.9, 3600],
    ['exponential, multiplier 3', exponential({ multiplier: 3 }), 2, 0.9, 540],
    ['exponential, huge redrive count', exponential(), 999, 0.9, 3600],
    ['jitter, lowest draw', exponential({ jitter: true }), 1, 0, 60],
    ['jitter, middle draw', exponential({ jitter: true }), 1, 0.5, 90],
    ['jitter, capped, highest draw', exponential({ jitter: true }), 10, 0.999999, 3599.9982],
    ['jitter, capped, lowest draw', exponential({ jitter: true }), 10, 0, 1800],
    ['fixed ignores the redrive count and the draw', { kind: 'FIXED', initialDelaySeconds: 300, maxDelaySeconds: 300, multiplier: 1, jitter: true }, 0, 0, 300],
    ['multiplier 1 stays at the initial delay', exponential({ multiplier: 1 }), 50, 0.9, 60],
    ['fractional multiplier', exponential({ multiplier: 1.5 }), 2, 0.9, 135],
    ['a power past the largest number is capped', exponential({ multiplier: 10 }), 400, 0.9, 3600],
    ['an initial delay of 0 stays 0', exponential({ initialDelaySeconds: 0 }), 3, 0.9, 0],
    // readHandlerConfig accepts an initial delay of 0: 0 * multiplier^n is 0, even when multiplier^n overflows to Infinity.
    ['an initial delay of 0 stays 0 when the power overflows', exponential({ initialDelaySeconds: 0, multiplier: 10 }), 400, 0.9, 0],
  ])('%s', (_name, backoff, redriveCount, random, expected) => {
    expect(redriveDelaySeconds(backoff, redriveCount, random)).toBeCloseTo(expected, 3);
  });

  const backoffArbitrary = fc.record({
    initial: fc.integer({ min: 1, max: 86_400 }),
    extra: fc.integer({ min: 0, max: 1_000_000 }),
    multiplier: fc.double({ min: 1, max: 10, noNaN: true }),
  }).map(({ initial, extra, multiplier }) => exponential({ initialDelaySeconds: initial, maxDelaySeconds: initial + extra, multiplier }));

  test('without jitter: between initialDelay and maxDelay, and never shorter for a higher redrive count', () => {
    fc.assert(fc.property(backoffArbitrary, fc.nat(1000), (backoff, n) => {
      const delay = redriveDelaySeconds(backoff, n, 0.5);
      expect(delay).toBeGreaterThanOrEqual(backoff.initialDelaySeconds);
      expect(delay).toBeLessThanOrEqual(backoff.maxDelaySeconds);
      expect(redriveDelaySeconds(backoff, n + 1, 0.5)).toBeGreaterThanOrEqual(delay);
    }));
  });

  test('none is always 0, fixed always its delay, whatever the count and draw', () => {
    const draw = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    fc.assert(fc.property(fc.nat(1000), draw, fc.integer({ min: 1, max: 86_400 }), (n, random, seconds) => {
      expect(redriveDelaySeconds({ kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false }, n, random)).toBe(0);
      expect(redriveDelaySeconds({ kind: 'FIXED', initialDelaySeconds: seconds, maxDelaySeconds: seconds, multiplier: 1, jitter: false }, n, random)).toBe(seconds);
    }));
  });

  test('without jitter: the draw does not matter', () => {
    fc.assert(fc.property(backoffArbitrary, fc.nat(1000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (backoff, n, random) => {
      expect(redriveDelaySeconds(backoff, n, random)).toBe(redriveDelaySeconds(backoff, n, 0));
    }));
  });

  test('with jitter: never shorter for a higher draw', () => {
    const draw = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    fc.assert(fc.property(backoffArbitrary, fc.nat(1000), draw, draw, (backoff, n, a, b) => {
      const jittered = { ...backoff, jitter: true };
      expect(redriveDelaySeconds(jittered, n, Math.max(a, b))).toBeGreaterThanOrEqual(redriveDelaySeconds(jittered, n, Math.min(a, b)));
    }));
  });

  test('any exponential backoff the handler configuration accepts gives a finite delay within [0, maxDelay]', () => {
    const accepted = fc.record({
      initialDelaySeconds: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 86_400 })),
      maxDelaySeconds: fc.integer({ min: 0, max: 1_209_600 }),
      multiplier: fc.oneof(fc.constantFrom(1, 2, 10), fc.double({ min: 1, max: 100, noNaN: true })),
      jitter: fc.boolean(),
    }).map((fields): BackoffSpec => ({ kind: 'EXPONENTIAL', ...fields }));
    fc.assert(fc.property(accepted, fc.nat(1000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (backoff, n, random) => {
      const delay = redriveDelaySeconds(backoff, n, random);
      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(backoff.maxDelaySeconds);
    }), { numRuns: 2000 });
  });

  test('with jitter: within [d/2, d] of the delay without jitter, whatever the draw', () => {
    fc.assert(fc.property(backoffArbitrary, fc.nat(1000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (backoff, n, random) => {
      const d = redriveDelaySeconds(backoff, n, random);
      const jittered = redriveDelaySeconds({ ...backoff, jitter: true }, n, random);
      expect(jittered).toBeGreaterThanOrEqual(d / 2);
      expect(jittered).toBeLessThanOrEqual(d);
    }));
  });
});
