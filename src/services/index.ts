/** The long-lived services an app instance owns (writers, background workers). */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { epochSeconds, systemClock, type Clock } from '../domain/clock.js';
import type { Storage } from '../storage/db.js';
import type { UserRow } from '../storage/users.js';
import { EventBus } from './events.js';
import { createJobRunner, type JobRunner } from './jobs.js';
import { applyUserRowChange, HeartbeatWriter } from './ingest.js';
import { RollupService } from './rollups.js';
import { TimeService } from './time.js';
import { inProcess } from './background.js';
import { StatsService } from './stats.js';
import { SummaryService } from './summaries.js';
import { StatusBarCache } from './status-bar-cache.js';
import { Housekeeping, HOUSEKEEPING_EVERY_S } from './housekeeping.js';
import { UserService } from './users.js';
import { ProjectService } from './projects.js';
import { MachineNameService } from './machine-names.js';
import { UserAgentService } from './user-agents.js';
import { HealthService } from './health.js';
import { HeartbeatReader } from './heartbeats.js';
import { ApiKeyService } from './api-keys.js';
import { AccountService } from './accounts.js';
import { OAuthService } from './oauth.js';
import { OAuthAppService } from './oauth-apps.js';
import { leaderFieldsChanged, LeaderService, LEADERS_EVERY_S, LEADERS_SETTLE_MS } from './leaders.js';
import { OrgService } from './orgs.js';
import { AdminService } from './admin.js';
import { ExternalDurationService } from './external-durations.js';
import { CommitService } from './commits.js';
import { Mailer } from './mail.js';
import { GoalService } from './goals.js';
import { AccountMailService } from './account-mail.js';
import { DataDumpService, dumpMailNotifier } from './data-dumps.js';
import { RelayService } from './relay.js';
import { ImportService } from './imports.js';
import { AccountSettingsService } from './account-settings.js';
import { ShareLinkService } from './share-links.js';

/** How often rollup upkeep runs (once per period across instances). */
export const ROLLUP_UPKEEP_EVERY_S = 2;
/** How often the relay outbox is looked at besides right after a commit that filled it. */
export const RELAY_EVERY_S = 5;

export interface Services {
  heartbeats: HeartbeatWriter;
  rollups: RollupService;
  time: TimeService;
  /** The read path of every time question (domain/stats-query.ts). */
  stats: StatsService;
  /** GET summaries, with past days' JSON kept while their rollups are unchanged. */
  summaries: SummaryService;
  statusBar: StatusBarCache;
  housekeeping: Housekeeping;
  /** API keys, and authentication by key (its cache is dropped here when a user's row changes). */
  apiKeys: ApiKeyService;
  accounts: AccountService;
  /** The OAuth provider's protocol (authorize, token, revoke) and access tokens as credentials. */
  oauth: OAuthService;
  /** The OAuth apps a user registered and the apps they authorized. */
  oauthApps: OAuthAppService;
  /** Public leaders, private leaderboards and aggregate stats (stored by the leaders jobs). */
  leaders: LeaderService;
  /** Organizations, dashboards and their members; team time through `stats`. */
  orgs: OrgService;
  /** The instance's administration: users, run-time sign-up, disabling accounts. */
  admin: AdminService;
  /** Data dumps (exports) and their generating job. */
  dataDumps: DataDumpService;
  /** Relay targets and the delivery of the relay outbox. */
  relay: RelayService;
  /** Imports from dump files and other servers. */
  imports: ImportService;
  /** Settings' account changes: password, deleting the account (issue 9). */
  accountSettings: AccountSettingsService;
  /** Badge and embed share links (issue 9). */
  shareLinks: ShareLinkService;
  /** "Now" for every service (injected: tests may fix it). */
  clock: Clock;
  /** Outgoing e-mail (SMTP_URL / MAIL_FROM); off without SMTP_URL. */
  mail: Mailer;
  /** Goals: definitions, shares, cached progress (goals.refresh) and progress e-mails (goals.notify). */
  goals: GoalService;
  /** Password reset links and weekly summaries by e-mail. */
  accountMail: AccountMailService;
  users: UserService;
  projects: ProjectService;
  machineNames: MachineNameService;
  userAgents: UserAgentService;
  health: HealthService;
  /** Reading heartbeats back (`heartbeats` is the writer). */
  heartbeatReader: HeartbeatReader;
  /** External durations (issue 12): they count in time accounting like heartbeats. */
  externalDurations: ExternalDurationService;
  /** Commits from push webhooks and imports, with their coding time (issue 12). */
  commits: CommitService;
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
  const heartbeats = new HeartbeatWriter(deps.storage, deps.log, events, clock);
  const rollups = new RollupService(deps.storage, deps.log, clock);
  // in the write transaction, not an event: dirty marks commit with the heartbeats or not at all
  heartbeats.hooks.push(rollups.onHeartbeatsChanged);
  const statusBar = new StatusBarCache();
  const apiKeys = new ApiKeyService(deps.storage, deps.log);
  const housekeeping = new Housekeeping(deps.storage, clock);
  const time = new TimeService(deps.storage, rollups, inProcess(deps.log));
  const mail = new Mailer(deps.config.mail, deps.log);
  const jobs = deps.jobs ?? createJobRunner({ dialect: deps.storage.dialect, databaseUrl: deps.config.databaseUrl, log: deps.log, clock });

