/**
 * Keeps each user's rollups (per local day, per dimension) current for their own timezone,
 * timeout and writes_only.
 *
 * - Ingest (and deletes) mark the changed UTC hours dirty, in the same transaction as the change.
 * - Before a read is answered from rollups, the user's dirty hours are recomputed (synchronously,
 *   just for that user); the `rollups.upkeep` job (services/index.ts) calls
 *   runUpkeep for everyone, so reads rarely wait.
 * - A change of timezone, timeout or writes_only (or no rollups yet) rebuilds everything: at once
 *   for small histories, in the background for large ones (reads answer 202 with partial data).
 * - Safe with several instances on PostgreSQL: recomputation is idempotent, a per-user row lock
 *   serializes it, and dirty marks are deleted by id only after their recomputation committed.
 * - Bounded by construction: settings are clamped where they are read (`userSettings`: timeout
 *   1–240 minutes, a valid zone), times outside [2000, 2100) are ignored, and every loop over
 *   time runs a precomputed, bounded number of steps — garbage in the database never spins.
 * - One bad day never blocks the rest: a recomputation that fails is retried day by day; a day
 *   that still fails is logged and skipped (its marks cleared, its last good rows kept) and
 *   retried later with exponential backoff; upkeep isolates users from each other.
 */
import type { FastifyBaseLogger } from 'fastify';
import { epochSeconds, systemClock, type Clock } from '../domain/clock.js';
import { DateTime } from 'luxon';
import { dailyTotals, DayCursor, hourlyCube, hourlyTotals, ROLLUP_DIMENSIONS } from '../domain/duration.js';
import { userSettings, type Settings } from '../domain/user.js';
import type { Storage } from '../storage/db.js';
import { activitySpan } from '../storage/heartbeats.js';
import { externalActivitySpan, loadExternalSpans, unionSpan } from '../storage/external-durations.js';
import {
  clearDirty,
  deleteAllDays,
  getState,
  hasDirty,
  loadForRollups,
  lockAndGetState,
  markDirty,
  putState,
  readDirty,
  replaceCubeHours,
  replaceDays,
  replaceHours,
  resumCube,
  sumHours,
  usersWithDirty,
  type RollupState,
} from '../storage/rollups.js';
import { findUserById, type UserRow } from '../storage/users.js';
import type { HeartbeatsChangedHook } from './ingest.js';

type Tx = Parameters<typeof replaceDays>[0];


/** Heartbeat times the rollups cover: ingest accepts nothing before 2000; nothing sane is after 2100. */
export const ROLLUP_MIN_TIME = 946_684_800;
export const ROLLUP_MAX_TIME = 4_102_444_800;

/** Thrown inside a recomputation when the user's settings changed meanwhile: a rebuild covers it. */
class SettingsChanged extends Error {}

/** First retry of a day whose recomputation failed, and the longest wait between retries (seconds). */
const RETRY_FIRST_SECONDS = 10;
const RETRY_MAX_SECONDS = 3600;
const MAX_RETRIES_KEPT = 10_000;

/** What one recomputation covers: whole local days (rebuilds), or a run of UTC hours (changes). */
type Unit = { dates: string[] } | { hours: [number, number] };
function unitKey(unit: Unit): string {
  return 'dates' in unit ? unit.dates.join(',') : `hours ${unit.hours[0]}-${unit.hours[1]}`;
}

/** A unit cut into its smallest independent parts: single days, single hours (bounded: ≤ 10 000 marks × 5 hours). */
function split(unit: Unit): Unit[] {
  if ('dates' in unit) return unit.dates.map((d) => ({ dates: [d] }));
  const out: Unit[] = [];
  for (let h = unit.hours[0], k = 0; h <= unit.hours[1] && k < 100_000; h++, k++) out.push({ hours: [h, h] });
  return out;
}

/** UTC hours of dirty marks recomputed per transaction (a day's worth and the timeout before it). */
const MARK_CHUNK_HOURS = 24;

/**
 * Dirty marks cut into chunks of marks within MARK_CHUNK_HOURS of each other, by hour: each chunk
 * is recomputed and cleared in a transaction of its own, the event loop free between them, so the
 * marks of a long backlog (an import: up to 10,000 at once) never hold other requests for minutes.
 * A mark's recomputation depends on the mark alone, so chunks are independent.
 */
