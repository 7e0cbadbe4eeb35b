/**
 * Goals: create, edit, share, subscribe; progress from the stats layer (one StatsQuery per goal:
 * the owner's days, zone and settings, the goal's filters), kept in a cache that the
 * `goals.refresh` job fills (reads are served from it only, as the reference says), made dirty by
 * the `heartbeats.committed` and `preferences.changed` events; progress e-mails by the
 * `goals.notify` job.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { DateTime } from 'luxon';
import { epochSeconds, type Clock } from '../domain/clock.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import {
  chartDates,
  EMAIL_FREQUENCIES,
  GOAL_DELTAS,
  goalProgress,
  goalTitle,
  localToday,
  MAX_GOAL_FILTER_NAMES,
  MAX_GOAL_SECONDS,
  WEEKDAYS,
  type EmailFrequency,
  type GoalDelta,
  type GoalProgress,
  type GoalRules,
  type Weekday,
} from '../domain/goal.js';
import { humanText } from '../domain/format.js';
import type { Filters } from '../domain/stats-query.js';
import { userSettings } from '../domain/user.js';
import type { Storage } from '../storage/db.js';
import * as store from '../storage/goals.js';
import type { GoalRow, PersonRow, ShareRow, SubscriberRow } from '../storage/goals.js';
import { findUserByEmail, findUserByHandle, findUserById, findUserByUsername, type UserRow } from '../storage/users.js';
import type { JobRunner } from './jobs.js';
import { escapeHtml, isMailAddress, type Mailer } from './mail.js';
import type { StatsService } from './stats.js';

/** Most goals one user may own. */
export const MAX_GOALS_PER_USER = 100;
/** Most people one goal may be shared with. */
export const MAX_SHARES = 50;
/** Invitation e-mails one owner may cause per hour (shares beyond it are made, silently). */
export const MAX_INVITATIONS_PER_HOUR = 20;
/** Local hour (subscriber's zone) from which the day's progress e-mail goes out. */
export const NOTIFY_HOUR = 8;

/** What a client may set on a goal (POST: seconds and delta required; PATCH: any). */
export interface GoalInput {
  seconds?: number;
  delta?: string;
  improve_by_percent?: number | null;
  is_inverse?: boolean;
  is_enabled?: boolean;
  ignore_days?: string[];
  ignore_zero_days?: boolean;
  languages?: string[];
  projects?: string[];
  editors?: string[];
  categories?: string[];
  custom_title?: string | null;
  type?: string;
  /** Usernames or e-mail addresses (or objects naming one); replaces the list. */
  shared_with?: (string | { username?: string | null; email?: string | null; user_id?: string | null })[];
  /** The owner's own progress e-mails. */
  email_frequency?: string;
  snooze_until?: string | null;
}

export interface SharePerson extends ShareRow {
  person: PersonRow | null;
}
export interface SubscriberPerson extends SubscriberRow {
  person: PersonRow;
}

/** Everything the wire mapping needs to show one goal to one viewer. */
export interface GoalView {
  goal: GoalRow;
  rules: GoalRules;
  title: string;
  owner: PersonRow;
  viewerId: number;
  /** The computed part (null until the cache has it for today). */
  progress: GoalProgress | null;
  cachedAt: number | null;
  shares: SharePerson[];
  subscribers: SubscriberPerson[];
  /** The viewer's own subscription (snooze fields). */
  mine: SubscriberRow | null;
  now: number;
}