  // Events: every reaction to a committed change, in one place.
  events.on('heartbeats.committed', ({ userIds, userRows }) => {
    statusBar.forget(userIds);
    // cached background answers (other settings) of these users are stale now
    time.forget(userIds);
    // ingest changes the user row (last_* fields, a first timezone): update its cached credentials
    // the same way (dropping them would cost every heartbeat request a query)
    for (const [id, change] of userRows) apiKeys.updateUser(id, (user) => applyUserRowChange(user, change));
  });
  events.on('external_durations.changed', ({ userIds }) => {
    statusBar.forget(userIds);
    time.forget(userIds);
  });
  events.on('preferences.changed', ({ after }) => {
    statusBar.forget([after.id]);
    apiKeys.forget(after.id);
  });
  events.on('preferences.changed', ({ before, after }) => rollups.preferencesChanged(before, after));

  // Jobs: periodic upkeep, once per period across instances.
  jobs.register('housekeeping.sweep', () => housekeeping.sweep(), { retryLimit: 1 });
  jobs.schedule('housekeeping.sweep', HOUSEKEEPING_EVERY_S);
  // a missed round is covered by the next one: no retries; a round of a dead instance expires soon
  jobs.register('rollups.upkeep', () => rollups.runUpkeep(), { retryLimit: 0, expireInSeconds: 120 });
  jobs.schedule('rollups.upkeep', ROLLUP_UPKEEP_EVERY_S);

  // Leaders: recomputed periodically and soon after a user's settings change (flags, zone, city)
  const stats = new StatsService(deps.storage, time, () => epochSeconds(clock));
  const summaries = new SummaryService(stats, time);
  const leaders = new LeaderService(deps.storage, stats, clock, async (range) => {
    await jobs.send('aggregate.compute', { range }, { singletonKey: range });
  });
  jobs.register('leaders.recompute', async (_data, ctx) => void (await leaders.recompute(ctx.signal)), { retryLimit: 1, expireInSeconds: 1800 });
  jobs.schedule('leaders.recompute', LEADERS_EVERY_S);
  jobs.register('aggregate.compute', async ({ range }, ctx) => leaders.computeAggregate(range, ctx.signal), { retryLimit: 1, expireInSeconds: 1800 });
  events.on('preferences.changed', async ({ before, after }) => {
    if (!leaderFieldsChanged(before, after)) return;
    leaders.forgetSnapshot();
    // a few seconds later, so a burst of changes is one recomputation
    await jobs.send('leaders.recompute', {}, { singletonKey: 'settings', startAfter: new Date(Date.now() + LEADERS_SETTLE_MS) });
  });
  // Goals and e-mail (services/goals.ts, services/mail.ts)
  const goals = new GoalService(deps.storage, stats, jobs, mail, clock, deps.log, deps.config.baseUrl);
  const goalsChanged = (userIds: Iterable<number>) => void goals.heartbeatsChanged(userIds).catch((err: unknown) => deps.log.error({ err }, 'marking goals out of date failed'));
  events.on('heartbeats.committed', ({ userIds }) => goalsChanged(userIds));
  events.on('external_durations.changed', ({ userIds }) => goalsChanged(userIds));
  events.on('preferences.changed', ({ after }) => goalsChanged([after.id]));
  jobs.register('goals.refresh', ({ userId }) => goals.refresh(userId), { retryLimit: 2, retryDelaySeconds: 2 });
  jobs.register('goals.sweep', () => goals.sweep(), { retryLimit: 0 });
  jobs.schedule('goals.sweep', 60);
  jobs.register('goals.notify', async () => void (await goals.notifyRound()), { retryLimit: 0, expireInSeconds: 600 });
  jobs.schedule('goals.notify', 300);
  jobs.register('mail.send', async (message) => void (await mail.send(message)), { retryLimit: 5, retryDelaySeconds: 30, retryBackoff: true });
  const accountMail = new AccountMailService(deps.storage, mail, stats, clock, deps.log, deps.config.baseUrl, (before, after) => services.preferencesChanged(before, after));
  jobs.register('mail.weekly_summary', async () => void (await accountMail.weeklySummaryRound()), { retryLimit: 0, expireInSeconds: 1800 });
  jobs.schedule('mail.weekly_summary', 900);
  // data transfer (issue 12): dumps
  const dataDumps = new DataDumpService(deps.storage, stats, jobs, clock, deps.config.baseUrl, deps.log);
  dataDumps.notify = dumpMailNotifier(mail);
  jobs.register('data_dumps.generate', ({ dumpId }, ctx) => dataDumps.generate(dumpId, ctx.signal), { retryLimit: 2, expireInSeconds: 3600 });
  jobs.register('transfer.sweep', async () => void (await Promise.all([dataDumps.deleteExpired(), imports.sweep()])), { retryLimit: 1 });
  jobs.schedule('transfer.sweep', HOUSEKEEPING_EVERY_S);
  const relay = new RelayService(deps.storage, jobs, clock, deps.log);
  heartbeats.hooks.push(relay.onHeartbeatsChanged);
  events.on('heartbeats.committed', () => relay.afterCommit());
  jobs.register('relay.deliver', (_data, ctx) => relay.deliver(ctx.signal), { retryLimit: 0, expireInSeconds: 600 });
  jobs.schedule('relay.deliver', RELAY_EVERY_S);
  const imports = new ImportService(deps.storage, heartbeats, jobs, clock, deps.log);
  // another runner holding it (or a passing failure): try again later; the cursor resumes it
  jobs.register('imports.run', async ({ importId }, ctx) => void (await imports.run(importId, { signal: ctx.signal })), { retryLimit: 20, retryDelaySeconds: 15, retryBackoff: false, expireInSeconds: 12 * 3600 });

