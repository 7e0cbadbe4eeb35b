/**
 * Query parameters shared by the time endpoints (timeout, writes_only, timezone and the filters
 * project, branches, language, editor, operating_system, machine, category; summaries' and the
 * dashboard's range or start/end) and the HTTP side of the access policy (domain/access.ts):
 * refusals as 401/403 naming the field.
 */
import { Type } from '@sinclair/typebox';
import { EARLIEST_DATE, latestDate, parseDateParam } from '../domain/calendar.js';
import { daysBetweenInclusive, summaryRange, SUMMARY_RANGES } from '../domain/ranges.js';
import { DEFAULT_TIMEOUT_MINUTES, MAX_TIMEOUT_MINUTES, MIN_TIMEOUT_MINUTES } from '../domain/duration.js';
import { canSee, visibilityFor, type Aspect, type ReadFamily, type Viewer, type Visibility } from '../domain/access.js';
import { FILTER_DIMENSION, FILTERS, type Filter, type Filters } from '../domain/stats-query.js';
import { userSettings, type Settings } from '../domain/user.js';
import type { Storage } from '../storage/db.js';
import type { FastifyRequest } from 'fastify';
import { resolveTargetUser, type Auth, type ResolveOptions, type TargetUser } from './auth.js';
import { HttpError } from './errors.js';
import { BooleanQuery, booleanParam, requireTimezone } from './schemas.js';

export const TimeQuerystring = {
  timeout: Type.Optional(Type.String({ maxLength: 10, description: `keystroke timeout in minutes (${MIN_TIMEOUT_MINUTES}–${MAX_TIMEOUT_MINUTES})` })),
  writes_only: Type.Optional(BooleanQuery('count only writes')),
  timezone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone' })),
};

export const FilterQuerystring = {
  project: Type.Optional(Type.String({ maxLength: 1024, description: 'only time on this project (owner, or a grant covering projects)' })),
  branches: Type.Optional(Type.String({ maxLength: 4096, description: 'comma separated branch names (owner, or a grant covering projects)' })),
  language: Type.Optional(Type.String({ maxLength: 1024, description: 'only time in this language' })),
  editor: Type.Optional(Type.String({ maxLength: 1024, description: 'only time in this editor' })),
  operating_system: Type.Optional(Type.String({ maxLength: 1024, description: 'only time on this operating system' })),
  machine: Type.Optional(Type.String({ maxLength: 1024, description: 'only time on this machine (by name)' })),
  category: Type.Optional(Type.String({ maxLength: 1024, description: 'only time in this category (coding, debugging …)' })),
};

type FilterParams = Partial<Record<Filter, string>>;

/** The filters a query carries (empty parameters are absent; `branches` is a comma separated list). */
export function parseFilters(q: FilterParams): Filters {
  const out: Filters = {};
  for (const f of FILTERS) {
    const raw = q[f];
    if (raw === undefined || raw === '') continue;
    const names = f === 'branches' ? raw.split(',').map((b) => b.trim()).filter(Boolean) : [raw];
    if (names.length > 0) out[FILTER_DIMENSION[f]] = names;
  }
  return out;
}

/** The settings a request computes with: its parameters, else the user's (public views: timeout 15). */
export function requestSettings(user: TargetUser['user'], q: { timeout?: string; writes_only?: string; timezone?: string }, isPublic: boolean): Settings {
  // the user's own settings as the time engine clamps them (garbage in the row never reaches a loop)
  const own = userSettings(user);
  let timeoutMinutes = isPublic ? DEFAULT_TIMEOUT_MINUTES : own.timeoutSeconds / 60;
  if (q.timeout !== undefined && q.timeout !== '' && !isPublic) {
    const n = Number(q.timeout);
    if (!Number.isInteger(n) || n < MIN_TIMEOUT_MINUTES || n > MAX_TIMEOUT_MINUTES) {
      throw new HttpError(400, `Must be a whole number of minutes from ${MIN_TIMEOUT_MINUTES} to ${MAX_TIMEOUT_MINUTES}.`, 'timeout');
    }
    timeoutMinutes = n;
  }
  const writesOnly = (isPublic ? undefined : booleanParam(q.writes_only, 'writes_only')) ?? (isPublic ? false : !!user.writes_only);
  const zone = requireTimezone(q.timezone && q.timezone !== '' ? q.timezone : own.zone);
  return { zone, timeoutSeconds: timeoutMinutes * 60, writesOnly };
}

/** A date parameter as a local date, or a 400 naming `field` (unknown format, or outside the dates a request may name). */
export function requireDate(value: string, zone: string, field: string, now: number = Date.now() / 1000): string {
  const date = parseDateParam(value, zone, now);
  if (!date) throw new HttpError(400, `Must be a date (YYYY-MM-DD, an ISO 8601 datetime, today or yesterday) from ${EARLIEST_DATE} to ${latestDate(zone, now)}.`, field);
  return date;
}

/** The range parameters of summaries and the dashboard: range= (one of SUMMARY_RANGES), or start and end. */
export const SummaryRangeQuerystring = {
  start: Type.Optional(Type.String({ maxLength: 64 })),
  end: Type.Optional(Type.String({ maxLength: 64 })),
  range: Type.Optional(Type.String({ maxLength: 64, description: SUMMARY_RANGES.join(', ') })),
};

