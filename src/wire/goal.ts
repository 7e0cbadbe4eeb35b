/**
 * The goal resource (`users/:user/goals`, `goals/:goal`): the reference's fields, in the shape of
 * wakatime-cli's fixture. The computed part (chart_data, statuses) comes from the goal cache; until
 * it is there for today a single goal is `{"data":{"chart_data":[]}}` (the reference's contract) and
 * a listed goal carries its definition with `chart_data: []` and null statuses.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { displayName } from '../domain/user.js';
import { isoOrNull } from '../domain/time.js';
import type { GoalProgress, GoalRules } from '../domain/goal.js';

const Str = (description: string) => Nullable(Type.String({ description }));
const Status = (description: string) => Nullable(Type.String({ description }));

export const GoalChartPoint = Type.Object(
  {
    actual_seconds: Type.Number({ description: 'seconds coded during this delta period' }),
    actual_seconds_text: Type.String(),
    goal_seconds: Type.Integer({ description: 'seconds required to meet the goal in this period' }),
    goal_seconds_text: Type.String(),
    range: Type.Object(
      {
        date: Type.Optional(Type.String({ description: 'YYYY-MM-DD (day goals only)' })),
        end: Type.String({ description: 'end of the period, ISO 8601 UTC' }),
        start: Type.String({ description: 'start of the period, ISO 8601 UTC' }),
        text: Type.String({ description: 'the period relative to today: Today, Yesterday, Mon Jan 23, This Week …' }),
        timezone: Type.String(),
      },
      { additionalProperties: false },
    ),
    range_status: Type.String({ description: 'success, fail, pending or ignored' }),
    range_status_reason: Type.String(),
    range_status_reason_short: Type.String(),
  },
  { additionalProperties: false },
);

const Person = {
  display_name: Type.String({ description: "full_name or @username; 'Anonymous User' otherwise" }),
  full_name: Str('full name of user'),
  photo: Str('url of photo (when public)'),
};

export const GoalResource = Type.Object(
  {
    average_status: Status('"fail" when more periods failed than succeeded, otherwise "success"; null until computed'),
    chart_data: Type.Array(GoalChartPoint),
    created_at: Type.String(),
    cumulative_status: Status('success, fail or ignored over all periods; null until computed'),
    custom_title: Str('user defined title, overrides title'),
    delta: Type.String({ description: 'day or week' }),
    editors: Type.Array(Type.String()),
    id: Type.String(),
    ignore_days: Type.Array(Type.String({ description: 'weekdays (lowercase) whose status is ignored, day goals' })),
    ignore_zero_days: Type.Boolean(),
    improve_by_percent: Nullable(Type.Number()),
    is_current_user_owner: Type.Boolean(),
    is_enabled: Type.Boolean(),
    is_inverse: Type.Boolean(),
    is_snoozed: Type.Boolean({ description: "the viewer's goal e-mails are paused until snooze_until" }),
    is_tweeting: Type.Boolean({ description: 'always false: Metronome does not post to Twitter' }),
    languages: Type.Array(Type.String()),
    categories: Type.Array(Type.String({ description: 'categories this goal counts (coding, debugging …); Metronome extension' })),
    modified_at: Str('time when this goal was last changed'),
    owner: Type.Object({ ...Person, email: Str('the public e-mail address (or the own one for its owner)'), id: Type.String(), username: Type.String() }, { additionalProperties: false }),
    projects: Type.Array(Type.String()),
    range_text: Str('the whole range of chart_data; null until computed'),
    seconds: Type.Integer(),
    shared_with: Type.Array(
      Type.Object(
        {
          ...Person,
          email: Str('the address it was shared with (shown to the goal owner)'),
          id: Str('the user it is shared with (null for an address without an account yet)'),
          status: Type.String({ description: 'pending, accepted or declined' }),
          user_id: Str('only defined if shared via user id'),
          username: Str('only defined if shared via username'),
        },
        { additionalProperties: false },
      ),
    ),
    snooze_until: Str("when the viewer's goal e-mails resume"),
    status: Status('the most recent period: success, fail, ignored or pending; null until computed'),
    status_percent_calculated: Type.Integer({ description: 'percent of the data computed (100 when complete; 0 until computed)' }),
    subscribers: Type.Array(
      Type.Object(
        {
          display_name: Type.String(),
          email: Str('e-mail address, if public'),
          email_frequency: Type.String({ description: 'Daily, Weekly or None' }),
          full_name: Str('name, if public'),
          user_id: Type.String(),
          username: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
    title: Type.String(),
    type: Type.String({ description: 'always "coding"' }),
  },
  { additionalProperties: false },
);
export type GoalResource = Static<typeof GoalResource>;

/** The single-goal answer: the resource, or `{"chart_data": []}` while its cache is being filled. */
export const GoalEnvelope = Type.Object(
  { cached_at: Type.Optional(Type.String({ description: 'when the progress was computed (absent while it is being computed)' })), data: Type.Union([GoalResource, Type.Object({ chart_data: Type.Array(GoalChartPoint, { maxItems: 0 }) }, { additionalProperties: false })]) },
  { additionalProperties: false },
);
export const GoalCreated = Type.Object({ cached_at: Nullable(Type.String()), data: GoalResource }, { additionalProperties: false });
export const GoalList = Type.Object(
  { data: Type.Array(GoalResource), total: Type.Integer(), total_pages: Type.Integer() },
  { additionalProperties: false },
);

