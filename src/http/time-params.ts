/**
 * Query parameters shared by the time endpoints (timeout, writes_only, timezone, project,
 * branches) and who may see which parts of the answer (owner, OAuth sub-scopes, public profile).
 */
import { Type } from '@sinclair/typebox';
import { EARLIEST_DATE, isValidTimezone, latestDate, parseDateParam } from '../domain/calendar.js';
import { DEFAULT_TIMEOUT_MINUTES, MAX_TIMEOUT_MINUTES, MIN_TIMEOUT_MINUTES, type Dimension } from '../domain/duration.js';
import type { ActivityHeartbeat } from '../domain/heartbeat.js';
import { EVERYTHING, type Visibility } from '../domain/summary.js';
import { effectiveTimezone, keystrokeTimeoutMinutes } from '../domain/user.js';
import type { Settings } from '../services/rollups.js';
import type { Storage } from '../storage/db.js';
import type { UserRow } from '../storage/users.js';
import type { FastifyRequest } from 'fastify';
import { hasScope, resolveTargetUser, type Auth, type ResolveOptions, type TargetUser } from './auth.js';
import { HttpError } from './errors.js';

export const TimeQuerystring = {
  timeout: Type.Optional(Type.String({ maxLength: 10, description: `keystroke timeout in minutes (${MIN_TIMEOUT_MINUTES}–${MAX_TIMEOUT_MINUTES})` })),
  writes_only: Type.Optional(Type.String({ maxLength: 10, description: 'true or false' })),
  timezone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone' })),
};

export const FilterQuerystring = {
  project: Type.Optional(Type.String({ maxLength: 1024 })),
  branches: Type.Optional(Type.String({ maxLength: 4096, description: 'comma separated branch names' })),
};

function parseBool(raw: string | undefined, field: string): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new HttpError(400, 'Must be true or false.', field);
}

/** The settings a request computes with: its parameters, else the user's (public views: timeout 15). */
export function requestSettings(user: UserRow, q: { timeout?: string; writes_only?: string; timezone?: string }, isPublic: boolean): Settings {
  let timeoutMinutes = isPublic ? DEFAULT_TIMEOUT_MINUTES : keystrokeTimeoutMinutes(user);
  if (q.timeout !== undefined && q.timeout !== '' && !isPublic) {
    const n = Number(q.timeout);
    if (!Number.isInteger(n) || n < MIN_TIMEOUT_MINUTES || n > MAX_TIMEOUT_MINUTES) {
      throw new HttpError(400, `Must be a whole number of minutes from ${MIN_TIMEOUT_MINUTES} to ${MAX_TIMEOUT_MINUTES}.`, 'timeout');
    }
    timeoutMinutes = n;
  }
  const writesOnly = (isPublic ? undefined : parseBool(q.writes_only, 'writes_only')) ?? (isPublic ? false : !!user.writes_only);
  const zone = q.timezone && q.timezone !== '' ? q.timezone : effectiveTimezone(user);
  if (!isValidTimezone(zone)) throw new HttpError(400, `Unknown time zone "${zone}": use an IANA name such as Europe/Berlin.`, 'timezone');
  return { zone, timeoutSeconds: timeoutMinutes * 60, writesOnly };
}

/** A date parameter as a local date, or a 400 naming `field` (unknown format, or outside the dates a request may name). */
export function requireDate(value: string, zone: string, field: string, now: number = Date.now() / 1000): string {
  const date = parseDateParam(value, zone, now);
  if (!date) throw new HttpError(400, `Must be a date (YYYY-MM-DD, an ISO 8601 datetime, today or yesterday) from ${EARLIEST_DATE} to ${latestDate(zone, now)}.`, field);
  return date;
}