function parseList(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function rulesOf(goal: GoalRow): GoalRules {
  return {
    seconds: goal.seconds,
    delta: (GOAL_DELTAS as readonly string[]).includes(goal.delta) ? (goal.delta as GoalDelta) : 'day',
    improveByPercent: goal.improve_by_percent,
    isInverse: !!goal.is_inverse,
    ignoreDays: parseList(goal.ignore_days).filter((d): d is Weekday => (WEEKDAYS as readonly string[]).includes(d)),
    ignoreZeroDays: !!goal.ignore_zero_days,
    languages: parseList(goal.languages),
    projects: parseList(goal.projects),
    editors: parseList(goal.editors),
    categories: parseList(goal.categories),
    createdAt: goal.created_at,
  };
}

/** The goal's filters as the stats layer takes them (names as summaries show them). */
export function goalFilters(rules: GoalRules): Filters {
  const f: Filters = {};
  if (rules.languages.length) f.languages = rules.languages;
  if (rules.projects.length) f.projects = rules.projects;
  if (rules.editors.length) f.editors = rules.editors;
  if (rules.categories.length) f.categories = rules.categories;
  return f;
}

function names(field: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw new ValidationError(field, 'must be a list of names');
  if (value.length > MAX_GOAL_FILTER_NAMES) throw new ValidationError(field, `at most ${MAX_GOAL_FILTER_NAMES} names`);
  const out: string[] = [];
  for (const v of value) {
    if (typeof v !== 'string' || v.trim() === '' || v.length > 200) throw new ValidationError(field, 'each name must be 1 to 200 characters');
    if (!out.includes(v.trim())) out.push(v.trim());
  }
  return out;
}

function parseSnooze(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined || value === '') return null;
  const dt = DateTime.fromISO(value, { zone: 'UTC' });
  if (!dt.isValid) throw new ValidationError('snooze_until', 'must be an ISO 8601 date or time');
  const s = dt.toSeconds();
  if (s > now + 366 * 86400) throw new ValidationError('snooze_until', 'at most a year ahead');
  return s;
}

function frequency(value: string): EmailFrequency {
  const v = value.toLowerCase();
  if (!(EMAIL_FREQUENCIES as readonly string[]).includes(v)) throw new ValidationError('email_frequency', `must be one of ${EMAIL_FREQUENCIES.join(', ')}`);
  return v as EmailFrequency;
}

/** The stored goal fields from an input over a base (the current goal, or the defaults). */
function goalFields(input: GoalInput, base: GoalRules & { isEnabled: boolean; customTitle: string | null }) {
  let delta = base.delta;
  if (input.delta !== undefined) {
    const d = input.delta.toLowerCase();
    if (!(GOAL_DELTAS as readonly string[]).includes(d)) throw new ValidationError('delta', 'must be "day" or "week"');
    delta = d as GoalDelta;
  }
  const seconds = input.seconds ?? base.seconds;
  if (!Number.isInteger(seconds) || seconds < 60 || seconds > MAX_GOAL_SECONDS[delta]) throw new ValidationError('seconds', `must be a whole number of seconds from 60 to ${MAX_GOAL_SECONDS[delta]} per ${delta}`);
  const improve = input.improve_by_percent === undefined ? base.improveByPercent : input.improve_by_percent;
  if (improve !== null && (!Number.isFinite(improve) || improve < 0 || improve > 100)) throw new ValidationError('improve_by_percent', 'must be a percent from 0 to 100, or null');
  let ignoreDays = base.ignoreDays;
  if (input.ignore_days !== undefined) {
    if (!Array.isArray(input.ignore_days) || input.ignore_days.length > 7) throw new ValidationError('ignore_days', 'must be a list of weekdays');
    const days = new Set<Weekday>();
    for (const d of input.ignore_days) {
      const w = typeof d === 'string' ? d.trim().toLowerCase() : '';
      if (!(WEEKDAYS as readonly string[]).includes(w)) throw new ValidationError('ignore_days', `unknown weekday; use ${WEEKDAYS.join(', ')}`);
      days.add(w as Weekday);
    }
    ignoreDays = WEEKDAYS.filter((w) => days.has(w));
  }
  if (input.type !== undefined && input.type !== 'coding') throw new ValidationError('type', 'the only goal type is "coding"');
  let customTitle = base.customTitle;
  if (input.custom_title !== undefined) {
    const t = input.custom_title === null ? '' : input.custom_title.trim();
    if (t.length > 200) throw new ValidationError('custom_title', 'at most 200 characters');
    customTitle = t === '' ? null : t;
  }
  return {
    seconds,
    delta,
    improve_by_percent: improve === 0 ? null : improve,
    is_inverse: (input.is_inverse ?? base.isInverse) ? 1 : 0,
    is_enabled: (input.is_enabled ?? base.isEnabled) ? 1 : 0,
    ignore_days: JSON.stringify(ignoreDays),
    ignore_zero_days: (input.ignore_zero_days ?? base.ignoreZeroDays) ? 1 : 0,
    languages: JSON.stringify(input.languages !== undefined ? names('languages', input.languages) : base.languages),
    projects: JSON.stringify(input.projects !== undefined ? names('projects', input.projects) : base.projects),
    editors: JSON.stringify(input.editors !== undefined ? names('editors', input.editors) : base.editors),
    categories: JSON.stringify(input.categories !== undefined ? names('categories', input.categories) : base.categories),
    custom_title: customTitle,
  };
}

