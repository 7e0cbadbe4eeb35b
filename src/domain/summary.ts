/**
 * The numbers of summaries, stats, insights and the status bar, from day totals: items with
 * WakaTime's time fields, best day, daily averages and holidays, and the envelope every ranged
 * answer carries. Computed once here; src/wire/ maps them to the wire resources. Pure.
 */
import { DateTime } from 'luxon';
import { canSee, type Visibility } from './access.js';
import { OTHER_LANGUAGE, type DayTotals } from './duration.js';
import { humanText, decimal, digital, percent, round2, timeFields } from './format.js';
import { rangeBounds, type StatsRange } from './ranges.js';
import { isoUtc } from './calendar.js';

export { EVERYTHING, type Visibility } from './access.js';

export interface Item {
  name: string;
  total_seconds: number;
  percent: number;
  digital: string;
  decimal: string;
  text: string;
  hours: number;
  minutes: number;
  seconds: number;
  machine_name_id?: string | null;
}

/** localeCompare's order (the default locale), without building the comparison anew per call. */
const byName = new Intl.Collator().compare;

/** A dimension's names, most time first, with WakaTime's time fields and percent of `whole`. */
export function items(map: Map<string, number> | undefined, whole: number, machineIds?: Map<string, string>): Item[] {
  if (!map) return [];
  return [...map]
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1] || byName(a[0], b[0]))
    .map(([name, seconds]) => {
      const t = timeFields(seconds);
      const item: Item = { name, total_seconds: t.total_seconds, percent: percent(seconds, whole), digital: t.digital, decimal: t.decimal, text: t.text, hours: t.hours, minutes: t.minutes, seconds: t.seconds };
      if (machineIds) item.machine_name_id = machineIds.get(name) ?? null;
      return item;
    });
}

export function grandTotal(total: number) {
  const t = timeFields(total);
  return { total_seconds: t.total_seconds, digital: t.digital, decimal: t.decimal, text: t.text, hours: t.hours, minutes: t.minutes };
}

export function cumulativeTotal(total: number) {
  return { seconds: round2(total), text: humanText(total), decimal: decimal(total), digital: digital(total) };
}

/** The range of one local day, as summaries show it. */
export function dayRange(date: string, zone: string, dayText: string) {
  const { start, end } = rangeBounds(date, date, zone);
  return { date, start: isoUtc(start), end: isoUtc(end - 1), text: dayText, timezone: zone };
}

/** Seconds of "Other" (unknown language): excluded from the headline totals and averages. */
export function otherLanguageSeconds(sum: DayTotals): number {
  return sum.dims.languages.get(OTHER_LANGUAGE) ?? 0;
}

/**
 * Averages over days with activity ("holidays" are the days without); Other language excluded from
 * `seconds`, included in the *_including_* fields.
 */
export function dailyAverage(dayTotals: readonly number[], otherSeconds: number) {
  const daysIncludingHolidays = dayTotals.length;
  const active = dayTotals.filter((s) => s > 0).length;
  const total = dayTotals.reduce((a, b) => a + b, 0);
  const withOther = active > 0 ? total / active : 0;
  const withoutOther = active > 0 ? (total - otherSeconds) / active : 0;
  return {
    holidays: daysIncludingHolidays - active,
    days_including_holidays: daysIncludingHolidays,
    days_minus_holidays: active,
    seconds: round2(withoutOther),
    text: humanText(withoutOther),
    seconds_including_other_language: round2(withOther),
    text_including_other_language: humanText(withOther),
  };
}

/** The day with the most time (the earliest on a tie); null when no day has any. */
export function bestDay(dates: readonly string[], totalOf: (date: string) => number): { date: string; seconds: number } | null {
  let best: { date: string; seconds: number } | null = null;
  for (const d of dates) {
    const secs = totalOf(d);
    if (secs > 0 && (!best || secs > best.seconds)) best = { date: d, seconds: secs };
  }
  return best;
}

export function bestDayResource(best: { date: string; seconds: number } | null) {
  return best ? { date: best.date, text: humanText(best.seconds), total_seconds: round2(best.seconds) } : null;
}

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** 0 (Monday) … 6 (Sunday) of a local date. */
export function weekdayOf(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  // Date: 0 = Sunday; here 0 = Monday (Luxon's weekday − 1, which invalid dates kept as NaN)
  const exact = Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === date;
  return exact ? (new Date(ms).getUTCDay() + 6) % 7 : DateTime.fromISO(date, { zone: 'UTC' }).weekday - 1;
}

