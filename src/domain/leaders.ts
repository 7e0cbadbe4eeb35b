/**
 * Leaders, private leaderboards and aggregate stats: the pure rules. Pure.
 *
 * - Public surfaces count time with the public settings (timeout 15, every heartbeat) over each
 *   user's own local days; totals exclude the language Other (like stats' `total_seconds`).
 * - A ranking orders by seconds, most first, ties by the earlier account (internal id): a place is
 *   a position (1, 2, 3 …), never shared, so pages never overlap.
 * - The aggregate over users is, per name, the sum, average, median and max of the users' seconds
 *   and how many users had any.
 */
import { OTHER_LANGUAGE } from './duration.js';
import { humanText, round2 } from './format.js';

/** The settings every public number is computed with (the reference: "Default 15m keystroke timeout"). */
export const PUBLIC_SETTINGS = { timeoutSeconds: 15 * 60, writesOnly: false } as const;

/** What a leaderboard entry shows of a user, as stored (flags 0/1; e-mail and photo only when their flags make them public). */
export interface LeaderProfile {
  uuid: string;
  username: string;
  full_name: string | null;
  email: string | null;
  public_email: string | null;
  is_email_public: number;
  photo: string | null;
  photo_public: number;
  website: string | null;
  city_country_code: string | null;
  city_name: string | null;
  city_state: string | null;
  is_hireable: number;
}

/** Leaders per page of `GET /leaders` and of a private leaderboard. */
export const LEADERS_PER_PAGE = 100;

/** The public leaders' range: Last 7 Days from Yesterday. */
export const LEADERS_RANGE = 'last_7_days';

/** Time ranges a private leaderboard may have. */
export const BOARD_RANGES = ['last_7_days', 'last_30_days'] as const;
export type BoardRange = (typeof BOARD_RANGES)[number];

/** Most members (owner and invitations included) a private leaderboard holds. */
export const BOARD_SEATS = 1000;

/** Named ranges of the aggregate stats (besides past years `YYYY`). */
export const AGGREGATE_RANGES = ['last_7_days', 'last_30_days', 'last_6_months', 'last_year'] as const;

/** The dimensions the aggregate distributes time over, and the public flag each one needs. */
export const AGGREGATE_DIMENSIONS = {
  languages: 'languages_used_public',
  editors: 'editors_used_public',
  operating_systems: 'os_used_public',
  categories: 'categories_used_public',
} as const;
export type AggregateDimension = keyof typeof AGGREGATE_DIMENSIONS;

export interface Ranked<T> {
  rank: number;
  entry: T;
}

/** Orders by seconds (most first), ties by user id, and numbers the places 1, 2, 3 … */
export function rank<T extends { userId: number; seconds: number }>(entries: readonly T[]): Ranked<T>[] {
  return [...entries].sort((a, b) => b.seconds - a.seconds || a.userId - b.userId).map((entry, i) => ({ rank: i + 1, entry }));
}

/** The page (1-based) holding a 1-based position. */
export function pageOf(position: number, perPage = LEADERS_PER_PAGE): number {
  return Math.max(1, Math.ceil(position / perPage));
}

/** Pages needed for `count` entries (at least one, even when empty). */
export function totalPages(count: number, perPage = LEADERS_PER_PAGE): number {
  return Math.max(1, Math.ceil(count / perPage));
}

/** A user's languages over a range without Other, most first (ties by name), and their total. */
export function publicLanguages(languages: ReadonlyMap<string, number>): { total: number; list: [string, number][] } {
  const list = [...languages].filter(([name, s]) => name !== OTHER_LANGUAGE && s > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return { total: list.reduce((a, [, s]) => a + s, 0), list };
}

/** Average seconds per day with activity (the stats' daily average), Other excluded from the total. */
export function dailyAverageOf(total: number, activeDays: number): number {
  return activeDays > 0 ? total / activeDays : 0;
}

/** Sum, average, median and max of some users' seconds, and how many users. */
export interface Spread {
  sum: number;
  average: number;
  median: number;
  max: number;
  count: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const sum = sorted.reduce((a, b) => a + b, 0);
  const median = n === 0 ? 0 : n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { sum: round2(sum), average: n ? round2(sum / n) : 0, median: round2(median), max: n ? round2(sorted[n - 1]!) : 0, count: n };
}

/** One user's numbers over an aggregate range, with what they allow to be counted. */
export interface UserPeriod {
  userId: number;
  /** Seconds without the language Other. */
  total: number;
  dailyAverage: number;
  /** Per dimension, seconds per name; undefined when the user keeps that dimension private. */
  dims: Partial<Record<AggregateDimension, ReadonlyMap<string, number>>>;
}

export interface Aggregate {
  total: Spread;
  /** Averages, median and count of the users' daily averages; `max` is the daily average of the user with the most time. */
  daily_average: Spread;
  dims: Record<AggregateDimension, ({ name: string } & Spread)[]>;
}

/** The aggregate over users (only those with time count), per dimension sorted by sum, most first. */
export function aggregate(users: readonly UserPeriod[]): Aggregate {
  const active = users.filter((u) => u.total > 0);
  const total = spread(active.map((u) => u.total));
  const daily = spread(active.map((u) => u.dailyAverage));
  // "the max is the daily average of the user who coded the most time"
  let top: UserPeriod | null = null;
  for (const u of active) if (!top || u.total > top.total || (u.total === top.total && u.userId < top.userId)) top = u;
  const dims = {} as Aggregate['dims'];
  for (const dim of Object.keys(AGGREGATE_DIMENSIONS) as AggregateDimension[]) {
    const perName = new Map<string, number[]>();
    for (const u of users) {
      for (const [name, s] of u.dims[dim] ?? []) {
        if (!(s > 0)) continue;
        let list = perName.get(name);
        if (!list) perName.set(name, (list = []));
        list.push(s);
      }
    }
    dims[dim] = [...perName].map(([name, values]) => ({ name, ...spread(values) })).sort((a, b) => b.sum - a.sum || (a.name < b.name ? -1 : 1));
  }
  return { total, daily_average: { ...daily, max: top ? round2(top.dailyAverage) : 0 }, dims };
}

/** `{seconds, text}` of an amount of time. */
export function timeValue(seconds: number): { seconds: number; text: string } {
  return { seconds: round2(seconds), text: humanText(seconds) };
}

/** A two-letter country code, upper case, or null when the value is not one. */
export function countryCode(value: string | null | undefined): string | null {
  const v = value?.trim() ?? '';
  return /^[A-Za-z]{2}$/.test(v) ? v.toUpperCase() : null;
}
