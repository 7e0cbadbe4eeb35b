/**
 * Leaders (`GET /leaders`), private leaderboards (`users/:user/leaderboards`, `…/:board`, members)
 * and aggregate stats (`GET /stats/:range`): TypeBox schemas and one mapping function each.
 * Free of Node APIs: the web app imports the types.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { City } from './user.js';
import { cityOf, displayName, humanReadableWebsite } from '../domain/user.js';
import { humanText, round2 } from '../domain/format.js';
import { isoUtc } from '../domain/calendar.js';
import { timeValue, type Aggregate, type LeaderProfile, type Spread } from '../domain/leaders.js';

const Str = (description: string) => Nullable(Type.String({ description }));

/** What an entry shows of a user (e-mail and photo only when their flags make them public). */
export type LeaderUserInput = LeaderProfile;

export const LeaderUser = Type.Object(
  {
    id: Type.String({ description: 'unique id of user' }),
    email: Str('email address of user, if public'),
    username: Type.String({ description: 'users public username' }),
    full_name: Str('full name of user'),
    display_name: Type.String({ description: "full_name or @username; defaults to 'Anonymous User'" }),
    website: Str('website of user'),
    human_readable_website: Str('website of user without url scheme'),
    is_hireable: Type.Boolean({ description: 'represents the “hireable” badge on user profiles' }),
    city: City,
    is_email_public: Type.Boolean({ description: "whether this user's email should be shown publicly on leader boards" }),
    photo_public: Type.Boolean({ description: "whether this user's photo should be shown publicly on leader boards" }),
    photo: Str('url of the photo of this user, if public'),
  },
  { additionalProperties: false },
);

export function leaderUser(u: LeaderUserInput): Static<typeof LeaderUser> {
  return {
    id: u.uuid,
    email: u.is_email_public ? (u.public_email ?? u.email) : null,
    username: u.username,
    full_name: u.full_name,
    display_name: displayName(u),
    website: u.website,
    human_readable_website: humanReadableWebsite(u.website),
    is_hireable: !!u.is_hireable,
    city: cityOf(u as never),
    is_email_public: !!u.is_email_public,
    photo_public: !!u.photo_public,
    photo: u.photo_public ? u.photo : null,
  };
}

const RunningTotal = Type.Object(
  {
    total_seconds: Type.Number({ description: 'total coding activity (without the language Other) as seconds' }),
    human_readable_total: Type.String(),
    daily_average: Type.Integer({ description: 'daily average (over days with activity) in whole seconds' }),
    human_readable_daily_average: Type.String(),
    languages: Type.Array(Type.Object({ name: Type.String(), total_seconds: Type.Number() }, { additionalProperties: false }), {
      description: 'time per language; empty unless the user made their languages public (or shares them on this private leaderboard)',
    }),
  },
  { additionalProperties: false },
);

const LeaderEntry = Type.Object(
  {
    rank: Type.Integer({ description: 'rank of this leader' }),
    running_total: RunningTotal,
    user: LeaderUser,
  },
  { additionalProperties: false },
);

const LeaderRange = Type.Object(
  {
    start_date: Type.String({ description: 'start of this range as ISO 8601 UTC datetime' }),
    start_text: Type.String(),
    end_date: Type.String({ description: 'end of range as ISO 8601 UTC datetime' }),
    end_text: Type.String(),
    name: Type.String({ description: 'time range of this leaderboard' }),
    text: Type.String(),
  },
  { additionalProperties: false },
);

const CurrentUser = Nullable(
  Type.Object(
    {
      rank: Nullable(Type.Integer({ description: 'rank of the current user, or null when not on this leader board' })),
      page: Nullable(Type.Integer({ description: 'page holding the current user, or null when not on this leader board' })),
      user: LeaderUser,
    },
    { additionalProperties: false },
  ),
);

export const LeadersResponse = Type.Object(
  {
    current_user: CurrentUser,
    data: Type.Array(LeaderEntry),
    page: Type.Integer(),
    total_pages: Type.Integer(),
    range: LeaderRange,
    language: Str('language filter for this leaderboard'),
    is_hireable: Nullable(Type.Boolean({ description: 'hireable filter for this leaderboard' })),
    country_code: Str('country code filter for this leaderboard'),
    modified_at: Str('when this leaderboard was last computed, ISO 8601; null before the first computation'),
    timeout: Type.Integer({ description: 'keystroke timeout in minutes used by this leaderboard (15)' }),
    writes_only: Type.Boolean({ description: 'writes_only setting used by this leaderboard (false)' }),
  },
  { additionalProperties: false },
);
export type LeadersResponse = Static<typeof LeadersResponse>;

export interface EntryInput {
  rank: number;
  user: LeaderUserInput;
  total: number;
  dailyAverage: number;
  languages: [string, number][];
}

