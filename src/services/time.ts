/**
 * Answers time questions (per-day totals, range sums) from rollups when they apply — the user's
 * own zone, timeout and writes_only — and from raw heartbeats otherwise.
 *
 * - No filter: the per-dimension day rollups (rollup_days).
 * - Filters and cross-breakdowns (the languages of one project, its branches and files, the
 *   projects of one language): the rollup cube (rollup_cube, rollup_details; migration 032).
 *   Entities and dependencies are kept per cube combination (rollup_details).
 * - Other settings than the user's own (timeout, zone, writes_only): raw heartbeats. Over more than
 *   `rawSyncDays` days of activity that runs as a background job: the caller gets what is computed
 *   so far with upToDate false and a percent (routes answer 202), and the finished answer is cached
 *   (per user, range, settings, filters, dimensions) until that user's heartbeats change.
 */
import { DateTime } from 'luxon';
import {
  CUBE_DIMENSIONS,
  dailyTotals,
  emptyDay,
  MAX_DATES,
  ROLLUP_DIMENSIONS,
  type CubeDimension,
  type DayTotals,
  type Dimension,
} from '../domain/duration.js';
import { rangeBounds, daysBetweenInclusive } from '../domain/ranges.js';
import { filterPredicate, hasFilters, type Filters } from '../domain/stats-query.js';
import type { Storage } from '../storage/db.js';
import { activitySpan, loadActivity } from '../storage/heartbeats.js';
import { externalActivitySpan, loadExternalSpans, unionSpan } from '../storage/external-durations.js';
import { readCube, readCubeDayTotals, readDays, readDayVersions, readDetails, readManyRangeSums, readRangeSums, statesOf, TOTAL, type CubeFilters, type RollupRow } from '../storage/rollups.js';
import type { UserRow } from '../storage/users.js';
import { inProcess, type Background } from './background.js';
import type { RollupService } from './rollups.js';
import { userSettings, type Settings } from '../domain/user.js';

export interface TimeQuery {
  user: UserRow;
  settings: Settings;
  first: string;
  last: string;
  /** Only the time of heartbeats matching these counts (domain/stats-query.ts). */
  filters?: Filters;
  dimensions?: readonly Dimension[];
}

export interface Answer<T> {
  value: T;
  /** False while rollups are still being built: the value is partial. */
  upToDate: boolean;
  percent: number;
}

/** Days per slice of a computation from raw heartbeats. */
const RAW_SLICE_DAYS = 31;
/**
 * Days per slice of a filtered read of the cube, the event loop free between slices: a quarter of
 * one project's days with their files is ~10 ms of work here; a month per slice spent a third of
 * a year's summaries on the fixed cost of 36 queries.
 */
const CUBE_SLICE_DAYS = 92;
/**
 * Days per slice of a background computation, the event loop free between slices: 31 days of a
 * busy user's heartbeats held every other request for about a second.
 */
const RAW_BACKGROUND_SLICE_DAYS = 1;

/** [first, last] cut into consecutive date ranges of at most `size` days; the slice count is fixed before the loop. */
function daySlices(first: string, last: string, size: number): [string, string][] {
  const out: [string, string][] = [];
  const start = DateTime.fromISO(first, { zone: 'UTC' });
  const stop = DateTime.fromISO(last, { zone: 'UTC' });
  const days = daysBetweenInclusive(first, last);
  if (days > MAX_DATES) throw new RangeError(`${first}..${last} holds more than ${MAX_DATES} dates`);
  const count = Math.ceil(days / size);
  for (let i = 0; i < count; i++) {
    const d = start.plus({ days: i * size });
    const end = d.plus({ days: size - 1 });
    out.push([d.toISODate()!, (end < stop ? end : stop).toISODate()!]);
  }
  return out;
}

/** Ranges this long or shorter are computed from heartbeats while rollups are being rebuilt. */
const RAW_FALLBACK_DAYS = 31;

function sameSettings(a: Settings, b: Settings): boolean {
  return a.zone === b.zone && a.timeoutSeconds === b.timeoutSeconds && a.writesOnly === b.writesOnly;
}

function fold(rows: RollupRow[]): Map<string, DayTotals> {
  const days = new Map<string, DayTotals>();
  for (const r of rows) {
    let day = days.get(r.day);
    if (!day) days.set(r.day, (day = emptyDay()));
    if (r.dimension === TOTAL) day.total = r.seconds;
    else day.dims[r.dimension as Dimension]?.set(r.name, r.seconds);
  }
  return days;
}

type Sums = { sum: DayTotals; dayTotals: Map<string, number> };

