/** Users: GET /users/:user (public profile for others), GET/PATCH /users/current (preferences). */
import { Type } from '@sinclair/typebox';
import { isValidTimezone } from '../domain/calendar.js';
import { userResource } from '../domain/user.js';
import { hasScope, requireAccountOwner, resolveTargetUser } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { UserParams } from '../http/schemas.js';
import { findUserByEmail, updateUser, type UserPatch } from '../storage/users.js';
import type { RouteFamily } from './types.js';

export const PROFILE_RANGES = ['last_7_days', 'last_30_days', 'last_6_months', 'last_year', 'all_time'] as const;

const nullableString = (maxLength: number) => Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()]));

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
    city_country_code: nullableString(2),
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
export type Preferences = typeof PreferencesBody.static;

/** Turns validated preferences into a row patch (booleans as 0/1, `timeout` as keystroke_timeout). */
export function preferencesPatch(p: Preferences): UserPatch {
  if (p.timezone !== undefined && !isValidTimezone(p.timezone)) {
    throw new HttpError(400, `Unknown time zone "${p.timezone}": use an IANA name such as Europe/Berlin.`, 'timezone');
  }
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined) continue;
    if (k === 'timeout') patch.keystroke_timeout = v;
    else if (typeof v === 'boolean') patch[k] = v ? 1 : 0;
    else patch[k] = typeof v === 'string' && v.trim() === '' ? null : v;
  }
  return patch as UserPatch;
}

export const userRoutes: RouteFamily = async (app, { storage, services }) => {
  app.get(
    '/api/v1/users/:user',
    { schema: { summary: 'A single user', tags: ['users'], params: UserParams } },
    async (request) => {
      const target = await resolveTargetUser(storage, request, request.params.user, { allowPublic: () => true });
      const withPrivateEmail = target.isOwner && !!target.auth && hasScope(target.auth.scopes, 'email');
      return { data: userResource(target.user, { isOwner: target.isOwner, withPrivateEmail }) };
    },
  );

  app.patch(
    '/api/v1/users/current',
    { schema: { summary: "Change the current user's profile and preferences", tags: ['users'], body: PreferencesBody } },
    async (request) => {
      const auth = await requireAccountOwner(storage, request, 'change account preferences');
      const patch = preferencesPatch(request.body);
      if (patch.email) {
        const other = await findUserByEmail(storage.db, patch.email);
        if (other && other.id !== auth.user.id) throw new HttpError(409, 'This email address is already used by another account.', 'email');
      }
      const user = await updateUser(storage.db, auth.user.id, patch);
      await services.preferencesChanged(auth.user, user);
      return { data: userResource(user, { isOwner: true, withPrivateEmail: true }) };
    },
  );
};
