/** Users as the domain sees them: display name, city, effective zone, timeout and settings. Pure. (The wire resource is in wire/user.ts.) */
import { isValidTimezone } from './calendar.js';
import { DEFAULT_TIMEOUT_MINUTES, MAX_TIMEOUT_MINUTES, MIN_TIMEOUT_MINUTES } from './duration.js';

/** A flag as stored (0/1) or as a boolean. */
type Flag = number | boolean;

/**
 * A user as the domain sees one: the profile, the public-profile flags and the time settings. (The
 * storage row has these columns and more; the domain never names storage types.) Times are UNIX seconds.
 */
export interface User {
  id: number;
  uuid: string;
  username: string;
  email: string | null;
  full_name: string | null;
  photo: string | null;
  website: string | null;
  github_username: string | null;
  twitter_username: string | null;
  linkedin_username: string | null;
  wonderfuldev_username: string | null;
  city_country_code: string | null;
  city_name: string | null;
  city_state: string | null;
  public_email: string | null;
  is_email_public: Flag;
  is_email_confirmed: Flag;
  photo_public: Flag;
  is_hireable: Flag;
  logged_time_public: Flag;
  languages_used_public: Flag;
  editors_used_public: Flag;
  categories_used_public: Flag;
  os_used_public: Flag;
  timezone: string | null;
  keystroke_timeout: number;
  writes_only: Flag;
  profile_range: string;
  last_heartbeat_at: number | null;
  last_plugin: string | null;
  last_plugin_name: string | null;
  last_project: string | null;
  last_branch: string | null;
  created_at: number;
  modified_at: number | null;
}

/** The settings time is computed with: the zone of the days, the keystroke timeout, writes only. */
export interface Settings {
  zone: string;
  timeoutSeconds: number;
  writesOnly: boolean;
}

export function displayName(user: Pick<User, 'full_name' | 'username'>): string {
  if (user.full_name && user.full_name.trim()) return user.full_name.trim();
  if (user.username) return `@${user.username}`;
  return 'Anonymous User';
}

export function humanReadableWebsite(website: string | null): string | null {
  return website ? website.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/$/, '') : null;
}

export function cityOf(user: User): { country_code: string | null; name: string | null; state: string | null; title: string | null } | null {
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
export function effectiveTimezone(user: Pick<User, 'timezone'>): string {
  return user.timezone && isValidTimezone(user.timezone) ? user.timezone : DEFAULT_TIMEZONE;
}

/**
 * The user's keystroke timeout in minutes, always a whole number from 1 to 240: a row written
 * before input was checked may hold anything (Infinity, NaN, 0, 1e9), and every loop over time
 * relies on a finite timeout. Non-numbers fall back to the default, the rest is clamped.
 */
export function keystrokeTimeoutMinutes(user: Pick<User, 'keystroke_timeout'>): number {
  const n = Number(user.keystroke_timeout);
  if (!Number.isFinite(n)) return DEFAULT_TIMEOUT_MINUTES;
  return Math.min(MAX_TIMEOUT_MINUTES, Math.max(MIN_TIMEOUT_MINUTES, Math.round(n)));
}

/** The settings a user chose (their zone, timeout and writes_only), each read safely. */
export function userSettings(user: Pick<User, 'timezone' | 'keystroke_timeout' | 'writes_only'>): Settings {
  return { zone: effectiveTimezone(user), timeoutSeconds: keystrokeTimeoutMinutes(user) * 60, writesOnly: !!user.writes_only };
}
