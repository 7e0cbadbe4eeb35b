/**
 * The status bar is asked for by every editor every minute or so, and must be answered in a few
 * milliseconds under load: its answer is cached per user (serialized), dropped as soon as this
 * instance commits a change to the user's heartbeats, and recomputed at most every TTL
 * otherwise — so another instance's writes show within TTL_SECONDS.
 */
const TTL_SECONDS = 10;
const MAX_ENTRIES = 10_000;

interface Entry {
  key: string;
  body: string;
  expires: number;
}

export class StatusBarCache {
  private readonly entries = new Map<number, Entry>();

  get(userId: number, key: string, now = Date.now() / 1000): string | undefined {
    const e = this.entries.get(userId);
    return e && e.key === key && e.expires > now ? e.body : undefined;
  }

  set(userId: number, key: string, body: string, now = Date.now() / 1000): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(userId, { key, body, expires: now + TTL_SECONDS });
  }

  forget(userIds: Iterable<number>): void {
    for (const id of userIds) this.entries.delete(id);
  }
}
