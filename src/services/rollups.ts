/**
 * Keeps each user's rollups (per local day, per dimension) current for their own timezone,
 * timeout and writes_only.
 *
 * - Ingest (and deletes) mark the changed UTC hours dirty, in the same transaction as the change.
 * - Before a read is answered from rollups, the user's dirty hours are recomputed (synchronously,
 *   just for that user); a background loop does the same for everyone, so reads rarely wait.
 * - A change of timezone, timeout or writes_only (or no rollups yet) rebuilds everything: at once
 *   for small histories, in the background for large ones (reads answer 202 with partial data).
 * - Safe with several instances on PostgreSQL: recomputation is idempotent, a per-user row lock
 *   serializes it, and dirty marks are deleted by id only after their recomputation committed.
 */
import type { FastifyBaseLogger } from 'fastify';
import { DateTime } from 'luxon';
import { dailyTotals, DayCursor, ROLLUP_DIMENSIONS } from '../domain/duration.js';
import { effectiveTimezone, keystrokeTimeoutMinutes } from '../domain/user.js';
import type { Storage } from '../storage/db.js';
import { activitySpan, loadActivity } from '../storage/heartbeats.js';
import {
  clearDirty,
  deleteAllDays,
  getState,
  hasDirty,
  lockState,
  markDirty,
  putState,
  readDirty,
  replaceDays,
  usersWithDirty,
  type RollupState,
} from '../storage/rollups.js';
import { findUserById, type UserRow } from '../storage/users.js';
import type { HeartbeatsChangedHook } from './ingest.js';

export interface Settings {
  zone: string;
  timeoutSeconds: number;
  writesOnly: boolean;
}

export function userSettings(user: UserRow): Settings {
  return { zone: effectiveTimezone(user), timeoutSeconds: keystrokeTimeoutMinutes(user) * 60, writesOnly: !!user.writes_only };
}

function matches(state: RollupState | undefined, s: Settings): boolean {
  return !!state && state.timezone === s.zone && state.timeout === s.timeoutSeconds && !!state.writes_only === s.writesOnly;
}

export interface Freshness {
  /** Rollups hold every day with the user's current settings. */
  ready: boolean;
  /** 0–100: how much of a rebuild is done. */
  percent: number;
}

/** Histories up to this many days are rebuilt synchronously; longer ones in the background. */
const SYNC_REBUILD_DAYS = 120;
/** Days recomputed per transaction while rebuilding. */
const SPAN_DAYS = 31;
/** A rebuild whose state has not moved for this long is considered abandoned (instance died). */
const STALE_BUILD_SECONDS = 60;

export class RollupService {
  private timer: NodeJS.Timeout | null = null;
  private readonly building = new Map<number, Promise<void>>();
  private readonly refreshing = new Map<number, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** The ingest hook: marks the UTC hours of changed heartbeats dirty, inside the write transaction. */
  readonly onHeartbeatsChanged: HeartbeatsChangedHook = async (tx, changes) => {
    const marks: { user_id: number; hour: number }[] = [];
    for (const [userId, times] of changes) {
      const hours = new Set<number>();
      for (const t of times) hours.add(Math.floor(t / 3600));
      for (const hour of hours) marks.push({ user_id: userId, hour });
    }
    await markDirty(tx, marks);
  };

  /** Called when a user's preferences changed: a new zone, timeout or writes_only means a rebuild. */
  async preferencesChanged(_before: UserRow, after: UserRow): Promise<void> {
    const state = await getState(this.storage.db, after.id);
    if (state && !matches(state, userSettings(after))) void this.ensureFresh(after);
  }

  /** Makes the user's rollups current before a read; says whether they are complete. */
  async ensureFresh(user: UserRow): Promise<Freshness> {
    const settings = userSettings(user);
    const state = await getState(this.storage.db, user.id);
    if (!matches(state, settings) || state!.status !== 'ready') {
      const stale = state && state.status === 'building' && matches(state, settings) && Date.now() / 1000 - state.updated_at < STALE_BUILD_SECONDS;
      if (!this.building.has(user.id) && !stale) {
        const job = this.rebuild(user, settings).finally(() => this.building.delete(user.id));
        this.building.set(user.id, job);
      }
      const job = this.building.get(user.id);
      const span = await activitySpan(this.storage.db, user.id);
      const days = span ? (span.last - span.first) / 86400 : 0;
      if (job && days <= SYNC_REBUILD_DAYS) await job;
      const now = await getState(this.storage.db, user.id);
      if (!matches(now, settings) || now!.status !== 'ready') return { ready: false, percent: Math.floor(now?.progress ?? 0) };
    }
    if (await hasDirty(this.storage.db, user.id)) await this.refresh(user.id);
    return { ready: true, percent: 100 };
  }

  /** Recomputes the user's dirty days (one at a time per user in this process). */
  refresh(userId: number): Promise<void> {
    let job = this.refreshing.get(userId);
    if (!job) {
      job = this.refreshDirty(userId).finally(() => this.refreshing.delete(userId));
      this.refreshing.set(userId, job);
    }
    return job;
  }