/** A filter for `project` and `branches`; undefined when neither is given. */
export function heartbeatFilter(q: { project?: string; branches?: string }): ((h: ActivityHeartbeat) => boolean) | undefined {
  const project = q.project && q.project !== '' ? q.project : undefined;
  const branches = (q.branches ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (!project && branches.length === 0) return undefined;
  const set = new Set(branches);
  return (h) => (!project || h.project === project) && (set.size === 0 || (h.branch !== null && set.has(h.branch)));
}

export async function machineIdsOf(storage: Storage, userId: number): Promise<Map<string, string>> {
  const rows = await storage.db.selectFrom('machines').select(['value', 'uuid']).where('user_id', '=', userId).execute();
  return new Map(rows.map((r) => [r.value, r.uuid]));
}

const SUB: Record<string, Dimension> = {
  categories: 'categories', dependencies: 'dependencies', editors: 'editors', languages: 'languages',
  machines: 'machines', operating_systems: 'operating_systems', projects: 'projects',
};

/** Scopes any of which lets an app read summaries (or, with `stats`, stats). */
export function readScopes(family: 'summaries' | 'stats'): string[] {
  const subs = Object.keys(SUB);
  const base = ['read_heartbeats', 'read_summaries', ...subs.map((s) => `read_summaries.${s}`)];
  return family === 'stats' ? [...base, 'read_stats', 'read_stats.best_day', ...subs.map((s) => `read_stats.${s}`)] : base;
}

/**
 * What an authorized viewer sees: everything for the owner with a full scope; only the granted
 * dimensions with narrowed OAuth scopes (read_summaries.languages …); the public-profile flags
 * for everyone else.
 */
export function visibilityFor(target: TargetUser, family: 'summaries' | 'stats'): Visibility {
  if (!target.isOwner) return publicVisibility(target.user);
  const auth = target.auth as Auth;
  const full = ['read_heartbeats', 'read_summaries', ...(family === 'stats' ? ['read_stats'] : [])];
  if (full.some((s) => hasScope(auth.scopes, s))) return EVERYTHING;
  const granted = (dim: string) => hasScope(auth.scopes, `read_summaries.${dim}`) || (family === 'stats' && hasScope(auth.scopes, `read_stats.${dim}`));
  const v: Visibility = { ...EVERYTHING, best_day: family === 'stats' && hasScope(auth.scopes, 'read_stats.best_day') };
  for (const [dim, key] of Object.entries(SUB)) v[key as keyof Visibility] = granted(dim);
  return v;
}

export function publicVisibility(user: UserRow): Visibility {
  const time = !!user.logged_time_public;
  return {
    time,
    best_day: time,
    projects: false,
    languages: !!user.languages_used_public,
    editors: !!user.editors_used_public,
    operating_systems: !!user.os_used_public,
    categories: !!user.categories_used_public,
    dependencies: false,
    machines: false,
  };
}

/** Whether anything of this user's stats is public (README cards ask anonymously). */
export function hasPublicStats(user: UserRow): boolean {
  const v = publicVisibility(user);
  return v.time || v.languages || v.editors || v.operating_systems || v.categories;
}


/** The private filter a query carries (`project`, else `branches`), if any. */
function privateFilterIn(query: unknown): 'project' | 'branches' | null {
  const q = (query ?? {}) as Record<string, unknown>;
  const given = (name: string) => q[name] !== undefined && q[name] !== '';
  return given('project') ? 'project' : given('branches') ? 'branches' : null;
}

/**
 * `project` / `branches` filters answer questions about private dimensions ("does alice have a
 * project called X, and how long?"): only a viewer who may see projects (the owner, or a grant that
 * covers projects) may use them. Anyone else gets 401 (no credentials) or 403, naming the field,
 * on every time route, whether or not the route would apply the filter.
 */
export function requireFilterAccess(target: TargetUser, query: unknown, visibility: Visibility): void {
  const field = privateFilterIn(query);
  if (!field || visibility.projects) return;
  if (!target.auth) throw new HttpError(401, `Authentication required: filtering by ${field} is only for the owner; send your API key or an OAuth token`, field);
  throw new HttpError(403, `Forbidden: filtering by ${field} needs access to this user's projects`, field);
}

/**
 * resolveTargetUser for the time routes, then requireFilterAccess: a refused request that carries a
 * `project` / `branches` filter names that field, whether the user's data is private altogether
 * (summaries, durations) or only its projects (public stats), so every route answers alike.
 */
export async function resolveTimeTarget(
  storage: Storage,
  request: FastifyRequest,
  options: ResolveOptions & { family: 'summaries' | 'stats' },
): Promise<{ target: TargetUser; visibility: Visibility }> {
  const { params, query } = request as FastifyRequest<{ Params: { user: string } }>;
  let target: TargetUser;
  try {
    target = await resolveTargetUser(storage, request, params.user, options);
  } catch (err) {
    const field = privateFilterIn(query);
    if (field && err instanceof HttpError && (err.statusCode === 401 || err.statusCode === 403) && !err.field) throw new HttpError(err.statusCode, err.message, field);
    throw err;
  }
  const visibility = visibilityFor(target, options.family);
  requireFilterAccess(target, query, visibility);
  return { target, visibility };
}