const DEFAULTS = {
  seconds: 3600,
  delta: 'day' as GoalDelta,
  improveByPercent: null,
  isInverse: false,
  ignoreDays: [] as Weekday[],
  ignoreZeroDays: false,
  languages: [],
  projects: [],
  editors: [],
  categories: [],
  createdAt: 0,
  isEnabled: true,
  customTitle: null,
};

export class GoalService {
  constructor(
    private readonly storage: Storage,
    private readonly stats: StatsService,
    private readonly jobs: JobRunner,
    private readonly mail: Mailer,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly baseUrl: string,
  ) {}

  private now(): number {
    return epochSeconds(this.clock);
  }

  // ── progress ───────────────────────────────────────────────────────────────────────────────

  /** A goal's progress, from the stats layer, for its owner's days and settings. */
  async compute(rules: GoalRules, owner: UserRow): Promise<{ progress: GoalProgress; computedFor: string; upToDate: boolean }> {
    const settings = userSettings(owner);
    const now = this.stats.now();
    const range = chartDates(rules.delta, settings.zone, now);
    const answer = await this.stats.answer(
      {
        subjects: [owner.id],
        range,
        zone: settings.zone,
        settings: { timeoutSeconds: settings.timeoutSeconds, writesOnly: settings.writesOnly },
        filters: goalFilters(rules),
        dimensions: [],
        granularity: 'range',
        viewer: { kind: 'owner', scopes: 'all' },
        family: 'summaries',
      },
      [owner],
    );
    const progress = goalProgress(rules, settings.zone, now, (date) => answer.dayTotals.get(date) ?? 0, answer.upToDate ? 100 : answer.percent);
    return { progress, computedFor: `${localToday(settings.zone, now)}|${settings.zone}`, upToDate: answer.upToDate };
  }

  /** Recomputes and caches every goal of a user (the goals.refresh job). */
  async refresh(userId: number): Promise<void> {
    const owner = await findUserById(this.storage.db, userId);
    if (!owner) return;
    for (const goal of await store.goalsOwnedBy(this.storage.db, userId)) await this.refreshGoal(goal, owner);
  }

  private async refreshGoal(goal: GoalRow, owner: UserRow): Promise<GoalProgress> {
    const { progress, computedFor, upToDate } = await this.compute(rulesOf(goal), owner);
    await store.putCache(this.storage.db, { goal_id: goal.id, user_id: owner.id, computed_for: computedFor, computed_at: this.now(), body: JSON.stringify(progress) });
    // rollups still being built: computed again once they are
    if (!upToDate) {
      await store.markCacheDirty(this.storage.db, [owner.id]);
      await this.queueRefresh(owner.id, 2);
    }
    return progress;
  }

  /** Queues a recomputation of a user's goals (one waiting job per user). */
  async queueRefresh(userId: number, delaySeconds = 0): Promise<void> {
    await this.jobs.send('goals.refresh', { userId }, { singletonKey: `goals:${userId}`, ...(delaySeconds > 0 ? { startAfter: new Date(this.clock.now() + delaySeconds * 1000) } : {}) });
  }