export function leaderEntry(e: EntryInput): Static<typeof LeaderEntry> {
  return {
    rank: e.rank,
    running_total: {
      total_seconds: round2(e.total),
      human_readable_total: humanText(e.total),
      // whole seconds: wakatime_exporter decodes it into an int
      daily_average: Math.round(e.dailyAverage),
      human_readable_daily_average: humanText(e.dailyAverage),
      languages: e.languages.map(([name, s]) => ({ name, total_seconds: round2(s) })),
    },
    user: leaderUser(e.user),
  };
}

const TEXTS: Record<string, string> = { last_7_days: 'Last 7 Days', last_30_days: 'Last 30 Days' };

/** The range envelope of a leaderboard range over UTC dates. */
export function leaderRange(name: string, dates: { first: string; last: string }): Static<typeof LeaderRange> {
  const start = Date.parse(`${dates.first}T00:00:00Z`) / 1000;
  const end = Date.parse(`${dates.last}T00:00:00Z`) / 1000 + 86400 - 1;
  return {
    start_date: isoUtc(start),
    start_text: dates.first,
    end_date: isoUtc(end),
    end_text: dates.last,
    name,
    text: `${TEXTS[name] ?? name} from Yesterday`,
  };
}

export function currentUser(c: { rank: number | null; page: number | null; user: LeaderUserInput | null } | null): Static<typeof CurrentUser> {
  if (!c || !c.user) return null;
  return { rank: c.rank, page: c.page, user: leaderUser(c.user) };
}

/* Private leaderboards */

export const Leaderboard = Type.Object(
  {
    id: Type.String({ description: 'unique id of leaderboard' }),
    name: Type.String({ description: 'display name' }),
    time_range: Type.String({ description: 'time range of this leaderboard: last_7_days or last_30_days' }),
    can_delete: Type.Boolean({ description: 'true if user has access to delete this leaderboard' }),
    can_edit: Type.Boolean({ description: 'true if user has access to edit this leaderboard' }),
    has_available_seat: Type.Boolean({ description: 'true if this leaderboard has room for more members' }),
    members_count: Type.Integer({ description: 'number of members in this private leaderboard' }),
    members_with_timezones_count: Type.Integer({ description: 'members who have a time zone set; members without one are hidden from leaderboards' }),
    status: Type.Union([Type.Literal('owner'), Type.Literal('member'), Type.Literal('invited')], { description: "the current user's place: owner, member, or invited (not joined yet)" }),
    join_url: Str('the join link anyone holding it may use to join (owner only; null for others)'),
    created_at: Type.String({ description: 'time when leaderboard was created in ISO 8601 format' }),
    modified_at: Type.String({ description: 'time when leaderboard was last modified in ISO 8601 format' }),
  },
  { additionalProperties: false },
);
export type Leaderboard = Static<typeof Leaderboard>;

export interface BoardInput {
  uuid: string;
  name: string;
  time_range: string;
  join_code: string;
  created_at: number;
  modified_at: number;
  status: string;
  members_count: number;
  members_with_timezones_count: number;
  seats_taken: number;
}

export function leaderboardResource(b: BoardInput, seats: number, baseUrl: string): Leaderboard {
  const owner = b.status === 'owner';
  return {
    id: b.uuid,
    name: b.name,
    time_range: b.time_range,
    can_delete: owner,
    can_edit: owner,
    has_available_seat: b.seats_taken < seats,
    members_count: b.members_count,
    members_with_timezones_count: b.members_with_timezones_count,
    status: b.status as Leaderboard['status'],
    join_url: owner ? `${baseUrl}/leaderboards/join/${b.join_code}` : null,
    created_at: isoUtc(b.created_at),
    modified_at: isoUtc(b.modified_at),
  };
}

export const LeaderboardEnvelope = Type.Object({ data: Leaderboard }, { additionalProperties: false });

export const LeaderboardList = Type.Object(
  {
    data: Type.Array(Leaderboard),
    total: Type.Integer({ description: 'total number of private leaderboards' }),
    total_pages: Type.Integer({ description: 'number of pages available' }),
  },
  { additionalProperties: false },
);

export const BoardLeadersResponse = Type.Object(
  {
    current_user: CurrentUser,
    data: Type.Array(
      Type.Object(
        {
          rank: Type.Integer({ description: 'rank of this leaderboard member' }),
          page: Nullable(Type.Integer({ description: 'page containing the currently authorized user' })),
          running_total: RunningTotal,
          user: LeaderUser,
        },
        { additionalProperties: false },
      ),
    ),
    language: Str('language filter for this leaderboard'),
    country_code: Str('country code filter for this leaderboard'),
    modified_at: Type.String({ description: 'time when leaderboard was last modified in ISO 8601 format' }),
    computed_at: Str('when the members’ times were last computed (null before the first computation)'),
    page: Type.Integer(),
    total_pages: Type.Integer(),
    range: LeaderRange,
    timeout: Type.Integer({ description: 'keystroke timeout in minutes used by this leaderboard (15)' }),
    writes_only: Type.Boolean({ description: 'writes_only setting used by this leaderboard (false)' }),
  },
  { additionalProperties: false },
);
export type BoardLeadersResponse = Static<typeof BoardLeadersResponse>;

