/**
 * The status bar is asked for by every editor every minute or so, and must be answered in a few
 * milliseconds under load: its answer is cached per user (serialized), dropped as soon as this
 * instance commits a change to the user's heartbeats, and recomputed at most every TTL
 * otherwise — so another instance's writes show within TTL_SECONDS.
 *
 * Concurrent misses for the same user and key share one computation (single flight), and an
 * answer computed across a change of the user's heartbeats is never cached nor shared with reads
 * that started after the change: each user has a generation, bumped by `forget`.
 */
const TTL_SECONDS = 10;
const MAX_ENTRIES = 10_000;

interface Entry {
  key: string;
  body: string;
  expires: number;
}

interface Flight {
  key: string;
  generation: number;
  body: Promise<string>;
}

export class StatusBarCache {
  private readonly entries = new Map<number, Entry>();
  private readonly generations = new Map<number, number>();
  private readonly flights = new Map<number, Flight>();

  get(userId: number, key: string, now = Date.now() / 1000): string | undefined {
    const e = this.entries.get(userId);
    return e && e.key === key && e.expires > now ? e.body : undefined;
  }

  set(userId: number, key: string, body: string, now = Date.now() / 1000): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(userId, { key, body, expires: now + TTL_SECONDS });
  }

  forget(userIds: Iterable<number>): void {
    for (const id of userIds) {
      this.entries.delete(id);
      if (this.generations.size >= MAX_ENTRIES && !this.generations.has(id)) this.generations.clear();
      this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
    }
  }

  /**
   * The cached answer, or the one being computed for a read that started after the user's last
   * change, or a new computation (cached unless the user's heartbeats changed meanwhile).
   */
  async getOrCompute(userId: number, key: string, compute: () => Promise<string>, now = Date.now() / 1000): Promise<string> {
    const cached = this.get(userId, key, now);
    if (cached !== undefined) return cached;
    const generation = this.generations.get(userId) ?? 0;
    const flight = this.flights.get(userId);
    if (flight && flight.key === key && flight.generation === generation) return flight.body;
    const body = compute();
    const mine: Flight = { key, generation, body };
    this.flights.set(userId, mine);
    try {
      const value = await body;
      if ((this.generations.get(userId) ?? 0) === generation) this.set(userId, key, value, now);
      return value;
    } finally {
      if (this.flights.get(userId) === mine) this.flights.delete(userId);
    }
  }
}