/** A user as a goal shows them. */
export interface GoalPerson {
  uuid: string;
  username: string;
  email: string | null;
  full_name: string | null;
  photo: string | null;
  photo_public: number | boolean;
  is_email_public: number | boolean;
  public_email: string | null;
}

/** What one viewer may see of one goal (services/goals.ts GoalView). */
export interface GoalViewInput {
  goal: { uuid: string; user_id: number; seconds: number; is_enabled: number; custom_title: string | null; created_at: number; modified_at: number | null };
  rules: GoalRules;
  title: string;
  owner: GoalPerson & { id: number };
  viewerId: number;
  progress: GoalProgress | null;
  cachedAt: number | null;
  shares: { user_id: number | null; email: string | null; username: string | null; status: string; person: GoalPerson | null }[];
  subscribers: { user_id: number; email_frequency: string; person: GoalPerson & { id: number } }[];
  mine: { snooze_until: number | null } | null;
  now: number;
}

function publicEmail(p: GoalPerson): string | null {
  return p.is_email_public ? (p.public_email ?? p.email) : null;
}

function capitalized(word: string): string {
  return word ? `${word[0]!.toUpperCase()}${word.slice(1)}` : word;
}

export function goalResource(v: GoalViewInput): GoalResource {
  const isOwner = v.owner.id === v.viewerId;
  const r = v.rules;
  const snoozeUntil = v.mine?.snooze_until ?? null;
  return {
    average_status: v.progress?.average_status ?? null,
    chart_data: v.progress?.chart_data ?? [],
    created_at: isoOrNull(v.goal.created_at)!,
    cumulative_status: v.progress?.cumulative_status ?? null,
    custom_title: v.goal.custom_title,
    delta: r.delta,
    editors: [...r.editors],
    id: v.goal.uuid,
    ignore_days: [...r.ignoreDays],
    ignore_zero_days: r.ignoreZeroDays,
    improve_by_percent: r.improveByPercent,
    is_current_user_owner: isOwner,
    is_enabled: !!v.goal.is_enabled,
    is_inverse: r.isInverse,
    is_snoozed: snoozeUntil !== null && snoozeUntil > v.now,
    is_tweeting: false,
    languages: [...r.languages],
    categories: [...r.categories],
    modified_at: isoOrNull(v.goal.modified_at),
    owner: {
      display_name: displayName(v.owner),
      email: isOwner ? v.owner.email : publicEmail(v.owner),
      full_name: v.owner.full_name,
      id: v.owner.uuid,
      photo: isOwner || v.owner.photo_public ? v.owner.photo : null,
      username: v.owner.username,
    },
    projects: [...r.projects],
    range_text: v.progress?.range_text ?? null,
    seconds: v.goal.seconds,
    shared_with: v.shares.map((s) => ({
      display_name: s.person ? displayName(s.person) : 'Anonymous User',
      // the address a goal was shared with is the owner's business
      email: isOwner ? s.email : null,
      full_name: s.person?.full_name ?? null,
      id: s.person?.uuid ?? null,
      photo: s.person?.photo_public ? s.person.photo : null,
      status: s.status,
      user_id: null,
      username: s.username,
    })),
    snooze_until: isoOrNull(snoozeUntil),
    status: v.progress?.status ?? null,
    status_percent_calculated: v.progress?.status_percent_calculated ?? 0,
    subscribers: v.subscribers.map((s) => ({
      display_name: displayName(s.person),
      email: s.person.id === v.viewerId ? s.person.email : publicEmail(s.person),
      email_frequency: capitalized(s.email_frequency),
      full_name: s.person.full_name,
      user_id: s.person.uuid,
      username: s.person.username,
    })),
    title: v.title,
    type: 'coding',
  };
}

/** The body of POST/PATCH `users/current/goals` (the reference's field names). */
const NameList = (description: string) => Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50, description }));
export const GoalBodyFields = {
  seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 604800, description: 'goal amount per period (at most a day for day goals)' })),
  delta: Type.Optional(Type.String({ maxLength: 8, description: 'day or week' })),
  improve_by_percent: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()], { description: 'percent the goal grows each period' })),
  is_inverse: Type.Optional(Type.Boolean({ description: 'code less than seconds' })),
  is_enabled: Type.Optional(Type.Boolean()),
  ignore_days: Type.Optional(Type.Array(Type.String({ maxLength: 16 }), { maxItems: 7, description: 'weekdays: monday … sunday' })),
  ignore_zero_days: Type.Optional(Type.Boolean()),
  languages: NameList('languages counted (as summaries name them)'),
  projects: NameList('projects counted'),
  editors: NameList('editors counted'),
  categories: NameList('categories counted'),
  custom_title: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  type: Type.Optional(Type.String({ maxLength: 16, description: 'coding' })),
  shared_with: Type.Optional(
    Type.Array(
      Type.Union([
        Type.String({ maxLength: 254, description: 'a username or an e-mail address' }),
        Type.Object({ username: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])), email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])), user_id: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])) }),
      ]),
      { maxItems: 50, description: 'replaces who the goal is shared with' },
    ),
  ),
  email_frequency: Type.Optional(Type.String({ maxLength: 16, description: "your progress e-mails: daily, weekly or none" })),
  snooze_until: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description: 'pause your goal e-mails until this ISO 8601 time' })),
};
export const GoalBody = Type.Object(GoalBodyFields, { description: 'a goal: seconds and delta are required to create one' });
export type GoalBody = Static<typeof GoalBody>;
