/**
 * EventBridge event-pattern matching, as its documentation describes it, for the filters the
 * construct's rules use: arrays of exact values, `prefix`, `anything-but` and `exists`, nested
 * objects. A field matches when its value (or any value of an array field) matches one entry.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new Error(`an event pattern is an object, got ${JSON.stringify(pattern)}`);
  const record = isObject(event) ? event : {};
  return Object.entries(pattern).every(([key, filter]) => {
    const value = record[key];
    if (Array.isArray(filter)) return filter.some((entry) => matchesEntry(entry, value));
    if (isObject(filter)) return isObject(value) && matchesPattern(filter, value);
    throw new Error(`a pattern field holds an array or an object, got ${JSON.stringify(filter)} for ${key}`);
  });
}

function matchesEntry(entry: unknown, value: unknown): boolean {
  if (isObject(entry)) {
    if ('exists' in entry) return (value !== undefined) === entry.exists;
    if (value === undefined) return false;
    const values = Array.isArray(value) ? value : [value];
    if ('prefix' in entry) return values.some((v) => typeof v === 'string' && v.startsWith(String(entry.prefix)));
    if ('anything-but' in entry) {
      const excluded = Array.isArray(entry['anything-but']) ? entry['anything-but'] : [entry['anything-but']];
      return values.some((v) => !excluded.includes(v));
    }
    throw new Error(`the fake does not implement the filter ${JSON.stringify(entry)}`);
  }
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => v === entry);
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
