/** The long-lived services an app instance owns (writers, background workers). */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { Storage } from '../storage/db.js';
import type { UserRow } from '../storage/users.js';
import { HeartbeatWriter } from './ingest.js';
import { RollupService } from './rollups.js';
import { TimeService } from './time.js';
import { inProcess } from './background.js';
import { StatsService } from './stats.js';
import { StatusBarCache } from './status-bar-cache.js';
import { Housekeeping } from './housekeeping.js';
import { ApiKeyService } from './api-keys.js';
import { AccountService } from './accounts.js';
import { OAuthService } from './oauth.js';
import { OAuthAppService } from './oauth-apps.js';

/** Told when a user's preferences change (e.g. the time engine rebuilds rollups on a new zone or timeout). */
export type PreferencesChangedHook = (before: UserRow, after: UserRow) => Promise<void>;

export interface Services {
  heartbeats: HeartbeatWriter;
  rollups: RollupService;
  time: TimeService;
  /** The read path of every time question (domain/stats-query.ts). */
  stats: StatsService;
  statusBar: StatusBarCache;
  housekeeping: Housekeeping;
  /** API keys, and authentication by key (its cache is dropped here when a user's row changes). */
  apiKeys: ApiKeyService;
  accounts: AccountService;
  /** The OAuth provider's protocol (authorize, token, revoke) and access tokens as credentials. */
  oauth: OAuthService;
  /** The OAuth apps a user registered and the apps they authorized. */
  oauthApps: OAuthAppService;
  preferencesHooks: PreferencesChangedHook[];
  /** Runs the preference hooks; call after every change of a user's preferences. */
  preferencesChanged(before: UserRow, after: UserRow): Promise<void>;
  /** Stops background work and commits what is pending. */
  close(): Promise<void>;
}

export function createServices(deps: { config: Config; storage: Storage; log: FastifyBaseLogger }): Services {
  const heartbeats = new HeartbeatWriter(deps.storage, deps.log);
  const rollups = new RollupService(deps.storage, deps.log);
  heartbeats.hooks.push(rollups.onHeartbeatsChanged);
  const statusBar = new StatusBarCache();
  heartbeats.commitListeners.push((ids) => statusBar.forget(ids));
  const apiKeys = new ApiKeyService(deps.storage, deps.log);
  // ingest changes the user row (last_* fields, a first timezone): drop its cached credentials
  heartbeats.commitListeners.push((ids) => {
    for (const id of ids) apiKeys.forget(id);
  });
  const preferencesHooks: PreferencesChangedHook[] = [(before, after) => rollups.preferencesChanged(before, after)];
  const housekeeping = new Housekeeping(deps.storage, deps.log);
  const time = new TimeService(deps.storage, rollups, inProcess(deps.log));
  heartbeats.commitListeners.push((ids) => time.forget(ids));
  return {
    heartbeats,
    rollups,
    time,
    stats: new StatsService(deps.storage, time),
    statusBar,
    housekeeping,
    apiKeys,
    accounts: new AccountService(deps.storage),
    oauth: new OAuthService(deps.storage),
    oauthApps: new OAuthAppService(deps.storage),
    preferencesHooks,
    async preferencesChanged(before, after) {
      statusBar.forget([after.id]);
      apiKeys.forget(after.id);
      for (const hook of preferencesHooks) await hook(before, after);
    },
    async close() {
      await heartbeats.close();
      await rollups.stop();
      await housekeeping.stop();
      await apiKeys.settle();
    },
  };
}
