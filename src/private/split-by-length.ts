/**
 * Splits items, in order, into the fewest consecutive groups whose summed cost stays within a
 * budget. Used to keep every event pattern under EventBridge's length limit.
 */
export function splitByLength<T>(items: readonly T[], costOf: (item: T) => number, budget: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let spent = 0;
  for (const item of items) {
    const cost = costOf(item);
    if (cost > budget) {
      throw new Error(`an item costs ${cost}, more than the budget of ${budget}`);
    }
    if (current.length > 0 && spent + cost > budget) {
      groups.push(current);
      current = [];
      spent = 0;
    }
    current.push(item);
    spent += cost;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
