/**
 * Goals: the rules of a coding goal, pure. A goal asks for `seconds` of (filtered) coding per
 * `delta` period (a local day, or a week from Monday to Sunday in the owner's zone); with
 * `improve_by_percent` the target grows by that percent each period after the one it was created
 * in; `is_inverse` goals are limits (code at most that much); `ignore_days` (weekdays, day goals)
 * and `ignore_zero_days` turn a period's status into "ignored" instead of "fail".
 *
 * services/goals.ts asks the stats layer for the seconds per local day (StatsQuery, with the
 * goal's filters) and hands them here; everything else — periods, targets, statuses, texts,
 * the title — is decided below.
 */
import { DateTime } from 'luxon';
import { humanText } from './format.js';
import { localDate } from './calendar.js';

export const GOAL_DELTAS = ['day', 'week'] as const;
export type GoalDelta = (typeof GOAL_DELTAS)[number];
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type RangeStatus = 'success' | 'fail' | 'ignored' | 'pending';
export const EMAIL_FREQUENCIES = ['daily', 'weekly', 'none'] as const;
export type EmailFrequency = (typeof EMAIL_FREQUENCIES)[number];

/** Periods shown in chart_data (the current one and the ones before it). */
export const GOAL_PERIODS = 7;
/** Longest goal per period: a whole day, a whole week. */
export const MAX_GOAL_SECONDS: Record<GoalDelta, number> = { day: 24 * 3600, week: 7 * 24 * 3600 };
/** Most names in one filter of a goal. */
export const MAX_GOAL_FILTER_NAMES = 50;

/** What decides a goal's progress (the stored goal, as the domain sees it). */
export interface GoalRules {
  seconds: number;
  delta: GoalDelta;
  improveByPercent: number | null;
  isInverse: boolean;
  ignoreDays: readonly Weekday[];
  ignoreZeroDays: boolean;
  languages: readonly string[];
  projects: readonly string[];
  editors: readonly string[];
  categories: readonly string[];
  /** Epoch seconds: the period containing it is the first whose target improves from. */
  createdAt: number;
}

export interface GoalPeriod {
  /** Local dates first..last (one for a day goal, seven for a week). */
  first: string;
  last: string;
  /** [start, end) in epoch seconds (a DST day is 23 or 25 hours, its week 167 or 169). */
  start: number;
  end: number;
}

export interface ChartPoint {
  actual_seconds: number;
  actual_seconds_text: string;
  goal_seconds: number;
  goal_seconds_text: string;
  range: { date?: string; start: string; end: string; text: string; timezone: string };
  range_status: RangeStatus;
  range_status_reason: string;
  range_status_reason_short: string;
}

/** The computed part of a goal: what the cache holds. */
export interface GoalProgress {
  chart_data: ChartPoint[];
  status: RangeStatus;
  average_status: 'success' | 'fail';
  cumulative_status: 'success' | 'fail' | 'ignored';
  range_text: string;
  status_percent_calculated: number;
}