  const externalDurations = new ExternalDurationService(deps.storage, clock, rollups.onHeartbeatsChanged, events);
  let background = false;
  let orgs: OrgService | undefined;
  const services: Services = {
    get orgs() {
      return (orgs ??= new OrgService(deps.storage, services.stats, clock, { send: (m) => jobs.send('mail.send', m).then(() => undefined), enabled: () => mail.status().enabled, baseUrl: deps.config.baseUrl }));
    },
    admin: new AdminService(deps.storage, deps.config, clock, (userId) => apiKeys.forget(userId)),
    heartbeats,
    rollups,
    time,
    stats,
    summaries,
    leaders,
    dataDumps,
    relay,
    imports,
    statusBar,
    housekeeping,
    apiKeys,
    accounts: new AccountService(deps.storage),
    oauth: new OAuthService(deps.storage),
    oauthApps: new OAuthAppService(deps.storage, (appId, userId) => externalDurations.disconnect(appId, userId), (userId, grantId) => externalDurations.grantAppId(userId, grantId)),
    accountSettings: new AccountSettingsService(deps.storage, () => epochSeconds(clock), (id) => {
      apiKeys.forget(id);
      statusBar.forget([id]);
      time.forget([id]);
    }),
    shareLinks: new ShareLinkService(deps.storage, stats),
    clock,
    mail,
    goals,
    accountMail,
    users: new UserService(deps.storage, clock, (before, after) => services.preferencesChanged(before, after)),
    projects: new ProjectService(deps.storage),
    machineNames: new MachineNameService(deps.storage),
    userAgents: new UserAgentService(deps.storage),
    health: new HealthService(deps.storage),
    heartbeatReader: new HeartbeatReader(deps.storage),
    externalDurations,
    commits: new CommitService(deps.storage, clock, time),
    events,
    jobs,
    preferencesChanged: (before, after) => events.emit('preferences.changed', { before, after }),
    async startBackground() {
      if (background) return;
      background = true;
      await jobs.start();
      // imports a stopped server left unfinished go on (their cursor resumes them)
      await imports.resumeAll().catch((err: unknown) => deps.log.error({ err }, 'could not resume imports'));
    },
    async close() {
      // rollups.stop() ends a running upkeep round early, so the runner's wait for it is short
      await Promise.all([jobs.stop(), rollups.stop()]);
      await heartbeats.close();
      await apiKeys.settle();
      mail.close();
    },
  };
  return services;
}
