/** Shapes of summaries, stats and the status bar, from day totals. Pure. */
import { emptyDay, OTHER_LANGUAGE, type DayTotals, type Dimension } from './duration.js';
import { humanText, decimal, digital, percent, round2, timeFields } from './format.js';
import { dayText, rangeBounds } from './ranges.js';
import { isoUtc } from './calendar.js';

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

/** A dimension's names, most time first, with WakaTime's time fields and percent of `whole`. */
export function items(map: Map<string, number> | undefined, whole: number, machineIds?: Map<string, string>): Item[] {
  if (!map) return [];
  return [...map]
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, seconds]) => {
      const item: Item = { name, ...timeFields(seconds), percent: percent(seconds, whole) };
      if (machineIds) item.machine_name_id = machineIds.get(name) ?? null;
      return item;
    });
}

export function grandTotal(total: number) {
  const t = timeFields(total);
  return { total_seconds: t.total_seconds, digital: t.digital, decimal: t.decimal, text: t.text, hours: t.hours, minutes: t.minutes };
}

export interface DayShapeOptions {
  zone: string;
  now: number;
  machineIds: Map<string, string>;
  /** With `project`: also branches and entities. */
  withProjectDetail: boolean;
}

/** One day of GET summaries (and the status bar). */
export function summaryDay(date: string, day: DayTotals | undefined, o: DayShapeOptions) {
  const d = day ?? emptyDay();
  const { start, end } = rangeBounds(date, date, o.zone);
  const out: Record<string, unknown> = {
    grand_total: grandTotal(d.total),
    categories: items(d.dims.categories, d.total),
    projects: items(d.dims.projects, d.total),
    languages: items(d.dims.languages, d.total),
    editors: items(d.dims.editors, d.total),
    operating_systems: items(d.dims.operating_systems, d.total),
    dependencies: items(d.dims.dependencies, d.total),
    machines: items(d.dims.machines, d.total, o.machineIds),
  };
  if (o.withProjectDetail) {
    out.branches = items(d.dims.branches, d.total);
    out.entities = items(d.dims.entities, d.total);
  }
  out.range = { date, start: isoUtc(start), end: isoUtc(end - 1), text: dayText(date, o.zone, o.now), timezone: o.zone };
  return out;
}

export function cumulativeTotal(total: number) {
  return { seconds: round2(total), text: humanText(total), decimal: decimal(total), digital: digital(total) };
}

/** Averages over days with activity; Other language excluded from `seconds`, included in the *_including_* fields. */
export function dailyAverage(dayTotals: number[], otherSeconds: number) {
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

/** Which parts of stats a viewer may see. */
export interface Visibility {
  time: boolean;
  projects: boolean;
  languages: boolean;
  editors: boolean;
  operating_systems: boolean;
  categories: boolean;
  dependencies: boolean;
  machines: boolean;
  best_day: boolean;
}

export const EVERYTHING: Visibility = { time: true, projects: true, languages: true, editors: true, operating_systems: true, categories: true, dependencies: true, machines: true, best_day: true };

export interface StatsInput {
  sum: DayTotals;
  /** Total per local date of the range (absent dates had no activity). */
  dayTotals: Map<string, number>;
  dates: string[];
  zone: string;
  machineIds: Map<string, string>;
  visibility: Visibility;
}

/** The numbers of GET stats (without the envelope fields about the range and the cache). */
export function statsNumbers(s: StatsInput) {
  const total = s.sum.total;
  const other = s.sum.dims.languages.get(OTHER_LANGUAGE) ?? 0;
  const perDay = s.dates.map((d) => s.dayTotals.get(d) ?? 0);
  const avg = dailyAverage(perDay, other);
  let best: { date: string; seconds: number } | null = null;
  for (const d of s.dates) {
    const secs = s.dayTotals.get(d) ?? 0;
    if (secs > 0 && (!best || secs > best.seconds)) best = { date: d, seconds: secs };
  }
  const v = s.visibility;
  const dim = (name: Dimension, visible: boolean, machineIds?: Map<string, string>) => (visible ? items(s.sum.dims[name], total, machineIds) : null);
  return {
    total_seconds: v.time ? round2(total - other) : null,
    total_seconds_including_other_language: v.time ? round2(total) : null,
    human_readable_total: v.time ? humanText(total - other) : null,
    human_readable_total_including_other_language: v.time ? humanText(total) : null,
    daily_average: v.time ? avg.seconds : null,
    daily_average_including_other_language: v.time ? avg.seconds_including_other_language : null,
    human_readable_daily_average: v.time ? avg.text : null,
    human_readable_daily_average_including_other_language: v.time ? avg.text_including_other_language : null,
    categories: dim('categories', v.categories),
    projects: dim('projects', v.projects),
    languages: dim('languages', v.languages),
    editors: dim('editors', v.editors),
    operating_systems: dim('operating_systems', v.operating_systems),
    dependencies: dim('dependencies', v.dependencies),
    machines: dim('machines', v.machines, s.machineIds),
    best_day: v.best_day && best ? { date: best.date, text: humanText(best.seconds), total_seconds: round2(best.seconds) } : null,
    holidays: avg.holidays,
    days_including_holidays: avg.days_including_holidays,
    days_minus_holidays: avg.days_minus_holidays,
  };
}
