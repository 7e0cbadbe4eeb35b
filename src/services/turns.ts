/**
 * Turns of the event loop for work that can wait (heartbeat batches: their senders do not watch
 * the answer; an editor's status bar does). `laterTurn()` resolves in a later iteration of the
 * event loop, and at most ONE waiter resumes per iteration, in arrival order: between two batches
 * the loop polls its sockets, so every read already received runs before the next batch. Without
 * it, 16 batches arriving together were validated back to back, and a read waited for all of them.
 */
const waiting: (() => void)[] = [];
let head = 0;
let scheduled = false;

function resumeOne(): void {
  const resume = waiting[head];
  waiting[head++] = undefined as unknown as () => void;
  if (head === waiting.length) {
    waiting.length = 0;
    head = 0;
    scheduled = false;
  } else {
    // under steady load the queue may never drain: drop the resumed part now and then
    if (head >= 1024 && head * 2 >= waiting.length) {
      waiting.splice(0, head);
      head = 0;
    }
    setImmediate(resumeOne); // queued during this check phase: runs in the next iteration
  }
  resume?.();
}

export function laterTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(resumeOne);
    }
  });
}
