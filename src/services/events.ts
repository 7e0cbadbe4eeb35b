/**
 * The typed event bus of an app instance: what happened after a commit (heartbeats stored or
 * deleted, preferences changed), for the caches and workers that react to it.
 * Subscriptions are made in ONE place, createServices (src/services/index.ts).
 *
 * Events are in-process and after the fact: the change is already committed when they are emitted.
 * Work that must be atomic with the change (the rollup dirty marks) stays a transaction hook of
 * its writer (HeartbeatWriter.hooks), never an event. Other instances learn about changes through
 * the database (TTL caches, dirty marks, jobs).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { UserRow } from '../storage/users.js';
import type { UserRowChange } from './ingest.js';

export interface EventMap {
  /**
   * Heartbeats of these users were committed (inserted, or deleted), and what the commit wrote to
   * each one's row (users.last_*, a first timezone).
   */
  'heartbeats.committed': { userIds: ReadonlySet<number>; userRows: ReadonlyMap<number, UserRowChange> };
  /** A user's profile or preferences changed (row before and after the committed update). */
  'preferences.changed': { before: UserRow; after: UserRow };
  /** External durations of these users were created, updated or deleted (issue 12). */
  'external_durations.changed': { userIds: ReadonlySet<number> };
}

export type EventName = keyof EventMap;
export type Listener<K extends EventName> = (payload: EventMap[K]) => void | Promise<void>;

export class EventBus {
  private readonly listeners = new Map<EventName, Listener<EventName>[]>();

  constructor(private readonly log?: Pick<FastifyBaseLogger, 'error'>) {}

  /** Subscribes; returns the unsubscribe function. */
  on<K extends EventName>(name: K, listener: Listener<K>): () => void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as Listener<EventName>);
    this.listeners.set(name, list);
    return () => {
      const i = list.indexOf(listener as Listener<EventName>);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /**
   * Runs the listeners in subscription order. Synchronous listeners have all run when this
   * returns (so a cache is dropped before the request that caused it answers); the promise
   * settles once the asynchronous ones finished. A failing listener is logged and never stops
   * the others nor the emitter: the change it reports is already committed.
   */
  emit<K extends EventName>(name: K, payload: EventMap[K]): Promise<void> {
    const list = this.listeners.get(name);
    if (!list || list.length === 0) return Promise.resolve();
    const pending: Promise<void>[] = [];
    for (const listener of [...list]) {
      try {
        const result = listener(payload);
        if (result) pending.push(result.catch((err: unknown) => this.failed(name, err)));
      } catch (err) {
        this.failed(name, err);
      }
    }
    return pending.length ? Promise.all(pending).then(() => undefined) : Promise.resolve();
  }

  private failed(name: EventName, err: unknown): void {
    this.log?.error({ err, event: name }, 'event listener failed');
  }
}