/** A raw computation in the background, or its cached result. */
interface RawJob {
  /** The user's heartbeat generation the job started at: a change since makes it stale. */
  generation: number;
  days: Map<string, DayTotals>;
  percent: number;
  done: boolean;
  /** namesIn(days) once done. */
  weight: number;
  /** While running: the finished answer it replaces (stale), shown instead of the partial one. */
  previous: Map<string, DayTotals> | null;
}

/** Most finished raw answers kept, and most names in them all (memory); the least recently used goes first. */
const RAW_CACHE_ENTRIES = 64;
const RAW_CACHE_NAMES = 1_000_000;

/** How many names an answer holds (its weight in the cache). */
function namesIn(days: Map<string, DayTotals>): number {
  let n = 0;
  for (const day of days.values()) for (const map of Object.values(day.dims)) n += map.size + 1;
  return n;
}

function sumsOf(days: Map<string, DayTotals>): Sums {
  const sum = emptyDay();
  const dayTotals = new Map<string, number>();
  for (const [date, day] of [...days].sort(([a], [b]) => (a < b ? -1 : 1))) {
    dayTotals.set(date, day.total);
    sum.total += day.total;
    for (const [dim, map] of Object.entries(day.dims) as [Dimension, Map<string, number>][]) {
      for (const [n, s] of map) sum.dims[dim].set(n, (sum.dims[dim].get(n) ?? 0) + s);
    }
  }
  return { sum, dayTotals };
}

function addTo(map: Map<string, number>, name: string, seconds: number): void {
  map.set(name, (map.get(name) ?? 0) + seconds);
}

/** The filters given (non-empty lists), as cube filters. */
function cubeFilters(filters: Filters | undefined): CubeFilters {
  const out: CubeFilters = {};
  for (const [dim, names] of Object.entries(filters ?? {}) as [Dimension, readonly string[] | undefined][]) {
    if (!names || names.length === 0) continue;
    // no branch is '' in the cube, and never matches a branch filter
    out[dim as CubeDimension] = dim === 'branches' ? names.filter((n) => n !== '') : names;
  }
  return out;
}

const CUBE_DIMS: readonly string[] = CUBE_DIMENSIONS;

export class TimeService {
  /**
   * Raw computations over more days of activity than this run in the background (202 meanwhile):
   * at a busy day's density (~3 000 heartbeats) two weeks take about a second.
   */
  rawSyncDays = 14;
  private readonly jobs = new Map<string, RawJob>();
  /** Per user, a counter of heartbeat changes: cached raw answers of an older one are stale. */
  private readonly generations = new Map<number, number>();

  constructor(
    private readonly storage: Storage,
    private readonly rollups: RollupService,
    private readonly background: Background = inProcess(),
  ) {}

  /**
   * These users' heartbeats changed: their cached raw answers are stale (one is still shown, with
   * upToDate false, while its recomputation runs).
   */
  forget(userIds: Iterable<number>): void {
    for (const id of userIds) this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
  }

  /** 'days': the per-dimension day rollups; 'cube': the cube; null: heartbeats. */
  private source(q: TimeQuery): 'days' | 'cube' | null {
    if (!sameSettings(q.settings, userSettings(q.user))) return null;
    const dims = q.dimensions ?? ROLLUP_DIMENSIONS;
    if (!hasFilters(q.filters ?? {})) {
      if (dims.every((d) => (ROLLUP_DIMENSIONS as readonly string[]).includes(d))) return 'days';
    }
    // a filter outside the cube's dimensions (none of the API's) needs the heartbeats
    const filtered = Object.entries(q.filters ?? {}).filter(([, names]) => names && names.length > 0);
    if (!filtered.every(([d]) => CUBE_DIMS.includes(d))) return null;
    // every dimension is in the cube, entities and dependencies beside it (per combination)
    return 'cube';
  }

  /** Per local day totals of [first, last]. */
  async days(q: TimeQuery): Promise<Answer<Map<string, DayTotals>>> {
    const source = this.source(q);
    if (source) {
      const fresh = await this.rollups.ensureFresh(q.user, { cube: source === 'cube' });
      if (fresh.ready || daysBetweenInclusive(q.first, q.last) > RAW_FALLBACK_DAYS) {
        const value = source === 'days' ? fold(await readDays(this.storage.db, q.user.id, q.first, q.last)) : await this.cubeDays(q);
        return { value, upToDate: fresh.ready, percent: fresh.percent };
      }
      return { value: await this.raw(q), upToDate: true, percent: 100 };
    }
    return this.rawAnswer(q);
  }

