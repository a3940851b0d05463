/**
 * A value made the first time it is asked for, then kept. Used with `require()` to load a module
 * only when a code path needs it: esbuild then evaluates the module on that first call, not when
 * the bundle loads.
 */
export function loadOnce<T>(load: () => T): () => T {
  let value: T | undefined;
  let loaded = false;
  return () => {
    if (!loaded) {
      value = load();
      loaded = true;
    }
    return value as T;
  };
}
