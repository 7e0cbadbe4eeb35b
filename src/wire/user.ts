/**
 * The user resource (`GET /users/:user`, `PATCH /users/current`, the account routes): its TypeBox
 * schema and the one function that maps a user to it. In full for its owner, public fields for others.
 * Free of Node APIs: the web app imports the types.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { cityOf, displayName, effectiveTimezone, humanReadableWebsite, keystrokeTimeoutMinutes, type User } from '../domain/user.js';
import { isoOrNull } from '../domain/time.js';

const Str = (description: string) => Nullable(Type.String({ description }));

export const City = Nullable(
  Type.Object(
    {
      country_code: Str('two letter code, for ex: US or UK'),
      name: Str('city name, for ex: San Francisco'),
      state: Str('state name, for ex: California'),
      title: Str('city, state (or country if state has same name as city)'),
    },
    { additionalProperties: false, description: 'where the user lives, when they said' },
  ),
);

const publicFields = {
  id: Type.String({ description: 'unique id of user' }),
  username: Type.String({ description: 'users public username' }),
  display_name: Type.String({ description: "full_name or @username; defaults to 'Anonymous User'" }),
  full_name: Str('full name of user'),
  email: Str('email address: the private one for its owner (with the `email` scope), else the public one when shown'),
  photo: Str('url of photo for this user (null when not public)'),
  photo_public: Type.Boolean({ description: "whether this user's photo should be shown publicly" }),
  is_email_public: Type.Boolean({ description: "whether this user's email should be shown publicly" }),
  public_email: Str('email address for public profile'),
  website: Str('website of user'),
  human_readable_website: Str('website of user without protocol part'),
  wonderfuldev_username: Str('WonderfulDev username of user'),
  github_username: Str('GitHub username of user'),
  twitter_username: Str('Twitter handle of user'),
  linkedin_username: Str('Linkedin username of user'),
  city: City,
  is_hireable: Type.Boolean({ description: 'hireable badge on the public profile' }),
  logged_time_public: Type.Boolean({ description: 'coding time is public' }),
  languages_used_public: Type.Boolean({ description: 'languages used are public' }),
  editors_used_public: Type.Boolean({ description: 'editors used are public' }),
  categories_used_public: Type.Boolean({ description: 'categories are public' }),
  os_used_public: Type.Boolean({ description: 'operating systems are public' }),
  created_at: Str('time when user was created in ISO 8601 format'),
};

/** Fields only the owner sees (absent from the public profile). */
const ownerFields = {
  is_email_confirmed: Type.Optional(Type.Boolean({ description: "whether this user's email address has been verified" })),
  has_premium_features: Type.Optional(Type.Boolean({ description: 'always true: Metronome has no paid tier' })),
  plan: Type.Optional(Type.Null({ description: 'always null: Metronome has no subscription plans' })),
  timezone: Type.Optional(Type.String({ description: "user's timezone in Olson Country/Region format" })),
  timeout: Type.Optional(Type.Integer({ description: 'keystroke timeout in minutes' })),
  writes_only: Type.Optional(Type.Boolean({ description: 'count only heartbeats from writing to a file' })),
  profile_range: Type.Optional(Type.String({ description: 'range shown on the public profile and by GET stats without a range' })),
  last_heartbeat_at: Type.Optional(Str('time of most recent heartbeat received in ISO 8601 format')),
  last_plugin: Type.Optional(Str('user-agent string from the last plugin used')),
  last_plugin_name: Type.Optional(Str('name of editor last used')),
  last_project: Type.Optional(Str('name of last project coded in')),
  last_branch: Type.Optional(Str('name of last branch coded in')),
  modified_at: Type.Optional(Str('time when user was last modified in ISO 8601 format')),
};

/** A user: owner-only fields are absent from the public profile. */
export const UserResource = Type.Object(
  { ...publicFields, ...ownerFields },
  { additionalProperties: false, description: 'A user: in full for its owner, the public profile for others' },
);
export type UserResource = Static<typeof UserResource>;
/** The user resource as its owner sees it: every field present. */
export type OwnUserResource = Required<UserResource>;

