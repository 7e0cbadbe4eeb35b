/**
 * Wire resource of GET activity (the dashboard's coding-activity calendar, streaks and best day):
 * the TypeBox schema and its one mapping function.
 */
import { Type, type Static } from '@sinclair/typebox';
import { activityLevel, bestDay, currentStreak, longestStreak } from '../domain/activity.js';
import { humanText } from '../domain/format.js';
import { Nullable } from './common.js';

const Streak = Type.Object({
  days: Type.Integer({ description: 'consecutive days with coding time' }),
  start: Nullable(Type.String({ description: 'first day, YYYY-MM-DD' })),
  end: Nullable(Type.String({ description: 'last day, YYYY-MM-DD' })),
});

export const Activity = Type.Object(
  {
    data: Type.Object({
      days: Type.Array(
        Type.Object({
          date: Type.String({ description: 'local date, YYYY-MM-DD' }),
          total_seconds: Type.Number(),
          text: Type.String(),
          level: Type.Integer({ minimum: 0, maximum: 4, description: "shade: 0 nothing, 1–4 quarters of the range's busiest day" }),
        }),
        { description: 'every day of the range, oldest first' },
      ),
      total_seconds: Type.Number(),
      human_readable_total: Type.String(),
      days_active: Type.Integer(),
      current_streak: Type.Object(Streak.properties, {
        description: 'active days in a row up to today (or up to yesterday while today has no time yet); at most the range',
      }),
      longest_streak: Type.Object(Streak.properties, { description: 'the longest run of active days within the range' }),
      best_day: Nullable(Type.Object({ date: Type.String(), total_seconds: Type.Number(), text: Type.String() })),
      start: Type.String({ description: 'first day, YYYY-MM-DD' }),
      end: Type.String({ description: 'last day, YYYY-MM-DD' }),
      timezone: Type.String(),
      is_up_to_date: Type.Boolean(),
      percent_calculated: Type.Number(),
    }),
  },
  { description: "A user's coding time per day over a range (default: the last 365 days), with streaks and the best day" },
);
export type Activity = Static<typeof Activity>;

export function activityResource(i: { dates: readonly string[]; dayTotals: Map<string, number>; zone: string; upToDate: boolean; percent: number }): Activity {
  const seconds = (d: string) => i.dayTotals.get(d);
  let max = 0;
  let total = 0;
  let active = 0;
  for (const d of i.dates) {
    const s = seconds(d) ?? 0;
    if (s > 0) {
      active++;
      total += s;
      if (s > max) max = s;
    }
  }
  const best = bestDay(i.dates, seconds);
  return {
    data: {
      days: i.dates.map((date) => {
        const s = seconds(date) ?? 0;
        return { date, total_seconds: s, text: humanText(s), level: activityLevel(s, max) };
      }),
      total_seconds: total,
      human_readable_total: humanText(total),
      days_active: active,
      current_streak: currentStreak(i.dates, seconds),
      longest_streak: longestStreak(i.dates, seconds),
      best_day: best ? { ...best, text: humanText(best.total_seconds) } : null,
      start: i.dates[0] ?? '',
      end: i.dates[i.dates.length - 1] ?? '',
      timezone: i.zone,
      is_up_to_date: i.upToDate,
      percent_calculated: i.percent,
    },
  };
}