function iso(seconds: number): string {
  return new Date(Math.round(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The weekday of a local date ('monday' …). */
export function weekdayOf(date: string): Weekday {
  return WEEKDAYS[DateTime.fromISO(date, { zone: 'UTC' }).weekday - 1]!;
}

/** The local date `now` falls on in `zone`. */
export function localToday(zone: string, now: number): string {
  return localDate(zone, now);
}

/** The period (day, or Monday-to-Sunday week) containing local date `date`. */
export function periodOf(date: string, delta: GoalDelta, zone: string): GoalPeriod {
  const d = DateTime.fromISO(date, { zone }).startOf('day');
  const first = delta === 'day' ? d : d.startOf('week');
  const lastDay = delta === 'day' ? first : first.plus({ days: 6 });
  return { first: first.toISODate()!, last: lastDay.toISODate()!, start: first.toSeconds(), end: lastDay.plus({ days: 1 }).startOf('day').toSeconds() };
}

/** The last `count` periods up to and including the one containing `today`, oldest first. */
export function goalPeriods(delta: GoalDelta, zone: string, today: string, count = GOAL_PERIODS): GoalPeriod[] {
  const n = Math.max(1, Math.min(count, 366));
  const current = DateTime.fromISO(periodOf(today, delta, zone).first, { zone });
  const out: GoalPeriod[] = [];
  for (let i = n - 1; i >= 0; i--) {
    out.push(periodOf(current.minus(delta === 'day' ? { days: i } : { weeks: i }).toISODate()!, delta, zone));
  }
  return out;
}

/** Periods from the one containing `createdAt` to `period` (0 for it and earlier ones). */
export function periodsSinceCreation(rules: Pick<GoalRules, 'delta' | 'createdAt'>, period: GoalPeriod, zone: string): number {
  const created = periodOf(DateTime.fromSeconds(rules.createdAt, { zone }).toISODate()!, rules.delta, zone);
  const a = DateTime.fromISO(created.first, { zone: 'UTC' });
  const b = DateTime.fromISO(period.first, { zone: 'UTC' });
  const days = Math.round(b.diff(a, 'days').days);
  return Math.max(0, rules.delta === 'day' ? days : Math.round(days / 7));
}

/**
 * The target of a period: `seconds`, grown by improve_by_percent for each period after the one
 * the goal was created in (compounded, rounded to whole seconds), never beyond the period itself.
 */
export function goalSecondsFor(rules: GoalRules, period: GoalPeriod, zone: string): number {
  const cap = MAX_GOAL_SECONDS[rules.delta];
  const p = rules.improveByPercent ?? 0;
  if (!(p > 0)) return Math.min(cap, Math.round(rules.seconds));
  const n = periodsSinceCreation(rules, period, zone);
  const grown = rules.seconds * Math.pow(1 + p / 100, n);
  return Math.min(cap, Number.isFinite(grown) ? Math.round(grown) : cap);
}

/** "4h 38m", "45m", "20s": the short texts of range_status_reason_short. */
export function shortText(total: number): string {
  const s = Math.max(0, Math.floor(total));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h === 0 && m === 0) return `${s % 60}s`;
  return h > 0 ? (m > 0 ? `${h}h ${m}m` : `${h}h`) : `${m}m`;
}

/**
 * The status of one period: `isOver` says whether the period has ended (now ≥ its end).
 * - ignored: on a day goal's ignored weekday, whatever is not a success (the reference: "ignored"
 *   instead of "failed" for these weekdays); or ignore_zero_days and an ended period without activity;
 * - a goal to code more: success once actual ≥ goal (even before the period ends), fail when it
 *   ended short, pending while it runs short;
 * - an inverse goal (a limit): fail once actual > goal (even before the end), success when it
 *   ended within the limit, pending while it runs within it.
 */
export function periodStatus(rules: Pick<GoalRules, 'delta' | 'isInverse' | 'ignoreDays' | 'ignoreZeroDays'>, period: GoalPeriod, actual: number, goal: number, isOver: boolean): RangeStatus {
  const status = baseStatus(rules, actual, goal, isOver);
  // an ignored weekday (day goals) is "ignored" instead of failed (or still open); a success stays one
  if (status !== 'success' && rules.delta === 'day' && rules.ignoreDays.includes(weekdayOf(period.first))) return 'ignored';
  return status;
}

function baseStatus(rules: Pick<GoalRules, 'isInverse' | 'ignoreZeroDays'>, actual: number, goal: number, isOver: boolean): RangeStatus {
  if (rules.isInverse) {
    if (actual > goal) return 'fail';
    if (!isOver) return 'pending';
    if (rules.ignoreZeroDays && actual <= 0) return 'ignored';
    return 'success';
  }
  if (actual >= goal && actual > 0) return 'success';
  if (!isOver) return 'pending';
  if (rules.ignoreZeroDays && actual <= 0) return 'ignored';
  return 'fail';
}

function periodWord(delta: GoalDelta): string {
  return delta === 'day' ? 'daily' : 'weekly';
}

/** range_status_reason and its short form. */
export function statusReason(rules: Pick<GoalRules, 'delta' | 'isInverse' | 'ignoreDays'>, period: GoalPeriod, status: RangeStatus, actual: number, goal: number): { reason: string; short: string } {
  const word = periodWord(rules.delta);
  const diff = Math.abs(actual - goal);
  const a = humanText(actual);
  if (status === 'ignored') {
    if (rules.delta === 'day' && rules.ignoreDays.includes(weekdayOf(period.first))) {
      const day = weekdayOf(period.first);
      return { reason: `${day[0]!.toUpperCase()}${day.slice(1)} is an ignored day for this goal`, short: 'ignored day' };
    }
    return { reason: `no coding activity, ignored because this goal ignores days without activity`, short: 'no activity (ignored)' };
  }
  if (status === 'pending') {
    return rules.isInverse
      ? { reason: `coded ${a} so far, ${humanText(diff)} left before reaching your ${word} limit`, short: `${shortText(actual)} (${shortText(diff)} left)` }
      : { reason: `coded ${a} so far, ${humanText(diff)} more to reach your ${word} goal`, short: `${shortText(actual)} (${shortText(diff)} to go)` };
  }
  const more = actual >= goal;
  const relation = diff === 0 && Math.floor(actual) === Math.floor(goal) ? `which is exactly your ${word} ${rules.isInverse ? 'limit' : 'goal'}` : `which is ${humanText(diff)} ${more ? 'more' : 'less'} than your ${word} ${rules.isInverse ? 'limit' : 'goal'}`;
  const shortRel = diff < 60 ? 'same as goal' : `${shortText(diff)} ${more ? 'more' : 'less'} than goal`;
  return { reason: `coded ${a} ${relation}`, short: `${shortText(actual)} (${shortRel})` };
}

/** range.text: "Today", "Yesterday", "Mon Jan 23" for days; "This Week", "Last Week", "Jan 16 – Jan 22" for weeks. */
export function periodText(period: GoalPeriod, delta: GoalDelta, today: string, zone: string): string {
  const current = periodOf(today, delta, zone);
  const previous = periodOf(DateTime.fromISO(current.first, { zone }).minus({ days: 1 }).toISODate()!, delta, zone);
  const fmt = (date: string, f: string) => DateTime.fromISO(date, { zone: 'UTC' }).toFormat(f);
  if (delta === 'day') {
    if (period.first === current.first) return 'Today';
    if (period.first === previous.first) return 'Yesterday';
    return fmt(period.first, 'ccc LLL d');
  }
  if (period.first === current.first) return 'This Week';
  if (period.first === previous.first) return 'Last Week';
  return `${fmt(period.first, 'LLL d')} – ${fmt(period.last, 'LLL d')}`;
}

/**
 * The goal's progress over its periods. `secondsOn(date)`: the goal's filtered seconds on a local
 * date (from the stats layer); `now`: epoch seconds; `percent`: how complete the underlying data is.
 */
export function goalProgress(rules: GoalRules, zone: string, now: number, secondsOn: (date: string) => number, percent = 100): GoalProgress {
  const today = localToday(zone, now);
  const periods = goalPeriods(rules.delta, zone, today);
  const chart = periods.map((period): ChartPoint => {
    let actual = 0;
    for (let d = DateTime.fromISO(period.first, { zone: 'UTC' }), i = 0; i < 7 && d.toISODate()! <= period.last; i++, d = d.plus({ days: 1 })) actual += secondsOn(d.toISODate()!);
    const goal = goalSecondsFor(rules, period, zone);
    const status = periodStatus(rules, period, actual, goal, now >= period.end);
    const { reason, short } = statusReason(rules, period, status, actual, goal);
    return {
      actual_seconds: Math.round(actual * 1e6) / 1e6,
      actual_seconds_text: humanText(actual),
      goal_seconds: goal,
      goal_seconds_text: humanText(goal),
      range: {
        ...(rules.delta === 'day' ? { date: period.first } : {}),
        start: iso(period.start),
        end: iso(period.end - 1),
        text: periodText(period, rules.delta, today, zone),
        timezone: zone,
      },
      range_status: status,
      range_status_reason: reason,
      range_status_reason_short: short,
    };
  });
  return { chart_data: chart, ...summarizeStatuses(rules, chart), range_text: `from ${periods[0]!.first} until ${periods[periods.length - 1]!.last}`, status_percent_calculated: Math.max(0, Math.min(100, Math.round(percent))) };
}

/**
 * status: the most recent period's; average_status: "fail" when more periods failed than
 * succeeded, else "success"; cumulative_status: the decided (success/fail) periods together —
 * their actual seconds against their goal seconds (a limit for inverse goals) — or "ignored"
 * when none is decided yet.
 */
export function summarizeStatuses(rules: Pick<GoalRules, 'isInverse'>, chart: readonly Pick<ChartPoint, 'range_status' | 'actual_seconds' | 'goal_seconds'>[]): Pick<GoalProgress, 'status' | 'average_status' | 'cumulative_status'> {
  let success = 0;
  let fail = 0;
  let actual = 0;
  let goal = 0;
  for (const p of chart) {
    if (p.range_status === 'success') success++;
    else if (p.range_status === 'fail') fail++;
    else continue;
    actual += p.actual_seconds;
    goal += p.goal_seconds;
  }
  const decided = success + fail > 0;
  const cumulative = !decided ? 'ignored' : rules.isInverse ? (actual <= goal ? 'success' : 'fail') : actual >= goal ? 'success' : 'fail';
  return { status: chart[chart.length - 1]?.range_status ?? 'pending', average_status: fail > success ? 'fail' : 'success', cumulative_status: cumulative };
}

function listWords(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/**
 * WakaTime-like titles: "Code 2 hrs per day in Python", "Code 1 hr per day using VS Code",
 * "Code less than 10 hrs per week on metronome", "Code 30 mins per day in Go or Rust on api".
 */
export function goalTitle(rules: Pick<GoalRules, 'seconds' | 'delta' | 'isInverse' | 'languages' | 'projects' | 'editors' | 'categories'>): string {
  const parts = [`Code ${rules.isInverse ? 'less than ' : ''}${humanText(rules.seconds)} per ${rules.delta}`];
  if (rules.categories.length) parts.push(`doing ${listWords(rules.categories)}`);
  if (rules.languages.length) parts.push(`in ${listWords(rules.languages)}`);
  if (rules.projects.length) parts.push(`on ${listWords(rules.projects)}`);
  if (rules.editors.length) parts.push(`using ${listWords(rules.editors)}`);
  return parts.join(' ');
}

/** The local dates the goal's chart covers (what to ask the stats layer for). */
export function chartDates(delta: GoalDelta, zone: string, now: number): { first: string; last: string } {
  const periods = goalPeriods(delta, zone, localToday(zone, now));
  return { first: periods[0]!.first, last: periods[periods.length - 1]!.last };
}