export function markChunks<M extends { hour: number }>(marks: M[]): M[][] {
  const sorted = [...marks].sort((a, b) => a.hour - b.hour);
  const chunks: M[][] = [];
  for (const m of sorted) {
    const current = chunks[chunks.length - 1];
    if (current && m.hour - current[0]!.hour < MARK_CHUNK_HOURS) current.push(m);
    else chunks.push([m]);
  }
  return chunks;
}

interface Retry {
  userId: number;
  unit: Unit;
  attempts: number;
  due: number;
}

/**
 * A user's first and last heartbeat time, clamped to what ingest accepts (2000-01-01 to a day
 * ahead): a row with an absurd time can not stretch a rebuild over millennia.
 */
function clampedSpan(span: { first: number; last: number } | null, now: number): { first: number; last: number } | null {
  if (!span) return null;
  const max = Math.min(ROLLUP_MAX_TIME - 1, now + 2 * 86400);
  const clamp = (t: number) => (Number.isFinite(t) ? Math.min(max, Math.max(ROLLUP_MIN_TIME, t)) : ROLLUP_MIN_TIME);
  const first = clamp(span.first);
  return { first, last: Math.max(first, clamp(span.last)) };
}

/** The local dates that [from, to) touches (at most a few: the window is at most 9 hours long). */
function datesTouching(cursor: DayCursor, from: number, to: number, out: Set<string>): void {
  let t = from;
  for (let k = 0; k < 4 && t < to; k++) {
    const day = cursor.at(t);
    out.add(day.date);
    if (!(day.end > t)) break;
    t = day.end;
  }
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
/**
 * Days recomputed per transaction while rebuilding, the event loop free between them. One: a day of
 * a busy user (2,800 heartbeats, its hours, cube and entity rows) is ~0.3 s of work here, and 31-day
 * spans held every other request for up to 6 s (a 120-day rebuild: 25.0 s in all instead of 22.4).
 */
const SPAN_DAYS = 1;
/** A rebuild whose state has not moved for this long is considered abandoned (instance died). */
const STALE_BUILD_SECONDS = 60;
/**
 * Upkeep brings a user's rollup cube up to date at most this often (per instance): a live editor
 * dirties the same hour every few seconds, and each recomputation of the cube rewrites that hour's
 * combinations and files. Reads that need the cube recompute what is dirty themselves.
 */
export const CUBE_UPKEEP_EVERY_SECONDS = 30;
const MAX_CUBE_UPKEEP_KEPT = 100_000;

export class RollupService {
  private readonly building = new Map<number, Promise<void>>();
  private readonly refreshing = new Map<number, { running: Promise<void>; next?: Promise<void> }>();
  private readonly cubeRefreshing = new Map<number, { running: Promise<void>; next?: Promise<void> }>();
  /** Days whose recomputation failed, by `user|date`: retried with backoff by the upkeep loop. */
  private readonly retries = new Map<string, Retry>();
  /** Users whose whole refresh failed (database trouble): upkeep leaves them alone until then. */
  private readonly userBackoff = new Map<number, { attempts: number; due: number }>();
  /** When upkeep last brought each user's cube up to date (epoch seconds, this instance). */
  private readonly cubeUpkept = new Map<number, number>();
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
    /** "Now": the bound on heartbeat times, build stamps and retry backoff. */
    private readonly clock: Clock = systemClock,
  ) {}

  /** The ingest hook: marks the UTC hours of changed heartbeats dirty, inside the write transaction. */
  readonly onHeartbeatsChanged: HeartbeatsChangedHook = async (tx, changes) => {
    const marks: { user_id: number; hour: number; since: number }[] = [];
    for (const [userId, times] of changes) {
      const hours = new Map<number, number>(); // hour → seconds into it of the earliest change
      for (const t of times) {
        if (!(t >= ROLLUP_MIN_TIME && t < ROLLUP_MAX_TIME)) continue;
        const hour = Math.floor(t / 3600);
        const since = Math.floor(t - hour * 3600);
        hours.set(hour, Math.min(since, hours.get(hour) ?? since));
      }
      for (const [hour, since] of hours) marks.push({ user_id: userId, hour, since });
    }
    await markDirty(tx, marks);
    await markDirty(tx, marks, 'rollup_cube_dirty');
  };

  /** Called when a user's preferences changed: a new zone, timeout or writes_only means a rebuild. */
  async preferencesChanged(_before: UserRow, after: UserRow): Promise<void> {
    const state = await getState(this.storage.db, after.id);
    if (state && !matches(state, userSettings(after))) void this.ensureFresh(after).catch((err) => this.log.error({ err, userId: after.id }, 'rollup rebuild failed'));
  }

  /**
   * Makes the user's rollups current before a read; says whether they are complete. With `cube`,
   * the rollup cube too (it has dirty marks of its own: reads of the per-dimension rollups, like
   * the status bar, never wait for it).
   */
  async ensureFresh(user: UserRow, options: { cube?: boolean } = {}): Promise<Freshness> {
    const settings = userSettings(user);
    const state = await getState(this.storage.db, user.id);
    if (!matches(state, settings) || state!.status !== 'ready') {
      const stale = state && state.status === 'building' && matches(state, settings) && epochSeconds(this.clock) - state.updated_at < STALE_BUILD_SECONDS;
      if (!this.building.has(user.id) && !stale) {
        const job = this.rebuild(user, settings)
          .catch((err) => this.log.error({ err, userId: user.id }, 'rollup rebuild failed'))
          .finally(() => this.building.delete(user.id));
        this.building.set(user.id, job);
      }
      const job = this.building.get(user.id);
      const span = clampedSpan(unionSpan(await activitySpan(this.storage.db, user.id), await externalActivitySpan(this.storage.db, user.id)), epochSeconds(this.clock));
      const days = span ? (span.last - span.first) / 86400 : 0;
      if (job && days <= SYNC_REBUILD_DAYS) await job;
      const now = await getState(this.storage.db, user.id);
      if (!matches(now, settings) || now!.status !== 'ready') return { ready: false, percent: Math.floor(now?.progress ?? 0) };
    }
    if (await hasDirty(this.storage.db, user.id)) await this.refresh(user.id, user);
    if (options.cube && (await hasDirty(this.storage.db, user.id, 'rollup_cube_dirty'))) await this.refreshCube(user.id, user);
    return { ready: true, percent: 100 };
  }

  /** Brings the user's rollup cube up to date (one recomputation at a time per user, like `refresh`). */
  refreshCube(userId: number, user?: UserRow): Promise<void> {
    const slot = this.cubeRefreshing.get(userId);
    const start = () => {
      const mine: { running: Promise<void>; next?: Promise<void> } = { running: Promise.resolve() };
      mine.running = this.refreshCubeDirty(userId, user).finally(() => {
        if (this.cubeRefreshing.get(userId) === mine) this.cubeRefreshing.delete(userId);
      });
      this.cubeRefreshing.set(userId, mine);
      return mine.running;
    };
    if (!slot) return start();
    if (!slot.next) slot.next = slot.running.catch(() => undefined).then(start);
    return slot.next;
  }

  /**
   * Recomputes the cube's hours its dirty marks affect (as `refreshDirty` does for the per-dimension
   * rollups), all in one transaction; if that fails, each run of hours in its own: a run that still
   * fails is logged and keeps its last good rows (the next change of those hours recomputes it).
   */
  private async refreshCubeDirty(userId: number, known?: UserRow): Promise<void> {
    const db = this.storage.db;
    const user = known ?? (await findUserById(db, userId));
    const dirty = await readDirty(db, userId, 'rollup_cube_dirty');
    if (!user || dirty.length === 0) return;
    const s = userSettings(user);
    const guarded = (list: [number, number][], after?: (tx: Tx) => Promise<void>) =>
      db.transaction().execute(async (tx) => {
        const state = await lockAndGetState(tx, userId);
        if (!matches(state, s) || state!.status !== 'ready') return; // a rebuild covers these marks
        for (const [from, to] of list) await this.recomputeCubeHours(tx, userId, from, to, s);
        if (after) await after(tx);
      });
    for (const [i, marks] of markChunks(dirty).entries()) {
      if (i > 0) await new Promise((r) => setImmediate(r)); // other requests between chunks
      const runs = this.hourRuns(marks, s).flatMap((u) => ('hours' in u ? [u.hours] : []));
      const clear = (tx: Tx) => clearDirty(tx, marks.map((d) => d.id), 'rollup_cube_dirty');
      try {
        await guarded(runs, clear);
        continue;
      } catch (err) {
        this.log.warn({ err, userId }, 'rollup cube recomputation failed: retrying run by run');
      }
      for (const run of runs) {
        try {
          await guarded([run]);
        } catch (err) {
          this.log.error({ err, userId, hours: run }, 'rollup cube hours skipped: recomputing them failed (the last good rows are kept)');
        }
      }
      await guarded([], clear);
    }
  }

  /** The cube's partial rows of the UTC hours [from, to] from heartbeats; its day rows follow by difference. */
  private async recomputeCubeHours(tx: Tx, userId: number, from: number, to: number, s: Settings): Promise<void> {
    const heartbeats = await loadForRollups(tx, userId, from * 3600, (to + 1) * 3600 + s.timeoutSeconds, s.writesOnly);
    const externals = await loadExternalSpans(tx, userId, from * 3600 - s.timeoutSeconds, (to + 1) * 3600 + 2 * s.timeoutSeconds);
    await replaceCubeHours(tx, userId, from, to, hourlyCube(heartbeats, { timeoutSeconds: s.timeoutSeconds, zone: s.zone, fromHour: from, toHour: to, externals }));
  }

  /**
   * Recomputes the user's dirty hours (one at a time per user in this process). A caller arriving
   * while a refresh runs may have marks that refresh did not read: it waits for the next one, which
   * every caller arriving meanwhile shares.
   */
  refresh(userId: number, user?: UserRow): Promise<void> {
    const slot = this.refreshing.get(userId);
    if (!slot) return this.startRefresh(userId, user);
    if (!slot.next) slot.next = slot.running.catch(() => undefined).then(() => this.startRefresh(userId, user));
    return slot.next;
  }

  private startRefresh(userId: number, user?: UserRow): Promise<void> {
    const slot: { running: Promise<void>; next?: Promise<void> } = { running: Promise.resolve() };
    slot.running = this.refreshDirty(userId, user).finally(() => {
      if (this.refreshing.get(userId) === slot) this.refreshing.delete(userId);
    });
    this.refreshing.set(userId, slot);
    return slot.running;
  }

  /**
   * The UTC hours whose partial rollups a set of dirty hours affects, as contiguous runs: a change
   * at time t changes the credits of heartbeats from t - timeout on (the gap reaching into the
   * change), so hours floor((t - timeout)/3600) … h, t being the earliest change of the mark's hour
   * (h*3600 + since). At most 5 hours per mark.
   */
  private hourRuns(marks: { hour: number; since: number | null }[], s: Settings): Unit[] {
    const affected = new Set<number>();
    for (const { hour, since } of marks) {
      const t = hour * 3600;
      if (!(t >= ROLLUP_MIN_TIME && t < ROLLUP_MAX_TIME)) continue; // garbage mark: nothing to recompute
      const offset = Number.isFinite(since) ? Math.min(3599, Math.max(0, since!)) : 0;
      const from = Math.floor((t + offset - s.timeoutSeconds) / 3600);
      for (let k = 0; k <= hour - from && k < 6; k++) affected.add(from + k);
    }
    const sorted = [...affected].sort((a, b) => a - b);
    const runs: Unit[] = [];
    for (const h of sorted) {
      const last = runs[runs.length - 1];
      if (last && 'hours' in last && last.hours[1] === h - 1) last.hours[1] = h;
      else runs.push({ hours: [h, h] });
    }
    return runs;
  }

  /** `known`: the user row the caller already has (its settings are checked against the state row). */
  private async refreshDirty(userId: number, known?: UserRow): Promise<void> {
    const db = this.storage.db;
    const user = known ?? (await findUserById(db, userId));
    const dirty = await readDirty(db, userId);
    if (!user || dirty.length === 0) return;
    const settings = userSettings(user);
    // (if a rebuild is due, the transactions below see other settings or 'building': it covers these)
    for (const [i, marks] of markChunks(dirty).entries()) {
      if (i > 0) await new Promise((r) => setImmediate(r)); // other requests between chunks
      try {
        await this.recomputeIsolated(userId, this.hourRuns(marks, settings), settings, true, (tx) => clearDirty(tx, marks.map((d) => d.id)));
      } catch (err) {
        if (!(err instanceof SettingsChanged)) throw err;
        return;
      }
    }
  }

  /**
   * Recomputes these units in one transaction (under the user's lock, only while `s` are still the
   * user's rollup settings), then runs `after` in it. If that fails, each unit gets a transaction of
   * its own: units that still fail are logged, keep their last good rows and are retried later with
   * backoff; `after` runs once the others are done, so one bad day never blocks the rest.
   */
  private async recomputeIsolated(
    userId: number,
    units: Unit[],
    s: Settings,
    requireReady: boolean,
    after: (tx: Tx, state: RollupState) => Promise<void>,
  ): Promise<void> {
    const db = this.storage.db;
    const guarded = (work: (tx: Tx, state: RollupState) => Promise<void>) =>
      db.transaction().execute(async (tx) => {
        const state = await lockAndGetState(tx, userId);
        if (!matches(state, s) || (requireReady && state!.status !== 'ready')) throw new SettingsChanged();
        await work(tx, state!);
      });
    const work = async (tx: Tx, list: Unit[]) => {
      const days = new Set<string>();
      for (const unit of list) for (const d of await this.recomputeUnit(tx, userId, unit, s)) days.add(d);
      if (days.size) {
        const dates = [...days].sort();
        await replaceDays(tx, userId, dates, await sumHours(tx, userId, dates));
      }
    };
    let failure: unknown;
    try {
      await guarded(async (tx, state) => {
        await work(tx, units);
        await after(tx, state);
      });
      for (const unit of units) this.retries.delete(`${userId}|${unitKey(unit)}`);
      return;
    } catch (err) {
      if (err instanceof SettingsChanged || units.length === 0) throw err;
      failure = err;
    }
    const parts = units.flatMap(split);
    if (parts.length === 1) this.scheduleRetry(userId, parts[0]!, failure);
    else this.log.warn({ err: failure, userId }, 'rollup recomputation failed: retrying day by day / hour by hour');
    for (const unit of parts.length > 1 ? parts : []) {
      try {
        await guarded((tx) => work(tx, [unit]));
        this.retries.delete(`${userId}|${unitKey(unit)}`);
      } catch (err) {
        if (err instanceof SettingsChanged) throw err;
        this.scheduleRetry(userId, unit, err);
      }
    }
    await guarded(after);
  }

  private scheduleRetry(userId: number, unit: Unit, err: unknown): void {
    const key = `${userId}|${unitKey(unit)}`;
    const previous = this.retries.get(key);
    const attempts = (previous?.attempts ?? 0) + 1;
    const wait = Math.min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** Math.min(attempts - 1, 20));
    this.retries.delete(key);
    if (this.retries.size >= MAX_RETRIES_KEPT) this.retries.delete(this.retries.keys().next().value!);
    this.retries.set(key, { userId, unit, attempts, due: epochSeconds(this.clock) + wait });
    this.log.error({ err, userId, unit: unitKey(unit), attempts, retryInSeconds: wait }, 'rollups skipped: recomputing them failed (the last good rows are kept)');
  }

  /**
   * Recomputes one unit: whole local days from heartbeats (with their hours' partial rows), or the
   * partial rows of a run of UTC hours — then it returns the days whose sums must be redone.
   */
  protected async recomputeUnit(tx: Tx, userId: number, unit: Unit, s: Settings): Promise<Iterable<string>> {
    if ('dates' in unit) {
      await this.recompute(tx, userId, unit.dates, s);
      return [];
    }
    const [from, to] = unit.hours;
    const heartbeats = await loadForRollups(tx, userId, from * 3600, (to + 1) * 3600 + s.timeoutSeconds, s.writesOnly, false);
    const externals = await loadExternalSpans(tx, userId, from * 3600 - s.timeoutSeconds, (to + 1) * 3600 + 2 * s.timeoutSeconds);
    const hours = hourlyTotals(heartbeats, { timeoutSeconds: s.timeoutSeconds, zone: s.zone, fromHour: from, toHour: to, dimensions: ROLLUP_DIMENSIONS, externals });
    const days = await replaceHours(tx, userId, from, to, hours);
    for (const byDay of hours.values()) for (const date of byDay.keys()) days.add(date);
    return days;
  }

  /** Recomputes whole local days (grouped into contiguous spans) from heartbeats, and their hours. */
  private async recompute(tx: Tx, userId: number, dates: string[], s: Settings): Promise<void> {
    let i = 0;
    while (i < dates.length) {
      let j = i;
      while (j + 1 < dates.length && DateTime.fromISO(dates[j + 1]!).diff(DateTime.fromISO(dates[j]!), 'days').days === 1) j++;
      const span = dates.slice(i, j + 1);
      const start = DateTime.fromISO(span[0]!, { zone: s.zone }).startOf('day').toSeconds();
      const end = DateTime.fromISO(span[span.length - 1]!, { zone: s.zone }).plus({ days: 1 }).startOf('day').toSeconds();
      // the hours whose heartbeats lie in these days (the first and last may reach into neighbours)
      const fromHour = Math.floor(start / 3600);
      const toHour = Math.floor((end - 1) / 3600);
      const heartbeats = await loadForRollups(tx, userId, start - s.timeoutSeconds, (toHour + 1) * 3600 + s.timeoutSeconds, s.writesOnly);
      const externals = await loadExternalSpans(tx, userId, start - 2 * s.timeoutSeconds, (toHour + 1) * 3600 + 2 * s.timeoutSeconds);
      const totals = dailyTotals(heartbeats, { timeoutSeconds: s.timeoutSeconds, zone: s.zone, start, end, dimensions: ROLLUP_DIMENSIONS, externals });
      await replaceDays(tx, userId, span, totals);
      const hours = hourlyTotals(heartbeats, { timeoutSeconds: s.timeoutSeconds, zone: s.zone, fromHour, toHour, dimensions: ROLLUP_DIMENSIONS, externals });
      await replaceHours(tx, userId, fromHour, toHour, hours);
      // the cube: its hours' partial rows, then the days they touch re-summed from them
      const cube = hourlyCube(heartbeats, { timeoutSeconds: s.timeoutSeconds, zone: s.zone, fromHour, toHour, externals });
      const touched = await replaceCubeHours(tx, userId, fromHour, toHour, cube, false);
      for (const d of span) touched.add(d);
      await resumCube(tx, userId, [...touched].sort());
      i = j + 1;
    }
  }

  /** Rebuilds every day of the user's history, newest first, so recent ranges are ready soonest. */
  private async rebuild(user: UserRow, s: Settings): Promise<void> {
    const db = this.storage.db;
    const now = () => epochSeconds(this.clock);
    const startedMarks = await readDirty(db, user.id);
    const startedCubeMarks = await readDirty(db, user.id, 'rollup_cube_dirty');
    await db.transaction().execute(async (tx) => {
      await putState(tx, { user_id: user.id, timezone: s.zone, timeout: s.timeoutSeconds, writes_only: s.writesOnly ? 1 : 0, status: 'building', progress: 0, updated_at: now() });
      await deleteAllDays(tx, user.id);
    });
    for (const key of [...this.retries.keys()]) if (key.startsWith(`${user.id}|`)) this.retries.delete(key);
    // clamped to the days heartbeats can have, so the number of days is bounded whatever the rows hold
    const span = clampedSpan(unionSpan(await activitySpan(db, user.id), await externalActivitySpan(db, user.id)), epochSeconds(this.clock));
    try {
      if (span) {
        const first = DateTime.fromSeconds(span.first, { zone: s.zone }).startOf('day');
        const last = DateTime.fromSeconds(span.last, { zone: s.zone }).startOf('day');
        const totalDays = Math.max(1, Math.round(last.diff(first, 'days').days) + 1);
        const spans = Math.ceil(totalDays / SPAN_DAYS);
        let done = 0;
        for (let k = 0; k < spans && !this.stopped; k++) {
          const spanEnd = last.minus({ days: k * SPAN_DAYS });
          const count = Math.min(SPAN_DAYS, totalDays - k * SPAN_DAYS);
          const dates: string[] = [];
          for (let n = count - 1; n >= 0; n--) dates.push(spanEnd.minus({ days: n }).toISODate()!);
          await this.recomputeIsolated(user.id, [{ dates }], s, false, async (tx, current) => {
            done += dates.length;
            await putState(tx, { ...current, progress: Math.min(99, (done / totalDays) * 100), updated_at: now() });
          });
          await new Promise((r) => setImmediate(r)); // let requests through between spans
        }
        if (this.stopped) return;
      }
    } catch (err) {
      if (err instanceof SettingsChanged) return; // a newer rebuild owns the rollups now
      throw err;
    }
    await db.transaction().execute(async (tx) => {
      const current = await getState(tx, user.id);
      if (!matches(current, s)) return;
      await putState(tx, { ...current!, status: 'ready', progress: 100, updated_at: now() });
      await clearDirty(tx, startedMarks.map((m) => m.id));
      await clearDirty(tx, startedCubeMarks.map((m) => m.id), 'rollup_cube_dirty');
    });
  }

  /**
   * One round of upkeep: recomputes the dirty days of up to 50 users and the failed days whose
   * retry is due. Each user is isolated: a failure is logged and that user waits (backoff) while
   * the others are kept current.
   */
  async runUpkeep(now = epochSeconds(this.clock)): Promise<void> {
    const waiting = [...this.userBackoff].filter(([, b]) => b.due > now).map(([id]) => id);
    // a cube upkept recently waits (its dirty marks pile up and are recomputed in one go)
    for (const [id, at] of this.cubeUpkept) if (!(at + CUBE_UPKEEP_EVERY_SECONDS > now)) this.cubeUpkept.delete(id);
    const cubeWaiting = [...this.cubeUpkept.keys()];
    const cubeUsers = new Set(await usersWithDirty(this.storage.db, 50, [...waiting, ...cubeWaiting], 'rollup_cube_dirty'));
    const users = new Set([...(await usersWithDirty(this.storage.db, 50, waiting)), ...cubeUsers]);
    for (const userId of users) {
      if (this.stopped) return;
      try {
        const user = await findUserById(this.storage.db, userId);
        const cube = cubeUsers.has(userId);
        if (user) await this.ensureFresh(user, { cube });
        if (cube) {
          this.cubeUpkept.delete(userId);
          if (this.cubeUpkept.size >= MAX_CUBE_UPKEEP_KEPT) this.cubeUpkept.delete(this.cubeUpkept.keys().next().value!);
          this.cubeUpkept.set(userId, now);
        }
        this.userBackoff.delete(userId);
      } catch (err) {
        const attempts = (this.userBackoff.get(userId)?.attempts ?? 0) + 1;
        const wait = Math.min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** Math.min(attempts - 1, 20));
        this.userBackoff.set(userId, { attempts, due: epochSeconds(this.clock) + wait });
        this.log.error({ err, userId, attempts, retryInSeconds: wait }, 'rollup upkeep failed for a user');
      }
    }
    for (const retry of [...this.retries.values()]) {
      if (this.stopped) return;
      if (retry.due > now) continue;
      try {
        const user = await findUserById(this.storage.db, retry.userId);
        if (!user) {
          this.retries.delete(`${retry.userId}|${unitKey(retry.unit)}`);
          continue;
        }
        await this.recomputeIsolated(retry.userId, [retry.unit], userSettings(user), true, async () => {});
      } catch (err) {
        // settings changed (a rebuild covers the day) or the database is away: try again later
        if (err instanceof SettingsChanged) this.retries.delete(`${retry.userId}|${unitKey(retry.unit)}`);
        else this.scheduleRetry(retry.userId, retry.unit, err);
      }
    }
  }

  /** What is currently skipped because recomputing it failed: dates, or `hours a-b` (for tests and diagnostics). */
  failing(userId: number): string[] {
    return [...this.retries.values()].filter((r) => r.userId === userId).map((r) => unitKey(r.unit)).sort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.building.values(), ...[...this.refreshing.values(), ...this.cubeRefreshing.values()].flatMap((r) => (r.next ? [r.running, r.next] : [r.running]))]);
  }
}
