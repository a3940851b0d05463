import * as fc from 'fast-check';
import { splitByLength } from '../../src/private/split-by-length';
import { naming } from '../support/messages';

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
    expect(() => splitByLength([5, 50], (cost) => cost, 10)).toThrow(naming(50, 10));
  });
});