export const UserEnvelope = Type.Object({ data: UserResource }, { additionalProperties: false });

/**
 * The user resource. `withPrivateEmail` is false for OAuth apps without the `email` scope;
 * `isOwner` false gives the public profile only.
 */
export function toUserResource(user: User, view: { isOwner: boolean; withPrivateEmail: boolean }): UserResource {
  const shownEmail = user.is_email_public ? user.public_email ?? user.email : null;
  const pub = {
    id: user.uuid,
    username: user.username,
    display_name: displayName(user),
    full_name: user.full_name,
    email: view.isOwner && view.withPrivateEmail ? user.email : shownEmail,
    photo: user.photo_public || view.isOwner ? user.photo : null,
    photo_public: !!user.photo_public,
    is_email_public: !!user.is_email_public,
    public_email: user.is_email_public ? user.public_email ?? user.email : user.public_email,
    website: user.website,
    human_readable_website: humanReadableWebsite(user.website),
    wonderfuldev_username: user.wonderfuldev_username,
    github_username: user.github_username,
    twitter_username: user.twitter_username,
    linkedin_username: user.linkedin_username,
    city: cityOf(user),
    is_hireable: !!user.is_hireable,
    logged_time_public: !!user.logged_time_public,
    languages_used_public: !!user.languages_used_public,
    editors_used_public: !!user.editors_used_public,
    categories_used_public: !!user.categories_used_public,
    os_used_public: !!user.os_used_public,
    created_at: isoOrNull(user.created_at),
  };
  if (!view.isOwner) return pub;
  return {
    ...pub,
    is_email_confirmed: !!user.is_email_confirmed,
    // Metronome has no paid tier: every feature is available to every user.
    has_premium_features: true,
    // Metronome has no subscription plans (see README, "Fields that are null").
    plan: null,
    timezone: effectiveTimezone(user),
    timeout: keystrokeTimeoutMinutes(user),
    writes_only: !!user.writes_only,
    profile_range: user.profile_range,
    last_heartbeat_at: isoOrNull(user.last_heartbeat_at),
    last_plugin: user.last_plugin,
    last_plugin_name: user.last_plugin_name,
    last_project: user.last_project,
    last_branch: user.last_branch,
    modified_at: isoOrNull(user.modified_at),
  };
}

export const PROFILE_RANGES = ['last_7_days', 'last_30_days', 'last_6_months', 'last_year', 'all_time'] as const;

const nullableString = (maxLength: number) => Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()]));

/** `PATCH /users/current`: the profile and preferences a user may change (any subset). */
export const PreferencesBody = Type.Object(
  {
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone' })),
    timeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 240, description: 'keystroke timeout in minutes' })),
    writes_only: Type.Optional(Type.Boolean()),
    profile_range: Type.Optional(Type.Union(PROFILE_RANGES.map((r) => Type.Literal(r)))),
    full_name: nullableString(200),
    email: nullableString(320),
    public_email: nullableString(320),
    photo: nullableString(2048),
    website: nullableString(2048),
    github_username: nullableString(100),
    twitter_username: nullableString(100),
    linkedin_username: nullableString(100),
    wonderfuldev_username: nullableString(100),
    city_name: nullableString(200),
    city_state: nullableString(200),
    city_country_code: Type.Optional(Type.Union([Type.String({ pattern: '^([A-Za-z]{2})?$', description: 'two-letter country code (US, DE …); the leaders filter by it' }), Type.Null()])),
    is_email_public: Type.Optional(Type.Boolean()),
    photo_public: Type.Optional(Type.Boolean()),
    is_hireable: Type.Optional(Type.Boolean()),
    logged_time_public: Type.Optional(Type.Boolean()),
    languages_used_public: Type.Optional(Type.Boolean()),
    editors_used_public: Type.Optional(Type.Boolean()),
    categories_used_public: Type.Optional(Type.Boolean()),
    os_used_public: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type Preferences = Static<typeof PreferencesBody>;
