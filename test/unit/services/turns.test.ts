import { describe, expect, it } from 'vitest';
import { laterTurn } from '../../../src/services/turns.js';

/** Counts event-loop iterations: one tick per check phase. */
function iterationCounter(): { now: () => number; stop: () => void } {
  let n = 0;
  let running = true;
  const tick = () => {
    n++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => n, stop: () => void (running = false) };
}

describe('laterTurn', () => {
  it('resumes one waiter per event-loop iteration, in arrival order', async () => {
    const loop = iterationCounter();
    const resumed: { who: number; iteration: number }[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, who) =>
        laterTurn().then(() => {
          resumed.push({ who, iteration: loop.now() });
        }),
      ),
    );
    loop.stop();
    expect(resumed.map((r) => r.who)).toEqual([0, 1, 2, 3, 4, 5]);
    for (let i = 1; i < resumed.length; i++) expect(resumed[i]!.iteration).toBeGreaterThan(resumed[i - 1]!.iteration);
  });

  it('lets I/O that is ready run between two waiters (a read before the next batch)', async () => {
    const order: string[] = [];
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    await Promise.all([
      laterTurn().then(() => {
        // a read arrives while the first batch runs (armed here: armed before, it may be due
        // before the first batch starts, and then rightly runs first)
        setTimeout(() => order.push('read'), 0);
        busy(5);
        order.push('batch 1');
      }),
      laterTurn().then(() => order.push('batch 2')),
      laterTurn().then(() => order.push('batch 3')),
    ]);
    expect(order).toEqual(['batch 1', 'read', 'batch 2', 'batch 3']);
  });

  it('starts afresh after the queue drained', async () => {
    await laterTurn();
    const order: number[] = [];
    await Promise.all([laterTurn().then(() => order.push(1)), laterTurn().then(() => order.push(2))]);
    expect(order).toEqual([1, 2]);
  });

  it('keeps order across a long queue that keeps growing while it drains', async () => {
    const order: number[] = [];
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 1500; i++) all.push(laterTurn().then(() => order.push(i)));
    // more arrive while the first ones resume (as batches keep coming under load)
    await all[0];
    for (let i = 1500; i < 3000; i++) all.push(laterTurn().then(() => order.push(i)));
    await Promise.all(all);
    expect(order).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});