export const BoardMember = Type.Object(
  {
    user: LeaderUser,
    status: Type.Union([Type.Literal('owner'), Type.Literal('member'), Type.Literal('invited')]),
    created_at: Type.String({ description: 'when the member was added or invited, ISO 8601' }),
  },
  { additionalProperties: false },
);
export type BoardMemberResource = Static<typeof BoardMember>;
export const BoardMemberList = Type.Object({ data: Type.Array(BoardMember), total: Type.Integer() }, { additionalProperties: false });
export const BoardMemberEnvelope = Type.Object({ data: BoardMember }, { additionalProperties: false });

export function boardMember(m: LeaderUserInput & { status: string; created_at: number }): Static<typeof BoardMember> {
  return { user: leaderUser(m), status: m.status as 'owner', created_at: isoUtc(m.created_at) };
}

/* Aggregate stats */

const TimeValue = Type.Object({ seconds: Type.Number(), text: Type.String() }, { additionalProperties: false });
const Count = Type.Object({ text: Type.String({ description: 'number of users, as a string' }), total: Type.Integer({ description: 'number of users' }) }, { additionalProperties: false });
const SpreadSchema = { average: TimeValue, count: Count, max: TimeValue, median: TimeValue, sum: TimeValue };
const AggregateItem = Type.Object(
  { name: Type.String(), is_verified: Type.Boolean({ description: 'whether the name is a known one (linguist languages, known editors and systems, WakaTime categories)' }), ...SpreadSchema },
  { additionalProperties: false },
);

export const AggregateStats = Type.Object(
  {
    data: Type.Object(
      {
        categories: Type.Array(AggregateItem),
        daily_average: Type.Object({ average: TimeValue, count: Count, max: TimeValue, median: TimeValue }, { additionalProperties: false }),
        editors: Type.Array(AggregateItem),
        languages: Type.Array(AggregateItem),
        operating_systems: Type.Array(AggregateItem),
        total: Type.Object(SpreadSchema, { additionalProperties: false }),
        range: Type.Object(
          {
            end_date: Type.String(),
            end_text: Type.String(),
            name: Type.String(),
            start_date: Type.String(),
            start_text: Type.String(),
            text: Type.String(),
          },
          { additionalProperties: false },
        ),
        timeout: Type.Integer({ description: 'the keystroke timeout of public stats (15)' }),
        writes_only: Type.Boolean({ description: 'the writes_only setting of public stats (false)' }),
        is_up_to_date: Type.Boolean({ description: 'false until the aggregate is computed (answer 202), or while some users’ numbers are still being computed' }),
        computed_at: Str('when these stats were computed, ISO 8601'),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type AggregateStats = Static<typeof AggregateStats>;

function spreadResource(s: Spread) {
  return { average: timeValue(s.average), count: { text: String(s.count), total: s.count }, max: timeValue(s.max), median: timeValue(s.median), sum: timeValue(s.sum) };
}

const EMPTY_SPREAD: Spread = { sum: 0, average: 0, median: 0, max: 0, count: 0 };

export function aggregateResource(input: {
  data: Aggregate | null;
  range: string;
  human: string;
  first: string;
  last: string;
  upToDate: boolean;
  computedAt: number | null;
  verified: (dimension: 'languages' | 'editors' | 'operating_systems' | 'categories', name: string) => boolean;
}): AggregateStats {
  const a = input.data;
  const items = (dim: 'languages' | 'editors' | 'operating_systems' | 'categories') =>
    (a?.dims[dim] ?? []).map((i) => ({ name: i.name, is_verified: input.verified(dim, i.name), ...spreadResource(i) }));
  const daily = spreadResource(a?.daily_average ?? EMPTY_SPREAD);
  const start = Date.parse(`${input.first}T00:00:00Z`) / 1000;
  const end = Date.parse(`${input.last}T00:00:00Z`) / 1000 + 86400 - 1;
  return {
    data: {
      categories: items('categories'),
      daily_average: { average: daily.average, count: daily.count, max: daily.max, median: daily.median },
      editors: items('editors'),
      languages: items('languages'),
      operating_systems: items('operating_systems'),
      total: spreadResource(a?.total ?? EMPTY_SPREAD),
      // as the reference lays it out: *_date human-readable, *_text ISO 8601
      range: { start_date: input.first, start_text: isoUtc(start), end_date: input.last, end_text: isoUtc(end), name: input.range, text: input.human },
      timeout: 15,
      writes_only: false,
      is_up_to_date: input.upToDate,
      computed_at: input.computedAt === null ? null : isoUtc(input.computedAt),
    },
  };
}