  /** After heartbeats of these users were committed: their goals' caches are recomputed. */
  async heartbeatsChanged(userIds: Iterable<number>): Promise<void> {
    const owners = await store.usersWithGoals(this.storage.db, [...userIds]);
    if (owners.length === 0) return;
    await store.markCacheDirty(this.storage.db, owners);
    for (const id of owners) await this.queueRefresh(id);
  }

  /** The periodic sweep: users whose recomputation was lost (a restart) get it now. */
  async sweep(): Promise<void> {
    for (const id of await store.usersWithDirtyCache(this.storage.db, 500)) await this.refresh(id);
  }

  // ── reads ──────────────────────────────────────────────────────────────────────────────────

  /**
   * `computeMissing`: goals without progress for today are computed now (the list: clients such as
   * wakatime_exporter index its last chart point); otherwise they answer without it (the single goal).
   */
  private async views(goals: GoalRow[], viewer: UserRow, computeMissing = false): Promise<GoalView[]> {
    if (goals.length === 0) return [];
    const db = this.storage.db;
    const ids = goals.map((g) => g.id);
    if (computeMissing) await this.computeMissing(goals);
    const [cache, shares, subs] = await Promise.all([store.cacheOf(db, ids), store.sharesOf(db, ids), store.subscribersOf(db, ids)]);
    const people = await store.findPeople(db, [...goals.map((g) => g.user_id), ...shares.flatMap((s) => (s.user_id ? [s.user_id] : [])), ...subs.map((s) => s.user_id)]);
    const now = this.now();
    const stale: number[] = [];
    const views = goals.map((goal): GoalView => {
      const owner = people.get(goal.user_id)!;
      const rules = rulesOf(goal);
      const c = cache.get(goal.id);
      const zone = userSettings({ timezone: owner.timezone, keystroke_timeout: 15, writes_only: 0 }).zone;
      const current = c && c.computed_for === `${localToday(zone, this.stats.now())}|${zone}`;
      if (!current || c.dirty) stale.push(goal.user_id);
      let progress: GoalProgress | null = null;
      if (current) {
        try {
          progress = JSON.parse(c.body) as GoalProgress;
        } catch {
          progress = null;
        }
      }
      const goalSubs = subs.filter((s) => s.goal_id === goal.id && people.has(s.user_id)).map((s) => ({ ...s, person: people.get(s.user_id)! }));
      return {
        goal,
        rules,
        title: goal.custom_title ?? goalTitle(rules),
        owner,
        viewerId: viewer.id,
        progress,
        cachedAt: progress ? c!.computed_at : null,
        shares: shares.filter((s) => s.goal_id === goal.id).map((s) => ({ ...s, person: s.user_id ? (people.get(s.user_id) ?? null) : null })),
        subscribers: goalSubs,
        mine: goalSubs.find((s) => s.user_id === viewer.id) ?? null,
        now,
      };
    });
    // a cache missing, from another day or dirty: recomputed in the background (the answer is what is cached)
    for (const id of new Set(stale)) await this.queueRefresh(id).catch((err: unknown) => this.log.error({ err }, 'queueing a goal refresh failed'));
    return views;
  }

  private async computeMissing(goals: GoalRow[]): Promise<void> {
    const cache = await store.cacheOf(this.storage.db, goals.map((g) => g.id));
    const owners = new Map<number, UserRow | undefined>();
    for (const goal of goals) {
      if (!owners.has(goal.user_id)) owners.set(goal.user_id, await findUserById(this.storage.db, goal.user_id));
      const owner = owners.get(goal.user_id);
      if (!owner) continue;
      const zone = userSettings(owner).zone;
      const c = cache.get(goal.id);
      if (c && c.computed_for === `${localToday(zone, this.stats.now())}|${zone}`) continue;
      await this.refreshGoal(goal, owner);
    }
  }

