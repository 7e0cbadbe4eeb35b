/**
 * Wire resource of GET insights/:insight_type/:range: one schema (every insight type's value is an
 * optional property named after the type) and one mapping function.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { DayTotals, Dimension } from '../domain/duration.js';
import { humanText, round2 } from '../domain/format.js';
import { bestDayResource, dailyAverageInsight, items, rangeEnvelope, weekdayOf, weekdayTotals, type EnvelopeInput, type RangeNumbers } from '../domain/summary.js';
import { Nullable } from './common.js';
import { RangeEnvelope } from './stats.js';
import { SummaryItem } from './summary.js';

export const INSIGHT_TYPES = ['weekday', 'days', 'best_day', 'daily_average', 'projects', 'languages', 'editors', 'categories', 'machines', 'operating_systems'] as const;
export type InsightType = (typeof INSIGHT_TYPES)[number];

const Items = Type.Optional(Type.Array(SummaryItem));

export const Insight = Type.Object(
  {
    data: Type.Object({
      weekday: Type.Optional(
        Type.Array(Type.Object({ name: Type.String(), total_seconds: Type.Number(), text: Type.String(), days: Type.Integer(), average: Type.Number(), human_readable_average: Type.String() })),
      ),
      days: Type.Optional(Type.Array(Type.Object({ date: Type.String(), total: Type.Number(), text: Type.String() }))),
      best_day: Type.Optional(Nullable(Type.Object({ date: Type.String(), total_seconds: Type.Number(), text: Type.String() }))),
      daily_average: Type.Optional(
        Type.Object({
          daily_average: Type.Number(),
          human_readable_daily_average: Type.String(),
          daily_average_including_other_language: Type.Number(),
          human_readable_daily_average_including_other_language: Type.String(),
          days_including_holidays: Type.Integer(),
          days_minus_holidays: Type.Integer(),
          holidays: Type.Integer(),
        }),
      ),
      projects: Items,
      languages: Items,
      editors: Items,
      categories: Items,
      machines: Items,
      operating_systems: Items,
      ...RangeEnvelope,
    }),
  },
  { description: 'One insight over a range: the property named after the insight type holds it' },
);
export type Insight = Static<typeof Insight>;

export interface InsightInput {
  type: InsightType;
  dates: readonly string[];
  dayTotals: Map<string, number>;
  sum: DayTotals;
  numbers: RangeNumbers;
  /** days insight: only this weekday (0 = Monday), or all. */
  weekday: number | null;
  machineIds?: Map<string, string>;
  envelope: EnvelopeInput;
}

function insightValue(i: InsightInput) {
  const totalOf = (d: string) => i.dayTotals.get(d) ?? 0;
  switch (i.type) {
    case 'weekday':
      return weekdayTotals(i.dates, totalOf);
    case 'days':
      return i.dates.filter((d) => i.weekday === null || weekdayOf(d) === i.weekday).map((d) => ({ date: d, total: round2(totalOf(d)), text: humanText(totalOf(d)) }));
    case 'best_day': {
      const best = bestDayResource(i.numbers.best);
      return best && { date: best.date, total_seconds: best.total_seconds, text: best.text };
    }
    case 'daily_average':
      return dailyAverageInsight(i.numbers);
    default:
      return items(i.sum.dims[i.type as Dimension], i.sum.total, i.type === 'machines' ? i.machineIds : undefined);
  }
}

export function insightResource(i: InsightInput): Insight {
  return { data: { [i.type]: insightValue(i), ...rangeEnvelope(i.envelope) } as Insight['data'] };
}