/** At most this many days in one summaries or dashboard request (two years). */
export const MAX_SUMMARY_DAYS = 366 * 2;

/**
 * The local dates a summaries-style request names (range=, else both start and end), or a 400 naming the
 * field; the span is checked before any list of its days is built. `name` is the range's name, if given.
 */
export function requireSummaryRange(q: { start?: string; end?: string; range?: string }, zone: string, now: number): { first: string; last: string; name: string | null } {
  let first: string;
  let last: string;
  let name: string | null = null;
  if (q.range) {
    const r = summaryRange(q.range, zone, now);
    if (!r) throw new HttpError(400, `Unknown range: use one of ${SUMMARY_RANGES.join(', ')}.`, 'range');
    ({ first, last, name } = r);
  } else {
    if (!q.start) throw new HttpError(400, 'This field is required (or give range).', 'start');
    if (!q.end) throw new HttpError(400, 'This field is required (or give range).', 'end');
    first = requireDate(q.start, zone, 'start', now);
    last = requireDate(q.end, zone, 'end', now);
    if (last < first) throw new HttpError(400, 'Must not be before start.', 'end');
  }
  if (daysBetweenInclusive(first, last) > MAX_SUMMARY_DAYS) throw new HttpError(400, `At most ${MAX_SUMMARY_DAYS} days per request.`, 'end');
  return { first, last, name };
}

/** Who the requester is to the target user, for the access policy (domain/access.ts). */
export function viewerOf(target: TargetUser): Viewer {
  return target.isOwner ? { kind: 'owner', scopes: (target.auth as Auth).scopes } : { kind: 'public', authenticated: !!target.auth };
}

/** The first filter a query carries (in FILTERS order), if any. */
function firstFilterIn(query: unknown): Filter | null {
  const q = (query ?? {}) as Record<string, unknown>;
  return FILTERS.find((f) => q[f] !== undefined && q[f] !== '') ?? null;
}

const words = (aspect: string) => aspect.replace(/_/g, ' ');

/** 401 without credentials, 403 with them: the refusal of a time route, naming `field` when given. */
export function refusal(target: TargetUser, message: { anonymous: string; forbidden: string }, field?: string): HttpError {
  return target.auth ? new HttpError(403, `Forbidden: ${message.forbidden}`, field) : new HttpError(401, `Authentication required: ${message.anonymous}`, field);
}

/**
 * Filters answer questions about their dimension ("does alice have a project called X, and how
 * long?"): a filter is only for a viewer who may see its dimension (branches belong to projects).
 * Anyone else gets 401 (no credentials) or 403, naming the field, on every time route, whether or
 * not the name exists.
 */
export function requireFilterAccess(target: TargetUser, query: unknown, visibility: Visibility): void {
  const q = (query ?? {}) as FilterParams;
  for (const f of FILTERS) {
    if (q[f] === undefined || q[f] === '') continue;
    const dim = FILTER_DIMENSION[f];
    if (canSee(visibility, dim)) continue;
    const aspect = dim === 'branches' ? 'projects' : dim;
    throw refusal(target, { anonymous: `filtering by ${f} is only for the owner; send your API key or an OAuth token`, forbidden: `filtering by ${f} needs access to this user's ${words(aspect)}` }, f);
  }
}

/** The aspect must be visible (an insight about it), else 401/403. */
export function requireAspect(target: TargetUser, visibility: Visibility, aspect: Aspect, what: string): void {
  if (canSee(visibility, aspect)) return;
  throw refusal(target, { anonymous: `this user's public profile does not include ${what}.`, forbidden: `this ${target.isOwner ? 'grant' : "user's profile"} does not include ${what}.` });
}

export interface TimeTarget {
  target: TargetUser;
  viewer: Viewer;
  visibility: Visibility;
  filters: Filters;
}

/**
 * resolveTargetUser for the time routes, then the access policy for the filters: a refused request
 * that carries a filter names that field, whether the user's data is private altogether
 * (summaries, durations) or only the filtered dimension (public stats), so every route answers alike.
 */
export async function resolveTimeTarget(
  storage: Storage,
  request: FastifyRequest,
  options: ResolveOptions & { family: ReadFamily },
): Promise<TimeTarget> {
  const { params, query } = request as FastifyRequest<{ Params: { user: string } }>;
  let target: TargetUser;
  try {
    target = await resolveTargetUser(storage, request, params.user, options);
  } catch (err) {
    const field = firstFilterIn(query);
    if (field && err instanceof HttpError && (err.statusCode === 401 || err.statusCode === 403) && !err.field) throw new HttpError(err.statusCode, err.message, field);
    throw err;
  }
  const viewer = viewerOf(target);
  const visibility = visibilityFor(viewer, target.user, options.family);
  requireFilterAccess(target, query, visibility);
  return { target, viewer, visibility, filters: parseFilters((query ?? {}) as FilterParams) };
}

export { hasPublicStats, readScopes } from '../domain/access.js';