  private shareUser(viewer: UserRow) {
    return { id: viewer.id, email: viewer.email, emailConfirmed: !!viewer.is_email_confirmed };
  }

  /**
   * The goals `target` has that `viewer` may see: all their own (target = viewer) plus the goals
   * shared with them; someone else's: only those shared with the viewer.
   */
  async list(viewer: UserRow, target: UserRow): Promise<GoalView[]> {
    const db = this.storage.db;
    const shared = await store.goalsSharedWith(db, this.shareUser(viewer));
    const goals = target.id === viewer.id ? [...(await store.goalsOwnedBy(db, viewer.id)), ...shared] : shared.filter((g) => g.user_id === target.id);
    return this.views(goals, viewer, true);
  }

  /** One goal, for its owner or someone it is shared with (404 for anyone else: its id stays secret). */
  async get(viewer: UserRow, uuid: string): Promise<GoalView> {
    const goal = await this.visibleGoal(viewer, uuid);
    return (await this.views([goal], viewer))[0]!;
  }

  private async visibleGoal(viewer: UserRow, uuid: string): Promise<GoalRow> {
    const goal = /^[0-9a-f-]{36}$/i.test(uuid) ? await store.findGoalByUuid(this.storage.db, uuid.toLowerCase()) : undefined;
    if (!goal) throw new NotFoundError('Goal not found.', 'goal');
    if (goal.user_id === viewer.id) return goal;
    const share = await store.shareFor(this.storage.db, goal.id, this.shareUser(viewer));
    if (!share || share.status === 'declined') throw new NotFoundError('Goal not found.', 'goal');
    return goal;
  }

  private async ownGoal(owner: UserRow, uuid: string): Promise<GoalRow> {
    const goal = await this.visibleGoal(owner, uuid);
    if (goal.user_id !== owner.id) throw new ForbiddenError('This goal is shared with you read-only: only its owner can change it.', 'goal');
    return goal;
  }

  // ── writes ─────────────────────────────────────────────────────────────────────────────────

  /** A goal computed from an input without storing anything (the web page's live preview). */
  async preview(owner: UserRow, input: GoalInput): Promise<GoalView> {
    if (input.seconds === undefined) throw new ValidationError('seconds', 'This field is required.');
    if (input.delta === undefined) throw new ValidationError('delta', 'This field is required.');
    const now = this.now();
    const fields = goalFields(input, DEFAULTS);
    const goal: GoalRow = { id: 0, uuid: '00000000-0000-4000-8000-000000000000', user_id: owner.id, ...fields, created_at: now, modified_at: null };
    const rules = rulesOf(goal);
    const { progress } = await this.compute(rules, owner);
    const me = await store.findPeople(this.storage.db, [owner.id]);
    return { goal, rules, title: goal.custom_title ?? goalTitle(rules), owner: me.get(owner.id)!, viewerId: owner.id, progress, cachedAt: now, shares: [], subscribers: [], mine: null, now };
  }

  async create(owner: UserRow, input: GoalInput): Promise<GoalView> {
    if (input.seconds === undefined) throw new ValidationError('seconds', 'This field is required.');
    if (input.delta === undefined) throw new ValidationError('delta', 'This field is required.');
    const now = this.now();
    const fields = goalFields(input, DEFAULTS);
    const freq = input.email_frequency !== undefined ? frequency(input.email_frequency) : fields.delta === 'day' ? 'daily' : 'weekly';
    const snooze = parseSnooze(input.snooze_until, now);
    const invites: ShareRow[] = [];
    const goal = await this.storage.db.transaction().execute(async (trx) => {
      if ((await store.countGoals(trx, owner.id)) >= MAX_GOALS_PER_USER) throw new ConflictError(`At most ${MAX_GOALS_PER_USER} goals per user.`);
      const row = await store.insertGoal(trx, { uuid: randomUUID(), user_id: owner.id, ...fields, created_at: now, modified_at: null });
      await store.upsertSubscriber(trx, { goal_id: row.id, user_id: owner.id, email_frequency: freq, snooze_until: snooze, created_at: now });
      if (input.shared_with) invites.push(...(await this.replaceShares(trx, row, owner, input.shared_with, now)));
      return row;
    });
    await this.afterWrite(goal, owner, invites);
    return this.get(owner, goal.uuid);
  }

