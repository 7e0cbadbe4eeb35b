/**
 * Answers time questions (per-day totals, range sums) from rollups when they apply — the user's
 * own zone, timeout and writes_only, no per-request filter — and from raw heartbeats otherwise.
 */
import { DateTime } from 'luxon';
import { dailyTotals, emptyDay, MAX_DATES, ROLLUP_DIMENSIONS, type DayTotals, type Dimension } from '../domain/duration.js';
import type { ActivityHeartbeat } from '../domain/heartbeat.js';
import { rangeBounds, daysBetweenInclusive } from '../domain/ranges.js';
import type { Storage } from '../storage/db.js';
import { loadActivity } from '../storage/heartbeats.js';
import { readDays, readRangeSums, TOTAL, type RollupRow } from '../storage/rollups.js';
import type { UserRow } from '../storage/users.js';
import { userSettings, type RollupService, type Settings } from './rollups.js';

export interface TimeQuery {
  user: UserRow;
  settings: Settings;
  first: string;
  last: string;
  /** Only these heartbeats' time counts (project / branches filters). */
  include?: (h: ActivityHeartbeat) => boolean;
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

export class TimeService {
  constructor(
    private readonly storage: Storage,
    private readonly rollups: RollupService,
  ) {}

  private usesRollups(q: TimeQuery): boolean {
    const dims = q.dimensions ?? ROLLUP_DIMENSIONS;
    return !q.include && sameSettings(q.settings, userSettings(q.user)) && dims.every((d) => (ROLLUP_DIMENSIONS as readonly string[]).includes(d));
  }

  /** Per local day totals of [first, last]. */
  async days(q: TimeQuery): Promise<Answer<Map<string, DayTotals>>> {
    if (this.usesRollups(q)) {
      const fresh = await this.rollups.ensureFresh(q.user);
      if (fresh.ready || daysBetweenInclusive(q.first, q.last) > RAW_FALLBACK_DAYS) {
        const rows = await readDays(this.storage.db, q.user.id, q.first, q.last);
        return { value: fold(rows), upToDate: fresh.ready, percent: fresh.percent };
      }
    }
    return { value: await this.raw(q), upToDate: true, percent: 100 };
  }

  /** Sums over [first, last] and each day's total: what stats need, cheap for long ranges. */
  async rangeSums(q: TimeQuery): Promise<Answer<{ sum: DayTotals; dayTotals: Map<string, number> }>> {
    if (this.usesRollups(q)) {
      const fresh = await this.rollups.ensureFresh(q.user);
      if (fresh.ready || daysBetweenInclusive(q.first, q.last) > RAW_FALLBACK_DAYS) {
        const { sums, days } = await readRangeSums(this.storage.db, q.user.id, q.first, q.last);
        const sum = emptyDay();
        for (const r of sums) sum.dims[r.dimension as Dimension]?.set(r.name, r.seconds);
        const dayTotals = new Map(days.map((d) => [d.day, d.seconds]));
        for (const s of dayTotals.values()) sum.total += s;
        return { value: { sum, dayTotals }, upToDate: fresh.ready, percent: fresh.percent };
      }
    }
    const days = await this.raw(q);
    const sum = emptyDay();
    const dayTotals = new Map<string, number>();
    for (const [date, day] of days) {
      dayTotals.set(date, day.total);
      sum.total += day.total;
      for (const [dim, map] of Object.entries(day.dims) as [Dimension, Map<string, number>][]) {
        for (const [n, s] of map) sum.dims[dim].set(n, (sum.dims[dim].get(n) ?? 0) + s);
      }
    }
    return { value: { sum, dayTotals }, upToDate: true, percent: 100 };
  }

  /**
   * Straight from heartbeats, with the query's own settings, a slice of days at a time: a long range
   * never holds all its heartbeats in memory at once. Exact: each slice also loads the heartbeats
   * within the timeout around it and counts only the time inside its own days.
   */
  async raw(q: TimeQuery): Promise<Map<string, DayTotals>> {
    const t = q.settings.timeoutSeconds;
    const out = new Map<string, DayTotals>();
    for (const [first, last] of daySlices(q.first, q.last, RAW_SLICE_DAYS)) {
      const { start, end } = rangeBounds(first, last, q.settings.zone);
      const heartbeats = await loadActivity(this.storage.db, q.user.id, start - t, end + t, { writesOnly: q.settings.writesOnly });
      const days = dailyTotals(heartbeats, { timeoutSeconds: t, zone: q.settings.zone, start, end, include: q.include, dimensions: q.dimensions });
      for (const [date, day] of days) out.set(date, day);
    }
    return out;
  }
}
