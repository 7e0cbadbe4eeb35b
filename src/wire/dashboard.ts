/**
 * Wire resource of GET dashboard: what the dashboard draws for a range, in one answer lighter than
 * summaries (which carry every dimension's list for every day): the total and daily average (as
 * summaries compute them), the best day, each day's total and projects (the stacked chart), and
 * the range's breakdowns.
 */
import { Type, type Static } from '@sinclair/typebox';
import { shown, type Visibility } from '../domain/access.js';
import type { DayTotals, Dimension } from '../domain/duration.js';
import { humanText } from '../domain/format.js';
import { bestDay, bestDayResource, cumulativeTotal, dailyAverage, items, otherLanguageSeconds } from '../domain/summary.js';
import { Nullable } from './common.js';
import { CumulativeTotal, DailyAverage, ItemList } from './summary.js';

const NameSeconds = Type.Object({ name: Type.String(), total_seconds: Type.Number() });

export const UserDashboardBreakdowns = ['projects', 'languages', 'editors', 'operating_systems', 'categories', 'machines'] as const;

export const UserDashboard = Type.Object(
  {
    data: Type.Object({
      start: Type.String({ description: 'first day, YYYY-MM-DD' }),
      end: Type.String({ description: 'last day, YYYY-MM-DD' }),
      range: Nullable(Type.String({ description: 'the named range asked for, or null for start/end' })),
      timezone: Type.String(),
      cumulative_total: CumulativeTotal({ description: "as summaries' cumulative_total" }),
      daily_average: DailyAverage({ description: "as summaries' daily_average" }),
      best_day: Nullable(Type.Object({ date: Type.String(), text: Type.String(), total_seconds: Type.Number() })),
      days: Type.Array(
        Type.Object({ date: Type.String(), total_seconds: Type.Number(), text: Type.String(), projects: Nullable(Type.Array(NameSeconds)) }),
        { description: 'every day of the range, oldest first, with its projects (most time first)' },
      ),
      projects: ItemList,
      languages: ItemList,
      editors: ItemList,
      operating_systems: ItemList,
      categories: ItemList,
      machines: ItemList,
      is_up_to_date: Type.Boolean(),
      percent_calculated: Type.Number(),
    }),
  },
  { description: 'What the web dashboard draws for a range (a Metronome extension)' },
);
export type UserDashboard = Static<typeof UserDashboard>;

export function userDashboardResource(i: {
  dates: readonly string[];
  rangeName: string | null;
  zone: string;
  /** per day: total and projects */
  days: Map<string, DayTotals>;
  dayTotals: Map<string, number>;
  /** the range summed, with the breakdowns' dimensions */
  sum: DayTotals;
  machineIds: Map<string, string>;
  visibility: Visibility;
  upToDate: boolean;
  percent: number;
}): UserDashboard {
  const total = (d: string) => i.dayTotals.get(d) ?? 0;
  const list = (dim: Dimension) => shown(i.visibility, dim, () => items(i.sum.dims[dim], i.sum.total, dim === 'machines' ? i.machineIds : undefined));
  const showProjects = shown(i.visibility, 'projects', () => true) === true;
  return {
    data: {
      start: i.dates[0] ?? '',
      end: i.dates[i.dates.length - 1] ?? '',
      range: i.rangeName,
      timezone: i.zone,
      cumulative_total: cumulativeTotal(i.sum.total),
      daily_average: dailyAverage(i.dates.map(total), otherLanguageSeconds(i.sum)),
      best_day: bestDayResource(bestDay(i.dates, total)),
      days: i.dates.map((date) => {
        const s = total(date);
        const projects = i.days.get(date)?.dims.projects;
        return {
          date,
          total_seconds: s,
          text: humanText(s),
          projects: showProjects ? [...(projects ?? new Map<string, number>())].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name, v]) => ({ name, total_seconds: v })) : null,
        };
      }),
      projects: list('projects'),
      languages: list('languages'),
      editors: list('editors'),
      operating_systems: list('operating_systems'),
      categories: list('categories'),
      machines: list('machines'),
      is_up_to_date: i.upToDate,
      percent_calculated: i.percent,
    },
  };
}