  async update(owner: UserRow, uuid: string, input: GoalInput): Promise<GoalView> {
    const current = await this.ownGoal(owner, uuid);
    const now = this.now();
    const rules = rulesOf(current);
    const fields = goalFields(input, { ...rules, isEnabled: !!current.is_enabled, customTitle: current.custom_title });
    const invites: ShareRow[] = [];
    const goal = await this.storage.db.transaction().execute(async (trx) => {
      const row = await store.updateGoal(trx, current.id, { ...fields, modified_at: now });
      if (input.email_frequency !== undefined || input.snooze_until !== undefined) await this.setSubscription(trx, row, owner.id, input, now);
      if (input.shared_with) invites.push(...(await this.replaceShares(trx, row, owner, input.shared_with, now)));
      return row;
    });
    await this.afterWrite(goal, owner, invites);
    return this.get(owner, goal.uuid);
  }

  async remove(owner: UserRow, uuid: string): Promise<void> {
    const goal = await this.ownGoal(owner, uuid);
    await this.storage.db.transaction().execute((trx) => store.deleteGoal(trx, goal.id));
  }

  /** Someone a goal is shared with accepts or declines it. */
  async respond(viewer: UserRow, uuid: string, status: 'accepted' | 'declined'): Promise<GoalView | null> {
    const goal = await this.visibleGoal(viewer, uuid);
    if (goal.user_id === viewer.id) throw new ValidationError('goal', 'this is your own goal');
    const share = (await store.shareFor(this.storage.db, goal.id, this.shareUser(viewer)))!;
    await this.storage.db.transaction().execute(async (trx) => {
      await store.respondToShare(trx, share.id, viewer.id, status, this.now());
      if (status === 'declined') await store.deleteSubscriber(trx, goal.id, viewer.id);
    });
    return status === 'declined' ? null : this.get(viewer, uuid);
  }

  /** The viewer's own progress e-mails for a goal they own or that is shared with them. */
  async subscribe(viewer: UserRow, uuid: string, input: { email_frequency?: string; snooze_until?: string | null }): Promise<GoalView> {
    const goal = await this.visibleGoal(viewer, uuid);
    await this.setSubscription(this.storage.db, goal, viewer.id, input, this.now());
    return this.get(viewer, uuid);
  }

  private async setSubscription(db: Storage['db'], goal: GoalRow, userId: number, input: { email_frequency?: string; snooze_until?: string | null }, now: number): Promise<void> {
    const existing = (await store.subscribersOf(db, [goal.id])).find((s) => s.user_id === userId);
    const freq = input.email_frequency !== undefined ? frequency(input.email_frequency) : ((existing?.email_frequency as EmailFrequency | undefined) ?? (goal.delta === 'week' ? 'weekly' : 'daily'));
    const snooze = input.snooze_until !== undefined ? parseSnooze(input.snooze_until, now) : (existing?.snooze_until ?? null);
    await store.upsertSubscriber(db, { goal_id: goal.id, user_id: userId, email_frequency: freq, snooze_until: snooze, created_at: now });
  }

