/**
 * Wire resources of GET summaries and the status bar: a summary item, a summary day, the
 * summaries answer and the status bar answer, each a TypeBox schema (the routes' response schemas,
 * documented at /api/docs) with one mapping function from day totals.
 */
import { Type, type ObjectOptions, type Static } from '@sinclair/typebox';
import { shown, type Visibility } from '../domain/access.js';
import { emptyDay, type DayTotals, type Dimension } from '../domain/duration.js';
import { cumulativeTotal, dailyAverage, dayRange, grandTotal, items } from '../domain/summary.js';
import { Nullable } from './common.js';

export const SummaryItem = Type.Object(
  {
    name: Type.String(),
    total_seconds: Type.Number(),
    percent: Type.Number(),
    digital: Type.String(),
    decimal: Type.String(),
    text: Type.String(),
    hours: Type.Integer(),
    minutes: Type.Integer(),
    seconds: Type.Integer(),
    machine_name_id: Type.Optional(Nullable(Type.String({ description: 'machines only: the public id of the machine' }))),
  },
  { description: 'Time of one name in a dimension' },
);
export type SummaryItem = Static<typeof SummaryItem>;

/** A list of items, or null when the viewer may not see that dimension. */
export const ItemList = Nullable(Type.Array(SummaryItem));

/** The seven dimensions every summary day and stats answer carries (null when not shown). */
export const DimensionLists = {
  categories: ItemList,
  projects: ItemList,
  languages: ItemList,
  editors: ItemList,
  operating_systems: ItemList,
  dependencies: ItemList,
  machines: ItemList,
};

export const SummaryDay = Type.Object(
  {
    grand_total: Type.Object({ total_seconds: Type.Number(), digital: Type.String(), decimal: Type.String(), text: Type.String(), hours: Type.Integer(), minutes: Type.Integer() }),
    ...DimensionLists,
    branches: Type.Optional(ItemList),
    entities: Type.Optional(ItemList),
    range: Type.Object({ date: Type.String(), start: Type.String(), end: Type.String(), text: Type.String(), timezone: Type.String() }),
  },
  { description: 'One local day; branches and entities only with a project filter' },
);
export type SummaryDay = Static<typeof SummaryDay>;

export interface SummaryDayInput {
  date: string;
  day: DayTotals | undefined;
  zone: string;
  /** "Today", "Yesterday" or "Sat May 4th 2024" (domain/ranges.ts dayText). */
  dayText: string;
  machineIds: Map<string, string>;
  /** With a project filter: also branches and entities. */
  withProjectDetail: boolean;
  visibility: Visibility;
}

/**
 * The seven dimension item lists of a day or range (DimensionLists): each null where the viewer may
 * not see it; machines named by their public ids.
 */
export function dimensionLists(totals: DayTotals, v: Visibility, machineIds?: Map<string, string>): { [K in keyof typeof DimensionLists]: Static<(typeof DimensionLists)[K]> } {
  const list = (dim: Dimension, ids?: Map<string, string>) => shown(v, dim, () => items(totals.dims[dim], totals.total, ids));
  return {
    categories: list('categories'),
    projects: list('projects'),
    languages: list('languages'),
    editors: list('editors'),
    operating_systems: list('operating_systems'),
    dependencies: list('dependencies'),
    machines: list('machines', machineIds),
  };
}

export function summaryDayResource(i: SummaryDayInput): SummaryDay {
  const d = i.day ?? emptyDay();
  const v = i.visibility;
  const list = (dim: Dimension) => shown(v, dim, () => items(d.dims[dim], d.total));
  const out: SummaryDay = {
    grand_total: grandTotal(d.total),
    ...dimensionLists(d, v, i.machineIds),
    range: dayRange(i.date, i.zone, i.dayText),
  };
  if (i.withProjectDetail) {
    out.branches = list('branches');
    out.entities = list('entities');
  }
  return out;
}

/** A range's total (domain/summary.ts cumulativeTotal), in summaries and the dashboard. */
export const CumulativeTotal = (options?: ObjectOptions) =>
  Type.Object({ seconds: Type.Number(), text: Type.String(), decimal: Type.String(), digital: Type.String() }, options);

/** A range's daily average (domain/summary.ts dailyAverage), in summaries and the dashboard. */
export const DailyAverage = (options?: ObjectOptions) =>
  Type.Object(
    {
      holidays: Type.Integer(),
      days_including_holidays: Type.Integer(),
      days_minus_holidays: Type.Integer(),
      seconds: Type.Number(),
      text: Type.String(),
      seconds_including_other_language: Type.Number(),
      text_including_other_language: Type.String(),
    },
    options,
  );

export const Summaries = Type.Object(
  {
    data: Type.Array(SummaryDay),
    cumulative_total: CumulativeTotal(),
    daily_average: DailyAverage(),
    start: Type.String(),
    end: Type.String(),
    timezone: Type.String(),
    is_up_to_date: Type.Boolean(),
    percent_calculated: Type.Number(),
  },
  { description: 'Per-day summaries of a range' },
);
export type Summaries = Static<typeof Summaries>;

/**
 * Everything of the Summaries resource but `data` (the days, each serialized on its own and kept:
 * services/summaries.ts): the range's total and daily average from each date's total and the
 * seconds of the "Other" language.
 */
export function summariesEnvelope(i: {
  /** Each date's total, in date order. */
  dayTotals: readonly number[];
  otherSeconds: number;
  start: string;
  end: string;
  zone: string;
  upToDate: boolean;
  percent: number;
}): Omit<Summaries, 'data'> {
  let total = 0;
  for (const t of i.dayTotals) total += t;
  return {
    cumulative_total: cumulativeTotal(total),
    daily_average: dailyAverage(i.dayTotals, i.otherSeconds),
    start: i.start,
    end: i.end,
    timezone: i.zone,
    is_up_to_date: i.upToDate,
    percent_calculated: i.percent,
  };
}

export const StatusBar = Type.Object(
  {
    cached_at: Type.String(),
    has_team_features: Type.Boolean(),
    data: SummaryDay,
  },
  { description: "Today's summary for editor status bars" },
);
export type StatusBar = Static<typeof StatusBar>;

export function statusBarResource(day: SummaryDay, now: number): StatusBar {
  return {
    cached_at: new Date(now * 1000).toISOString(),
    // Metronome has no paid tier: team features are available to everyone.
    has_team_features: true,
    data: day,
  };
}
