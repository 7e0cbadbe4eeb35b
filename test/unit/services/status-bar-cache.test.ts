/** The status bar cache: single flight per user and key, never caching across a change. */
import { expect, it } from 'vitest';
import { StatusBarCache } from '../../../src/services/status-bar-cache.js';

function deferred() {
  let resolve!: (v: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}

it('shares one computation between concurrent misses', async () => {
  const cache = new StatusBarCache();
  let calls = 0;
  const d = deferred();
  const compute = () => (calls++, d.promise);
  const a = cache.getOrCompute(1, 'k', compute);
  const b = cache.getOrCompute(1, 'k', compute);
  d.resolve('body');
  expect(await Promise.all([a, b])).toEqual(['body', 'body']);
  expect(calls).toBe(1);
  expect(await cache.getOrCompute(1, 'k', async () => 'other')).toBe('body'); // cached
});

it('never caches nor shares an answer computed across a change of the heartbeats', async () => {
  const cache = new StatusBarCache();
  const before = deferred();
  const stale = cache.getOrCompute(1, 'k', () => before.promise);
  cache.forget([1]); // a commit lands while the answer is computed
  let fresh = 0;
  const after = cache.getOrCompute(1, 'k', async () => (fresh++, 'fresh'));
  before.resolve('stale');
  expect(await stale).toBe('stale');
  expect(await after).toBe('fresh');
  expect(fresh).toBe(1);
  expect(cache.get(1, 'k')).toBe('fresh');

  const again = deferred();
  const p = cache.getOrCompute(2, 'k', () => again.promise);
  cache.forget([2]);
  again.resolve('old');
  await p;
  expect(cache.get(2, 'k')).toBeUndefined();
});

it('keeps keys apart (another day, zone or visibility)', async () => {
  const cache = new StatusBarCache();
  const d = deferred();
  const a = cache.getOrCompute(1, 'today', () => d.promise);
  const b = cache.getOrCompute(1, 'tomorrow', async () => 'b');
  d.resolve('a');
  expect(await a).toBe('a');
  expect(await b).toBe('b');
});
