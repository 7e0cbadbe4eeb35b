/** The long-lived services an app instance owns (writers, background workers). */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { forgetCachedCredentials } from '../http/auth.js';
import type { Storage } from '../storage/db.js';
import type { UserRow } from '../storage/users.js';
import { EventBus } from './events.js';
import { createJobRunner, type JobRunner } from './jobs.js';
import { HeartbeatWriter } from './ingest.js';
import { RollupService } from './rollups.js';
import { TimeService } from './time.js';
import { StatusBarCache } from './status-bar-cache.js';
import { Housekeeping, HOUSEKEEPING_EVERY_S } from './housekeeping.js';

export interface Services {
  heartbeats: HeartbeatWriter;
  rollups: RollupService;
  time: TimeService;
  statusBar: StatusBarCache;
  housekeeping: Housekeeping;
  /** What happened after a commit; every subscription is made below, in createServices. */
  events: EventBus;
  /** Background jobs (pg-boss on PostgreSQL, in-process on SQLite); started by startBackground(). */
  jobs: JobRunner;
  /** Emits `preferences.changed`; call after every change of a user's preferences. */
  preferencesChanged(before: UserRow, after: UserRow): Promise<void>;
  /** Starts the background jobs (the server does, once listening; tests that need them too). */
  startBackground(): Promise<void>;
  /** Stops background work and commits what is pending. */
  close(): Promise<void>;
}

export function createServices(deps: { config: Config; storage: Storage; log: FastifyBaseLogger; clock?: Clock; jobs?: JobRunner }): Services {
  const clock = deps.clock ?? systemClock;
  const events = new EventBus(deps.log);
  const heartbeats = new HeartbeatWriter(deps.storage, deps.log, events);
  const rollups = new RollupService(deps.storage, deps.log);
  // in the write transaction, not an event: dirty marks commit with the heartbeats or not at all
  heartbeats.hooks.push(rollups.onHeartbeatsChanged);
  const statusBar = new StatusBarCache();
  const housekeeping = new Housekeeping(deps.storage, clock);
  const jobs = deps.jobs ?? createJobRunner({ dialect: deps.storage.dialect, databaseUrl: deps.config.databaseUrl, log: deps.log, clock });

  // Events: every reaction to a committed change, in one place.
  events.on('heartbeats.committed', ({ userIds }) => {
    statusBar.forget(userIds);
    // ingest changes the user row (last_* fields, a first timezone): drop its cached credentials
    for (const id of userIds) forgetCachedCredentials(id);
  });
  events.on('preferences.changed', ({ after }) => {
    statusBar.forget([after.id]);
    forgetCachedCredentials(after.id);
  });
  events.on('preferences.changed', ({ before, after }) => rollups.preferencesChanged(before, after));
  events.on('credentials.changed', ({ userId }) => forgetCachedCredentials(userId));

  // Jobs: periodic upkeep, once per period across instances.
  jobs.register('housekeeping.sweep', () => housekeeping.sweep(), { retryLimit: 1 });
  jobs.schedule('housekeeping.sweep', HOUSEKEEPING_EVERY_S);

  let background = false;
  return {
    heartbeats,
    rollups,
    time: new TimeService(deps.storage, rollups),
    statusBar,
    housekeeping,
    events,
    jobs,
    preferencesChanged: (before, after) => events.emit('preferences.changed', { before, after }),
    async startBackground() {
      if (background) return;
      background = true;
      await jobs.start();
    },
    async close() {
      await jobs.stop();
      await heartbeats.close();
      await rollups.stop();
    },
  };
}
