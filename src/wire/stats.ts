/**
 * Wire resources of GET stats (/stats, /stats/:range) and GET all_time_since_today: TypeBox
 * schemas (the routes' response schemas) with one mapping function each.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Visibility } from '../domain/access.js';
import type { DayTotals } from '../domain/duration.js';
import { decimal, digital, humanText, round2 } from '../domain/format.js';
import { rangeEnvelope, statsTotals, type EnvelopeInput, type RangeNumbers } from '../domain/summary.js';
import { Nullable } from './common.js';
import { DimensionLists, dimensionLists } from './summary.js';

const NullableNumber = Nullable(Type.Number());
const NullableString = Nullable(Type.String());

/** The fields stats and insights share about the range, the settings and freshness. */
export const RangeEnvelope = {
  range: Type.String({ description: 'last_7_days, last_30_days, last_6_months, last_year, all_time, YYYY or YYYY-MM' }),
  human_readable_range: Type.String(),
  status: Type.String({ description: 'ok, or pending_update while rollups are being built' }),
  is_including_today: Type.Boolean(),
  is_up_to_date: Type.Boolean(),
  percent_calculated: Type.Number(),
  start: Type.String(),
  end: Type.String(),
  timezone: Type.String(),
  timeout: Type.Number({ description: 'keystroke timeout in minutes' }),
  writes_only: Type.Boolean(),
  user_id: Type.String(),
  created_at: Type.String(),
  modified_at: Type.String(),
};

export const Stats = Type.Object(
  {
    data: Type.Object({
      total_seconds: NullableNumber,
      total_seconds_including_other_language: NullableNumber,
      human_readable_total: NullableString,
      human_readable_total_including_other_language: NullableString,
      daily_average: NullableNumber,
      daily_average_including_other_language: NullableNumber,
      human_readable_daily_average: NullableString,
      human_readable_daily_average_including_other_language: NullableString,
      ...DimensionLists,
      best_day: Nullable(Type.Object({ date: Type.String(), text: Type.String(), total_seconds: Type.Number() })),
      holidays: Type.Integer(),
      days_including_holidays: Type.Integer(),
      days_minus_holidays: Type.Integer(),
      ...RangeEnvelope,
      is_already_updating: Type.Boolean(),
      is_coding_activity_visible: Type.Boolean(),
      is_other_usage_visible: Type.Boolean(),
      is_stuck: Type.Boolean(),
      is_up_to_date_pending_future: Type.Boolean(),
      username: NullableString,
    }),
  },
  { description: "A user's stats over a range; null where the viewer may not see a part" },
);
export type Stats = Static<typeof Stats>;

export interface StatsInput {
  numbers: RangeNumbers;
  sum: DayTotals;
  machineIds: Map<string, string>;
  visibility: Visibility;
  envelope: EnvelopeInput;
  user: { username: string | null; logged_time_public: number | boolean | null; languages_used_public: number | boolean | null; editors_used_public: number | boolean | null; os_used_public: number | boolean | null };
}

export function statsResource(i: StatsInput): Stats {
  const v = i.visibility;
  const env = rangeEnvelope(i.envelope);
  return {
    data: {
      ...statsTotals(i.numbers, v),
      ...dimensionLists(i.sum, v, i.machineIds),
      ...env,
      is_already_updating: !i.envelope.upToDate,
      is_coding_activity_visible: !!i.user.logged_time_public,
      is_other_usage_visible: !!(i.user.languages_used_public || i.user.editors_used_public || i.user.os_used_public),
      is_stuck: false,
      is_up_to_date_pending_future: false,
      username: i.user.username,
    },
  };
}

export const AllTimeSinceToday = Type.Object(
  {
    data: Type.Object({
      total_seconds: Type.Number(),
      text: Type.String(),
      decimal: Type.String(),
      digital: Type.String(),
      daily_average: Type.Number(),
      is_up_to_date: Type.Boolean(),
      percent_calculated: Type.Number(),
      range: Type.Object({
        start: Type.String(),
        start_date: Type.String(),
        start_text: Type.String(),
        end: Type.String(),
        end_date: Type.String(),
        end_text: Type.String(),
        timezone: Type.String(),
      }),
      timeout: Type.Number(),
    }),
  },
  { description: 'Total time since the first day of the account' },
);
export type AllTimeSinceToday = Static<typeof AllTimeSinceToday>;

export function allTimeSinceTodayResource(i: {
  total: number;
  days: number;
  upToDate: boolean;
  percent: number;
  range: AllTimeSinceToday['data']['range'];
  timeoutSeconds: number;
}): AllTimeSinceToday {
  return {
    data: {
      total_seconds: round2(i.total),
      text: humanText(i.total),
      decimal: decimal(i.total),
      digital: digital(i.total),
      daily_average: round2(i.days > 0 ? i.total / i.days : 0),
      is_up_to_date: i.upToDate,
      percent_calculated: i.percent,
      range: i.range,
      timeout: i.timeoutSeconds / 60,
    },
  };
}