/** Per weekday (Monday first): the seconds, the number of such days in the range, their average. */
export function weekdayTotals(dates: readonly string[], totalOf: (date: string) => number) {
  const byDay = WEEKDAYS.map(() => ({ seconds: 0, days: 0 }));
  for (const d of dates) {
    const w = byDay[weekdayOf(d)]!;
    w.seconds += totalOf(d);
    w.days += 1;
  }
  return byDay.map((b, i) => ({
    name: WEEKDAYS[i]!.charAt(0).toUpperCase() + WEEKDAYS[i]!.slice(1),
    total_seconds: round2(b.seconds),
    text: humanText(b.seconds),
    days: b.days,
    average: round2(b.days ? b.seconds / b.days : 0),
    human_readable_average: humanText(b.days ? b.seconds / b.days : 0),
  }));
}

/** The headline numbers of a range: totals with and without Other, averages, holidays, best day. */
export interface RangeNumbers {
  total: number;
  other: number;
  average: ReturnType<typeof dailyAverage>;
  best: { date: string; seconds: number } | null;
}

export function rangeNumbers(dates: readonly string[], totalOf: (date: string) => number, sum: DayTotals): RangeNumbers {
  const other = otherLanguageSeconds(sum);
  return { total: sum.total, other, average: dailyAverage(dates.map(totalOf), other), best: bestDay(dates, totalOf) };
}

/** The time fields of GET stats, null where the viewer may not see time (or the best day). */
export function statsTotals(n: RangeNumbers, v: Visibility) {
  const time = canSee(v, 'time');
  return {
    total_seconds: time ? round2(n.total - n.other) : null,
    total_seconds_including_other_language: time ? round2(n.total) : null,
    human_readable_total: time ? humanText(n.total - n.other) : null,
    human_readable_total_including_other_language: time ? humanText(n.total) : null,
    daily_average: time ? n.average.seconds : null,
    daily_average_including_other_language: time ? n.average.seconds_including_other_language : null,
    human_readable_daily_average: time ? n.average.text : null,
    human_readable_daily_average_including_other_language: time ? n.average.text_including_other_language : null,
    best_day: canSee(v, 'best_day') ? bestDayResource(n.best) : null,
    holidays: n.average.holidays,
    days_including_holidays: n.average.days_including_holidays,
    days_minus_holidays: n.average.days_minus_holidays,
  };
}

/** The daily_average insight. */
export function dailyAverageInsight(n: RangeNumbers) {
  const a = n.average;
  return {
    daily_average: a.seconds,
    human_readable_daily_average: a.text,
    daily_average_including_other_language: a.seconds_including_other_language,
    human_readable_daily_average_including_other_language: a.text_including_other_language,
    days_including_holidays: a.days_including_holidays,
    days_minus_holidays: a.days_minus_holidays,
    holidays: a.holidays,
  };
}

/** What a ranged answer (stats, insights) says about its range, its settings and its freshness. */
export interface EnvelopeInput {
  range: StatsRange;
  zone: string;
  timeoutSeconds: number;
  writesOnly: boolean;
  upToDate: boolean;
  percent: number;
  userId: string;
  now: number;
}

/** The envelope fields stats and insights share. */
export function rangeEnvelope(e: EnvelopeInput) {
  const bounds = rangeBounds(e.range.first, e.range.last, e.zone);
  const stamp = new Date(e.now * 1000).toISOString();
  return {
    range: e.range.range,
    human_readable_range: e.range.human,
    status: e.upToDate ? 'ok' : 'pending_update',
    is_including_today: e.range.isIncludingToday,
    is_up_to_date: e.upToDate,
    percent_calculated: e.percent,
    start: isoUtc(bounds.start),
    end: isoUtc(bounds.end - 1),
    timezone: e.zone,
    timeout: e.timeoutSeconds / 60,
    writes_only: e.writesOnly,
    user_id: e.userId,
    created_at: stamp,
    modified_at: stamp,
  };
}
