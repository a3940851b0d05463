import { ScaledClock } from '../../../tools/fake-aws/clock';

describe('ScaledClock', () => {
  test('follows real time sped up by its factor, from its origin', () => {
    const origin = Date.now() - 1000;
    const clock = new ScaledClock(10, origin);
    const expected = origin + (Date.now() - origin) * 10;
    expect(Math.abs(clock.now() - expected)).toBeLessThan(50);
  });

  test('advance() and set() shift it, and it keeps running', () => {
    const clock = new ScaledClock(1);
    const before = clock.now();
    clock.advance(60_000);
    expect(clock.now() - before).toBeGreaterThanOrEqual(60_000);
    clock.set(0);
    expect(clock.now()).toBeLessThan(1000);
  });

  test('refuses a factor of 0 or less', () => {
    expect(() => new ScaledClock(0)).toThrow(/above 0/);
  });
});