  private async refreshDirty(userId: number): Promise<void> {
    await this.storage.db.transaction().execute(async (tx) => {
      await lockState(tx, userId);
      const user = await findUserById(tx, userId);
      const state = await getState(tx, userId);
      const dirty = await readDirty(tx, userId);
      if (!user || dirty.length === 0) return;
      const settings = userSettings(user);
      if (!matches(state, settings) || state!.status !== 'ready') return; // a rebuild will cover it
      const cursor = new DayCursor(settings.zone);
      const dates = new Set<string>();
      for (const { hour } of dirty) {
        // the change at hour h affects the gaps reaching into and out of [h, h+1): ± timeout
        for (let t = hour * 3600 - settings.timeoutSeconds; ; ) {
          const day = cursor.at(t);
          dates.add(day.date);
          if (day.end >= (hour + 1) * 3600 + settings.timeoutSeconds) break;
          t = day.end;
        }
      }
      await this.recompute(tx, userId, [...dates].sort(), settings);
      await clearDirty(tx, dirty.map((d) => d.id));
    });
  }

  /** Recomputes whole local days (grouped into contiguous spans) from heartbeats. */
  private async recompute(tx: Parameters<typeof replaceDays>[0], userId: number, dates: string[], s: Settings): Promise<void> {
    let i = 0;
    while (i < dates.length) {
      let j = i;
      while (j + 1 < dates.length && DateTime.fromISO(dates[j + 1]!).diff(DateTime.fromISO(dates[j]!), 'days').days === 1) j++;
      const span = dates.slice(i, j + 1);
      const start = DateTime.fromISO(span[0]!, { zone: s.zone }).startOf('day').toSeconds();
      const end = DateTime.fromISO(span[span.length - 1]!, { zone: s.zone }).plus({ days: 1 }).startOf('day').toSeconds();
      const heartbeats = await loadActivity(tx, userId, start - s.timeoutSeconds, end + s.timeoutSeconds, { writesOnly: s.writesOnly });
      const totals = dailyTotals(heartbeats, { timeoutSeconds: s.timeoutSeconds, zone: s.zone, start, end, dimensions: ROLLUP_DIMENSIONS });
      await replaceDays(tx, userId, span, totals);
      i = j + 1;
    }
  }

  /** Rebuilds every day of the user's history, newest first, so recent ranges are ready soonest. */
  private async rebuild(user: UserRow, s: Settings): Promise<void> {
    const db = this.storage.db;
    const now = () => Date.now() / 1000;
    const startedMarks = await readDirty(db, user.id);
    await db.transaction().execute(async (tx) => {
      await putState(tx, { user_id: user.id, timezone: s.zone, timeout: s.timeoutSeconds, writes_only: s.writesOnly ? 1 : 0, status: 'building', progress: 0, updated_at: now() });
      await deleteAllDays(tx, user.id);
    });
    const span = await activitySpan(db, user.id);
    if (span) {
      const first = DateTime.fromSeconds(span.first, { zone: s.zone }).startOf('day');
      const last = DateTime.fromSeconds(span.last, { zone: s.zone }).startOf('day');
      const totalDays = Math.max(1, Math.round(last.diff(first, 'days').days) + 1);
      let done = 0;
      let spanEnd = last;
      while (spanEnd >= first && !this.stopped) {
        const spanStart = DateTime.max(first, spanEnd.minus({ days: SPAN_DAYS - 1 }));
        const dates: string[] = [];
        for (let d = spanStart; d <= spanEnd; d = d.plus({ days: 1 })) dates.push(d.toISODate()!);
        await db.transaction().execute(async (tx) => {
          await lockState(tx, user.id);
          const current = await getState(tx, user.id);
          if (!matches(current, s)) throw new Error('settings changed during rebuild');
          await this.recompute(tx, user.id, dates, s);
          done += dates.length;
          await putState(tx, { ...current!, progress: Math.min(99, (done / totalDays) * 100), updated_at: now() });
        });
        spanEnd = spanStart.minus({ days: 1 });
        await new Promise((r) => setImmediate(r)); // let requests through between spans
      }
      if (this.stopped) return;
    }
    await db.transaction().execute(async (tx) => {
      const current = await getState(tx, user.id);
      if (!matches(current, s)) return;
      await putState(tx, { ...current!, status: 'ready', progress: 100, updated_at: now() });
      await clearDirty(tx, startedMarks.map((m) => m.id));
    });
  }

  /** Background upkeep: recompute dirty days of everyone every `intervalMs`. */
  start(intervalMs = 2000): void {
    const tick = async () => {
      try {
        for (const userId of await usersWithDirty(this.storage.db, 50)) {
          if (this.stopped) return;
          const user = await findUserById(this.storage.db, userId);
          if (user) await this.ensureFresh(user);
        }
      } catch (err) {
        this.log.error({ err }, 'rollup upkeep failed');
      }
      if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
    };
    this.timer = setTimeout(tick, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.building.values(), ...this.refreshing.values()]);
  }
}
