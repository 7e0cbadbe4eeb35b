/** A bounded memo for pure functions of a string (least recently used entries go first). Pure. */
export function memoize<T>(fn: (key: string) => T, size = 1000): (key: string) => T {
  const cache = new Map<string, T>();
  // the same key as last time (a batch's heartbeats share their user agent): no map work
  let lastKey: string | null = null;
  let lastValue: T | undefined;
  return (key: string) => {
    if (key === lastKey) return lastValue!;
    const value = lookup(key);
    lastKey = key;
    lastValue = value;
    return value;
  };
  function lookup(key: string): T {
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const value = fn(key);
    if (cache.size >= size) cache.delete(cache.keys().next().value!);
    cache.set(key, value);
    return value;
  }
}
