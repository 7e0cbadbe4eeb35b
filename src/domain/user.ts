/** How a user is shown: the `GET /users/:user` resource, in full for its owner, public fields for others. Pure. */
import type { UserRow } from '../storage/users.js';
import { isValidTimezone } from './calendar.js';
import { DEFAULT_TIMEOUT_MINUTES, MAX_TIMEOUT_MINUTES, MIN_TIMEOUT_MINUTES } from './duration.js';
import { isoOrNull } from './time.js';

export function displayName(user: Pick<UserRow, 'full_name' | 'username'>): string {
  if (user.full_name && user.full_name.trim()) return user.full_name.trim();
  if (user.username) return `@${user.username}`;
  return 'Anonymous User';
}

export function humanReadableWebsite(website: string | null): string | null {
  return website ? website.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/$/, '') : null;
}

export function cityOf(user: UserRow): { country_code: string | null; name: string | null; state: string | null; title: string | null } | null {
  if (!user.city_name && !user.city_country_code) return null;
  const title = user.city_name
    ? user.city_state && user.city_state !== user.city_name
      ? `${user.city_name}, ${user.city_state}`
      : `${user.city_name}, ${user.city_country_code ?? ''}`.replace(/, $/, '')
    : null;
  return { country_code: user.city_country_code, name: user.city_name, state: user.city_state, title };
}

export const DEFAULT_TIMEZONE = 'UTC';

/** The zone used for a user's days: their choice, else UTC (also for a stored name no longer valid). */
export function effectiveTimezone(user: Pick<UserRow, 'timezone'>): string {
  return user.timezone && isValidTimezone(user.timezone) ? user.timezone : DEFAULT_TIMEZONE;
}

/**
 * The user's keystroke timeout in minutes, always a whole number from 1 to 240: a row written
 * before input was checked may hold anything (Infinity, NaN, 0, 1e9), and every loop over time
 * relies on a finite timeout. Non-numbers fall back to the default, the rest is clamped.
 */
export function keystrokeTimeoutMinutes(user: Pick<UserRow, 'keystroke_timeout'>): number {
  const n = Number(user.keystroke_timeout);
  if (!Number.isFinite(n)) return DEFAULT_TIMEOUT_MINUTES;
  return Math.min(MAX_TIMEOUT_MINUTES, Math.max(MIN_TIMEOUT_MINUTES, Math.round(n)));
}

/**
 * The user resource. `withPrivateEmail` is false for OAuth apps without the `email` scope;
 * `isOwner` false gives the public profile only.
 */
export function userResource(user: UserRow, view: { isOwner: boolean; withPrivateEmail: boolean }) {
  const pub = {
    id: user.uuid,
    username: user.username,
    display_name: displayName(user),
    full_name: user.full_name,
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
  if (!view.isOwner) {
    return { ...pub, email: user.is_email_public ? user.public_email ?? user.email : null };
  }
  return {
    ...pub,
    email: view.withPrivateEmail ? user.email : user.is_email_public ? user.public_email ?? user.email : null,
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