  /** Replaces a goal's shares: kept ones keep their status; returns the new ones (to invite). */
  private async replaceShares(db: Storage['db'], goal: GoalRow, owner: UserRow, wanted: NonNullable<GoalInput['shared_with']>, now: number): Promise<ShareRow[]> {
    if (!Array.isArray(wanted) || wanted.length > MAX_SHARES) throw new ValidationError('shared_with', `at most ${MAX_SHARES} people`);
    const existing = await store.sharesOf(db, [goal.id]);
    const keep = new Set<number>();
    const added: ShareRow[] = [];
    for (const entry of wanted) {
      const raw = typeof entry === 'string' ? entry : (entry?.email ?? entry?.username ?? entry?.user_id ?? '');
      const value = typeof raw === 'string' ? raw.trim() : '';
      const byEmail = typeof entry === 'string' ? value.includes('@') : !!entry?.email;
      if (!value || value.length > 254) throw new ValidationError('shared_with', 'each entry is a username or an e-mail address');
      let user: UserRow | undefined;
      let email: string | null = null;
      let username: string | null = null;
      if (byEmail) {
        if (!isMailAddress(value)) throw new ValidationError('shared_with', `not an e-mail address: ${value}`);
        email = value.toLowerCase();
        if (email === owner.email?.toLowerCase()) throw new ValidationError('shared_with', 'a goal is always yours: share it with someone else');
        // only an account that proved it owns the address gets the share now (else: once it does)
        user = await findUserByEmail(db, email);
        if (user && !user.is_email_confirmed) user = undefined;
      } else {
        user = typeof entry !== 'string' && entry?.user_id ? await findUserByHandle(db, value) : await findUserByUsername(db, value);
        if (!user) throw new ValidationError('shared_with', `no user named ${value}`);
        username = user.username;
      }
      if (user && user.id === owner.id) throw new ValidationError('shared_with', 'a goal is always yours: share it with someone else');
      const found = existing.find((s) => (user && s.user_id === user.id) || (email !== null && s.email === email));
      if (found) {
        keep.add(found.id);
        continue;
      }
      if (added.some((a) => (user && a.user_id === user.id) || (email !== null && a.email === email))) continue;
      const share = { goal_id: goal.id, user_id: user?.id ?? null, email, username, status: 'pending', created_at: now, responded_at: null };
      await store.insertShare(db, share);
      added.push({ id: 0, ...share });
    }
    const removed = existing.filter((s) => !keep.has(s.id));
    await store.deleteShares(db, removed.map((s) => s.id));
    for (const s of removed) if (s.user_id) await store.deleteSubscriber(db, goal.id, s.user_id);
    return added;
  }

  private async afterWrite(goal: GoalRow, owner: UserRow, invites: ShareRow[]): Promise<void> {
    // the owner sees the new numbers at once; a failure leaves it to the job
    try {
      await this.refreshGoal(goal, owner);
    } catch (err) {
      this.log.error({ err, goal: goal.uuid }, 'computing a goal failed');
      await store.dropCache(this.storage.db, goal.id);
      await this.queueRefresh(owner.id);
    }
    if (!this.mail.enabled || invites.length === 0) return;
    // the server must not become a way to e-mail strangers: invitations per owner and hour are capped
    const recent = await store.sharesCreatedSince(this.storage.db, owner.id, this.now() - 3600);
    if (recent > MAX_INVITATIONS_PER_HOUR) {
      this.log.warn({ user: owner.uuid, recent }, 'goal invitation e-mails skipped: too many shares this hour');
      return;
    }
    const title = goal.custom_title ?? goalTitle(rulesOf(goal));
    for (const invite of invites) {
      const to = invite.email ?? (invite.user_id ? (await findUserById(this.storage.db, invite.user_id))?.email : null);
      if (!to || !isMailAddress(to)) continue;
      const who = owner.full_name?.trim() || `@${owner.username}`;
      const link = `${this.baseUrl}/goals`;
      await this.jobs.send('mail.send', {
        to,
        subject: `${who} shared a goal with you: ${title}`,
        text: `${who} shared the goal "${title}" with you on Metronome.\n\nSee it (and accept or decline) at ${link}${invite.user_id ? '' : `\n\nSign in with an account for ${to} to see it.`}\n`,
      });
    }
  }

  // ── e-mail notifications ───────────────────────────────────────────────────────────────────

