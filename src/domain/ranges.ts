/**
 * Named ranges of the reference, resolved to local dates [first, last] in a zone. Pure.
 * Weeks start on Monday (ISO).
 */
import { DateTime } from 'luxon';
import { EARLIEST_DATE } from './calendar.js';
import { memoize } from './memo.js';

export const SUMMARY_RANGES = ['Today', 'Yesterday', 'Last 7 Days', 'Last 7 Days from Yesterday', 'Last 14 Days', 'Last 30 Days', 'This Week', 'Last Week', 'This Month', 'Last Month'] as const;
export const STATS_RANGES = ['last_7_days', 'last_30_days', 'last_6_months', 'last_year', 'all_time'] as const;

export interface DateRange {
  first: string;
  last: string;
}

const norm = (s: string) => s.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** A summaries `range` ("Last 7 Days", also written last_7_days) → dates; null if unknown. */
export function summaryRange(name: string, zone: string, now: number): (DateRange & { name: string }) | null {
  const today = DateTime.fromSeconds(now, { zone }).startOf('day');
  const d = (x: DateTime) => x.toISODate()!;
  const key = norm(name);
  const found = SUMMARY_RANGES.find((r) => norm(r) === key);
  if (!found) return null;
  switch (found) {
    case 'Today':
      return { name: found, first: d(today), last: d(today) };
    case 'Yesterday':
      return { name: found, first: d(today.minus({ days: 1 })), last: d(today.minus({ days: 1 })) };
    case 'Last 7 Days':
      return { name: found, first: d(today.minus({ days: 6 })), last: d(today) };
    case 'Last 7 Days from Yesterday':
      return { name: found, first: d(today.minus({ days: 7 })), last: d(today.minus({ days: 1 })) };
    case 'Last 14 Days':
      return { name: found, first: d(today.minus({ days: 13 })), last: d(today) };
    case 'Last 30 Days':
      return { name: found, first: d(today.minus({ days: 29 })), last: d(today) };
    case 'This Week':
      return { name: found, first: d(today.startOf('week')), last: d(today) };
    case 'Last Week': {
      const start = today.startOf('week').minus({ weeks: 1 });
      return { name: found, first: d(start), last: d(start.plus({ days: 6 })) };
    }
    case 'This Month':
      return { name: found, first: d(today.startOf('month')), last: d(today) };
    case 'Last Month': {
      const start = today.startOf('month').minus({ months: 1 });
      return { name: found, first: d(start), last: d(start.endOf('month')) };
    }
  }
}

export interface StatsRange extends DateRange {
  /** As the reference names it: last_7_days, all_time, 2024, 2024-05. */
  range: string;
  human: string;
  isIncludingToday: boolean;
}

/**
 * A stats / insights range → dates. Ranges other than all_time end yesterday, as WakaTime's do;
 * all_time runs from `allTimeFirst` (the first day with activity or the account's creation) to today.
 */
export function statsRange(range: string, zone: string, now: number, allTimeFirst: string): StatsRange | null {
  const today = DateTime.fromSeconds(now, { zone }).startOf('day');
  const yesterday = today.minus({ days: 1 });
  const d = (x: DateTime) => x.toISODate()!;
  const r = range.trim().toLowerCase();
  const last = (first: DateTime, human: string): StatsRange => ({ range: r, human, first: d(first), last: d(yesterday), isIncludingToday: false });
  switch (r) {
    case 'last_7_days':
      return last(today.minus({ days: 7 }), 'last 7 days');
    case 'last_30_days':
      return last(today.minus({ days: 30 }), 'last 30 days');
    case 'last_6_months':
      return last(today.minus({ months: 6 }), 'last 6 months');
    case 'last_year':
      return last(today.minus({ years: 1 }), 'last year');
    case 'all_time': {
      // never before EARLIEST_DATE, never after today: a bounded range whatever the account holds
      const first = allTimeFirst < EARLIEST_DATE ? EARLIEST_DATE : allTimeFirst < d(today) ? allTimeFirst : d(today);
      return { range: r, human: 'all time', first, last: d(today), isIncludingToday: true };
    }
  }
  const year = /^(\d{4})$/.exec(r);
  if (year) {
    const start = DateTime.fromObject({ year: Number(year[1]), month: 1, day: 1 }, { zone });
    if (!start.isValid || start > today || d(start) < EARLIEST_DATE) return null;
    const end = DateTime.min(start.endOf('year').startOf('day'), today);
    return { range: r, human: year[1]!, first: d(start), last: d(end), isIncludingToday: end.hasSame(today, 'day') };
  }
  const month = /^(\d{4})-(\d{2})$/.exec(r);
  if (month) {
    const start = DateTime.fromObject({ year: Number(month[1]), month: Number(month[2]), day: 1 }, { zone });
    if (!start.isValid || start > today || d(start) < EARLIEST_DATE) return null;
    const end = DateTime.min(start.endOf('month').startOf('day'), today);
    return { range: r, human: start.toFormat('MMMM yyyy'), first: d(start), last: d(end), isIncludingToday: end.hasSame(today, 'day') };
  }
  return null;
}

/** "Today", "Yesterday", or "Sat May 4th 2024", relative to now in the zone. */
export function dayText(date: string, zone: string, now: number): string {
  const { today, yesterday } = todayIn(`${zone}|${now}`);
  if (date === today) return 'Today';
  if (date === yesterday) return 'Yesterday';
  return dateText(date);
}

/** Today and yesterday in a zone at an instant (key `zone|now`): a summary of a year asks 365 times. */
const todayIn = memoize((key: string) => {
  const bar = key.lastIndexOf('|');
  const now = DateTime.fromSeconds(Number(key.slice(bar + 1)), { zone: key.slice(0, bar) });
  return { today: now.toISODate(), yesterday: now.minus({ days: 1 }).toISODate() };
}, 16);

/** "Sat May 4th 2024": the same in every zone (a local date's own calendar fields). */
const dateText = memoize((date: string) => {
  const dt = DateTime.fromISO(date, { zone: 'UTC' });
  const n = dt.day;
  const suffix = n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th';
  return `${dt.toFormat('ccc LLL')} ${n}${suffix} ${dt.year}`;
}, 4000);

/** The start of a local date in a zone, epoch seconds (key `zone|date`; memoized: pure). */
const dayStart = memoize((key: string) => {
  const bar = key.lastIndexOf('|');
  return DateTime.fromISO(key.slice(bar + 1), { zone: key.slice(0, bar) }).startOf('day').toSeconds();
}, 20_000);

/** The calendar date after `date` (YYYY-MM-DD), null for what is not a date: a summary asks for each of its days. */
const nextDate = memoize((date: string) => DateTime.fromISO(date, { zone: 'UTC' }).plus({ days: 1 }).toISODate(), 20_000);

/** [start, end) of local dates first..last in epoch seconds. */
export function rangeBounds(first: string, last: string, zone: string): { start: number; end: number } {
  const next = nextDate(last);
  return {
    start: dayStart(`${zone}|${first}`),
    end: next ? dayStart(`${zone}|${next}`) : DateTime.fromISO(last, { zone }).plus({ days: 1 }).startOf('day').toSeconds(),
  };
}

/** Days from `first` to `last` inclusive (0 when last is before first); throws on a non-date. */
export function daysBetweenInclusive(first: string, last: string): number {
  const a = DateTime.fromISO(first, { zone: 'UTC' });
  const b = DateTime.fromISO(last, { zone: 'UTC' });
  if (!a.isValid || !b.isValid) throw new RangeError(`not a date range: ${first}..${last}`);
  return Math.max(0, Math.round(b.diff(a, 'days').days) + 1);
}