  /**
   * Each local day's rollup version in [first, last] (absent: never written) once the query's
   * rollups are current, or null when the query is not answered from complete rollups (other
   * settings than the user's own, a rebuild running): a day's answer computed after these versions
   * were read stays right for as long as the day's version does, on every instance.
   */
  async dayVersions(q: TimeQuery): Promise<Map<string, number> | null> {
    const source = this.source(q);
    if (!source) return null;
    const fresh = await this.rollups.ensureFresh(q.user, { cube: source === 'cube' });
    return fresh.ready ? readDayVersions(this.storage.db, q.user.id, q.first, q.last) : null;
  }

  /** Sums over [first, last] and each day's total: what stats need, cheap for long ranges. */
  async rangeSums(q: TimeQuery): Promise<Answer<Sums>> {
    const source = this.source(q);
    if (source) {
      const fresh = await this.rollups.ensureFresh(q.user, { cube: source === 'cube' });
      if (fresh.ready || daysBetweenInclusive(q.first, q.last) > RAW_FALLBACK_DAYS) {
        const value = source === 'days' ? await this.daySums(q) : await this.cubeSums(q);
        return { value, upToDate: fresh.ready, percent: fresh.percent };
      }
      return { value: sumsOf(await this.raw(q)), upToDate: true, percent: 100 };
    }
    const answer = await this.rawAnswer(q);
    return { ...answer, value: sumsOf(answer.value) };
  }