  /**
   * One round of progress e-mails (the goals.notify job): each subscriber whose local time is past
   * NOTIFY_HOUR gets, once per local day ('daily') or once per week on Monday ('weekly'), the
   * goal's progress. The period is claimed in the database before sending (one e-mail across
   * instances) and released if sending fails (the next round retries).
   */
  async notifyRound(): Promise<{ sent: number }> {
    if (!this.mail.enabled) return { sent: 0 };
    const db = this.storage.db;
    const now = this.now();
    let sent = 0;
    let after = 0;
    const owners = new Map<number, UserRow | undefined>();
    // pages of 500 by goal id: the loop ends with the table
    for (let page = 0; page < 10_000; page++) {
      const subs = await store.activeSubscriptions(db, now, after, 500);
      if (subs.length === 0) break;
      for (const sub of subs) {
        const subscriber = await findUserById(db, sub.user_id);
        if (!subscriber?.email || !isMailAddress(subscriber.email)) continue;
        const local = DateTime.fromSeconds(now, { zone: userSettings(subscriber).zone });
        if (local.hour < NOTIFY_HOUR) continue;
        const weekly = sub.email_frequency === 'weekly';
        if (weekly && local.weekday !== 1) continue;
        const key = weekly ? `week:${local.toISODate()}` : `day:${local.toISODate()}`;
        if (sub.last_sent_key === key) continue;
        const goal = await store.findGoalByUuid(db, sub.goal_uuid);
        if (!goal) continue;
        if (!owners.has(goal.user_id)) owners.set(goal.user_id, await findUserById(db, goal.user_id));
        const owner = owners.get(goal.user_id);
        if (!owner) continue;
        if (!(await store.claimSend(db, goal.id, sub.user_id, key))) continue;
        try {
          const rules = rulesOf(goal);
          const { progress } = await this.compute(rules, owner);
          await this.mail.send(progressMail(subscriber.email, goal.custom_title ?? goalTitle(rules), rules, progress, weekly, `${this.baseUrl}/goals`));
          sent++;
        } catch (err) {
          this.log.error({ err, goal: goal.uuid }, 'goal e-mail failed; retried next round');
          await store.releaseSend(db, goal.id, sub.user_id, key, sub.last_sent_key);
        }
      }
      after = subs[subs.length - 1]!.goal_id - 1;
      // a page ends inside one goal's subscribers only when it has more than 500 of them: move on
      if (subs.every((s) => s.goal_id === subs[0]!.goal_id)) after = subs[0]!.goal_id;
      if (subs.length < 500) break;
    }
    return { sent };
  }
}

/** The progress e-mail of one goal: the latest decided period (daily) or all of them (weekly). */
export function progressMail(to: string, title: string, rules: GoalRules, progress: GoalProgress, weekly: boolean, link: string) {
  const points = progress.chart_data;
  const decided = [...points].reverse().find((p) => p.range_status !== 'pending') ?? points[points.length - 1]!;
  const current = points[points.length - 1]!;
  const lines = weekly
    ? points.map((p) => `${p.range.text}: ${p.actual_seconds_text} of ${p.goal_seconds_text} — ${p.range_status}`)
    : [`${decided.range.text}: ${decided.range_status_reason} (${decided.range_status}).`, current !== decided ? `${current.range.text} so far: ${current.actual_seconds_text} of ${current.goal_seconds_text}.` : ''].filter(Boolean);
  const subject = weekly ? `Your week: ${title} — ${progress.average_status}` : `${title}: ${decided.range_status} ${decided.range.text.toLowerCase()}`;
  const text = `${title}\n\n${lines.join('\n')}\n\nOverall: ${progress.cumulative_status}. ${rules.isInverse ? 'Limit' : 'Goal'}: ${humanText(rules.seconds)} per ${rules.delta}.\n\n${link}\nChange or snooze these e-mails on the goals page.\n`;
  const html = `<h2>${escapeHtml(title)}</h2><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul><p>Overall: ${escapeHtml(progress.cumulative_status)}.</p><p><a href="${escapeHtml(link)}">Your goals</a> — change or snooze these e-mails there.</p>`;
  return { to, subject, text, html };
}