  /**
   * rangeSums for many users, each in their own settings, without filters (team dashboards): the
   * users whose rollups are ready and clean are read in bulk; the others one by one (rangeSums).
   * Without `perDay` the users' day totals are not kept apart: `teamDays` sums them per date.
   */
  async manyRangeSums(users: readonly UserRow[], first: string, last: string, dimensions: readonly Dimension[], perDay: boolean): Promise<{ each: Map<number, Answer<Sums>>; teamDays: Map<string, number> }> {
    const out = new Map<number, Answer<Sums>>();
    const { states, dirty } = await statesOf(this.storage.db, users.map((u) => u.id));
    const ready: UserRow[] = [];
    const teamDays = new Map<string, number>();
    for (const user of users) {
      const s = userSettings(user);
      const state = states.get(user.id);
      const clean = state && state.status === 'ready' && state.timezone === s.zone && state.timeout === s.timeoutSeconds && !!state.writes_only === s.writesOnly && !dirty.has(user.id);
      if (clean) {
        ready.push(user);
        continue;
      }
      const one = await this.rangeSums({ user, settings: s, first, last, dimensions });
      for (const [d, sec] of one.value.dayTotals) teamDays.set(d, (teamDays.get(d) ?? 0) + sec);
      if (!perDay) one.value.dayTotals = new Map();
      out.set(user.id, one);
    }
    const read = await readManyRangeSums(this.storage.db, ready.map((u) => u.id), first, last, dimensions, perDay);
    const byUser = new Map<number, Sums>(ready.map((u) => [u.id, { sum: emptyDay(), dayTotals: new Map<string, number>() }]));
    for (const r of read.sums) {
      const one = byUser.get(r.user_id)!;
      if (r.dimension === TOTAL) one.sum.total = r.seconds;
      else one.sum.dims[r.dimension as Dimension]?.set(r.name, r.seconds);
    }
    for (const d of read.days.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))) {
      byUser.get(d.user_id)!.dayTotals.set(d.day, d.seconds);
      teamDays.set(d.day, (teamDays.get(d.day) ?? 0) + d.seconds);
    }
    for (const [d, sec] of read.teamDays) teamDays.set(d, (teamDays.get(d) ?? 0) + sec);
    for (const [id, value] of byUser) out.set(id, { value, upToDate: true, percent: 100 });
    return { each: out, teamDays: new Map([...teamDays].sort(([a], [b]) => (a < b ? -1 : 1))) };
  }

  private async daySums(q: TimeQuery): Promise<Sums> {
    const { sums, days } = await readRangeSums(this.storage.db, q.user.id, q.first, q.last);
    const sum = emptyDay();
    for (const r of sums) sum.dims[r.dimension as Dimension]?.set(r.name, r.seconds);
    const dayTotals = new Map(days.map((d) => [d.day, d.seconds]));
    for (const s of dayTotals.values()) sum.total += s;
    return { sum, dayTotals };
  }

  /** The wanted cube dimensions (by index in a cube row) and detail dimensions. */
  private wanted(q: TimeQuery): { cube: [Dimension, number][]; details: ('entities' | 'dependencies')[] } {
    const dims = q.dimensions ?? ROLLUP_DIMENSIONS;
    return {
      cube: dims.filter((d) => CUBE_DIMS.includes(d)).map((d) => [d, CUBE_DIMS.indexOf(d)]),
      details: dims.filter((d): d is 'entities' | 'dependencies' => d === 'entities' || d === 'dependencies'),
    };
  }

  /**
   * Filtered per-day totals from the cube, a quarter of days at a time (CUBE_SLICE_DAYS) with the
   * event loop free between quarters: a year of one project's days with their files can be tens of
   * thousands of rows, work that must not hold every other request.
   */
  private async cubeDays(q: TimeQuery): Promise<Map<string, DayTotals>> {
    const filters = cubeFilters(q.filters);
    const { cube, details } = this.wanted(q);
    const out = new Map<string, DayTotals>();
    const dayOf = (date: string) => {
      let day = out.get(date);
      if (!day) out.set(date, (day = emptyDay()));
      return day;
    };
    for (const [slice, [first, last]] of daySlices(q.first, q.last, CUBE_SLICE_DAYS).entries()) {
      if (slice > 0) await new Promise((r) => setImmediate(r));
      for (const row of await readCube(this.storage.db, q.user.id, first, last, filters, true)) {
        const day = dayOf(row.day);
        day.total += row.seconds;
        for (const [dim, i] of cube) {
          const name = row.names[i]!;
          if (dim === 'branches' && name === '') continue;
          addTo(day.dims[dim], name, row.seconds);
        }
      }
      for (const dim of details) {
        for (const r of await readDetails(this.storage.db, q.user.id, first, last, filters, dim, true)) if (out.has(r.day)) addTo(out.get(r.day)!.dims[dim], r.name, r.seconds);
      }
    }
    return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Filtered range sums and day totals from the cube. */
  private async cubeSums(q: TimeQuery): Promise<Sums> {
    const filters = cubeFilters(q.filters);
    const { cube, details } = this.wanted(q);
    const sum = emptyDay();
    // independent reads: on PostgreSQL they run at once, each on a connection of the pool
    const [dayTotals, rows, ...detailRows] = await Promise.all([
      readCubeDayTotals(this.storage.db, q.user.id, q.first, q.last, filters),
      cube.length ? readCube(this.storage.db, q.user.id, q.first, q.last, filters, false) : [],
      ...details.map((dim) => readDetails(this.storage.db, q.user.id, q.first, q.last, filters, dim, false)),
    ]);
    for (const s of dayTotals.values()) sum.total += s;
    for (const row of rows) {
      for (const [dim, i] of cube) {
        const name = row.names[i]!;
        if (dim === 'branches' && name === '') continue;
        addTo(sum.dims[dim], name, row.seconds);
      }
    }
    details.forEach((dim, k) => {
      for (const r of detailRows[k]!) addTo(sum.dims[dim], r.name, r.seconds);
    });
    return { sum, dayTotals };
  }

  /**
   * From heartbeats with the query's settings: at once when the user's activity in the range is at
   * most `rawSyncDays` days long; otherwise a background job (its progress, then its cached answer).
   */
  private async rawAnswer(q: TimeQuery): Promise<Answer<Map<string, DayTotals>>> {
    const key = this.jobKey(q);
    const generation = this.generations.get(q.user.id) ?? 0;
    const job = this.jobs.get(key);
    // one computation per question at a time: a running one answers (even if already stale)
    if (job && !job.done) return { value: job.previous ?? job.days, upToDate: false, percent: job.percent };
    if (job && job.generation === generation) {
      // most recently used last: the oldest is evicted first
      this.jobs.delete(key);
      this.jobs.set(key, job);
      return { value: job.days, upToDate: true, percent: 100 };
    }
    if ((await this.activeDays(q)) <= this.rawSyncDays) return { value: await this.raw(q), upToDate: true, percent: 100 };
    // a stale answer (heartbeats changed since) is shown while the new one is computed
    const stale = job?.done ? job.days : null;
    const started: RawJob = { generation, days: new Map(), percent: 0, done: false, weight: 0, previous: stale };
    this.jobs.set(key, started);
    this.background('raw time', async () => {
      try {
        await this.raw(q, started);
        started.done = true;
        started.previous = null;
        started.weight = namesIn(started.days);
        this.evict();
      } catch (err) {
        if (this.jobs.get(key) === started) this.jobs.delete(key);
        throw err;
      }
    });
    return { value: stale ?? new Map(), upToDate: false, percent: 0 };
  }

  /** Drops the least recently used finished answers beyond the cache's bounds. */
  private evict(): void {
    let weight = 0;
    let count = 0;
    for (const job of this.jobs.values()) if (job.done) (weight += job.weight), count++;
    for (const [key, job] of this.jobs) {
      if (count <= RAW_CACHE_ENTRIES && weight <= RAW_CACHE_NAMES) break;
      if (!job.done) continue;
      this.jobs.delete(key);
      weight -= job.weight;
      count--;
    }
  }

  private jobKey(q: TimeQuery): string {
    const filters = Object.entries(q.filters ?? {})
      .filter(([, names]) => names && names.length)
      .map(([d, names]) => [d, [...names!].sort()])
      .sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1));
    return `${q.user.id}|${JSON.stringify([q.first, q.last, q.settings.zone, q.settings.timeoutSeconds, q.settings.writesOnly, filters, q.dimensions ?? null])}`;
  }

  /** Days of [first, last] (in the query's zone) that lie within the user's first and last heartbeat. */
  private async activeDays(q: TimeQuery): Promise<number> {
    const span = await activitySpan(this.storage.db, q.user.id);
    if (!span) return 0;
    const { start, end } = rangeBounds(q.first, q.last, q.settings.zone);
    const from = Math.max(start, span.first);
    const to = Math.min(end, span.last);
    return to > from ? (to - from) / 86400 : 0;
  }

  /**
   * Seconds credited in [start, end) (instants, not local days: the time between two commits)
   * under `filters`, with the user's own timeout and writes_only: the same accounting as every
   * answer (dailyTotals over heartbeats and external durations), 31 days of heartbeats at a time.
   * `start` is raised to the user's first activity, so the slice count is bounded by their history.
   */
  async spanSeconds(user: UserRow, start: number, end: number, filters: Filters): Promise<number> {
    const s = userSettings(user);
    const t = s.timeoutSeconds;
    const span = unionSpan(await activitySpan(this.storage.db, user.id), await externalActivitySpan(this.storage.db, user.id));
    if (!span || !Number.isFinite(end)) return 0;
    const from = Math.max(Number.isFinite(start) ? start : -Infinity, span.first - t);
    const to = Math.min(end, span.last + t);
    if (!(to > from)) return 0;
    const include = filterPredicate(filters);
    const step = RAW_SLICE_DAYS * 86400;
    const slices = Math.ceil((to - from) / step);
    if (slices > MAX_DATES) throw new RangeError(`${from}..${to} is too long a span`);
    let total = 0;
    for (let k = 0; k < slices; k++) {
      const a = from + k * step;
      const b = Math.min(to, a + step);
      const heartbeats = await loadActivity(this.storage.db, user.id, a - t, b + t, { writesOnly: s.writesOnly });
      const externals = await loadExternalSpans(this.storage.db, user.id, a - 2 * t, b + 2 * t);
      for (const day of dailyTotals(heartbeats, { timeoutSeconds: t, zone: 'UTC', start: a, end: b, include, dimensions: [], externals }).values()) total += day.total;
    }
    return total;
  }

  /**
   * Straight from heartbeats, with the query's own settings, a slice of days at a time: a long range
   * never holds all its heartbeats in memory at once. Exact: each slice also loads the heartbeats
   * within the timeout around it and counts only the time inside its own days. `progress` receives
   * each slice's days as they are done (newest slice first) and the percent done.
   */
  async raw(q: TimeQuery, progress?: { days: Map<string, DayTotals>; percent: number }): Promise<Map<string, DayTotals>> {
    const t = q.settings.timeoutSeconds;
    const include = filterPredicate(q.filters ?? {});
    const out = progress?.days ?? new Map<string, DayTotals>();
    // newest first: a partial answer shows the recent days soonest
    const slices = daySlices(q.first, q.last, progress ? RAW_BACKGROUND_SLICE_DAYS : RAW_SLICE_DAYS).reverse();
    let done = 0;
    for (const [first, last] of slices) {
      const { start, end } = rangeBounds(first, last, q.settings.zone);
      const heartbeats = await loadActivity(this.storage.db, q.user.id, start - t, end + t, { writesOnly: q.settings.writesOnly });
      const externals = await loadExternalSpans(this.storage.db, q.user.id, start - 2 * t, end + 2 * t);
      const days = dailyTotals(heartbeats, { timeoutSeconds: t, zone: q.settings.zone, start, end, include, dimensions: q.dimensions, externals });
      for (const [date, day] of days) out.set(date, day);
      if (progress) {
        progress.percent = Math.min(99, Math.floor((++done / slices.length) * 100));
        await new Promise((r) => setImmediate(r)); // let requests through between slices
      }
    }
    const sorted = new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
    if (progress) progress.days = sorted;
    return sorted;
  }
}
