/**
 * The access policy for time data, in one place: may this viewer see this aspect (total time, best
 * day, or a dimension such as projects) of this subject's coding activity? Pure: the HTTP layer
 * turns a "no" into 401/403, services use the same answer to drop what a viewer may not see.
 *
 * Viewers today: the owner (an API key or session: every scope; an OAuth token: its scopes, where
 * `read_summaries.languages`, `read_stats.best_day` … narrow what is seen) and everyone else (the
 * subject's public-profile flags). Org dashboards and leaderboards plug in as new viewer kinds.
 */
import { SCOPED_DIMENSIONS } from './dimensions.js';
import type { Dimension } from './duration.js';
import type { Share } from './orgs.js';

/** `'all'` for API keys and sessions; otherwise an OAuth token's granted scope names. */
export type ScopeSet = 'all' | ReadonlySet<string>;

/** Which family of endpoints asks: stats grants (`read_stats*`) also open stats and insights. */
export type ReadFamily = 'summaries' | 'stats';

/** What can be seen of someone's time: the total, the best day, or a dimension. */
export type Aspect = 'time' | 'best_day' | Dimension;

/** Which parts of a subject's time a viewer may see. */
export interface Visibility {
  time: boolean;
  projects: boolean;
  languages: boolean;
  editors: boolean;
  operating_systems: boolean;
  categories: boolean;
  dependencies: boolean;
  machines: boolean;
  best_day: boolean;
}

export const EVERYTHING: Visibility = { time: true, projects: true, languages: true, editors: true, operating_systems: true, categories: true, dependencies: true, machines: true, best_day: true };
export const NOTHING: Visibility = { time: false, projects: false, languages: false, editors: false, operating_systems: false, categories: false, dependencies: false, machines: false, best_day: false };

/** The public-profile flags of a subject (0/1 as stored, or booleans); `id` tells dashboard members apart. */
export interface PublicProfile {
  id?: number;
  logged_time_public: number | boolean | null;
  languages_used_public: number | boolean | null;
  editors_used_public: number | boolean | null;
  os_used_public: number | boolean | null;
  categories_used_public: number | boolean | null;
}

/**
 * Who is looking. `owner`: the subject themself, with the scopes of the credential; `public`:
 * anyone else (authenticated or not), who sees what the subject's profile flags allow.
 * Later: `{ kind: 'org_dashboard', … }`, `{ kind: 'leaderboard', … }` with their own rule below.
 */
export type Viewer =
  | { kind: 'owner'; scopes: ScopeSet }
  | { kind: 'public'; authenticated: boolean }
  /**
   * A viewer of an org dashboard (domain/orgs.ts decided they may view it): sees each member as
   * that member shares (`shares`, by user id; absent: nothing), themself in full.
   */
  | { kind: 'dashboard'; viewerId: number; shares: ReadonlyMap<number, Share> };

/** Dimensions a narrowed scope (`read_summaries.<dim>`, `read_stats.<dim>`) may name: the one list, domain/dimensions.ts. */
export { SCOPED_DIMENSIONS };

function granted(scopes: ScopeSet, scope: string): boolean {
  return scopes === 'all' || scopes.has(scope);
}

/** Scopes any of which lets an app read summaries (or, with `stats`, stats and insights). */
export function readScopes(family: ReadFamily): string[] {
  const base = ['read_heartbeats', 'read_summaries', ...SCOPED_DIMENSIONS.map((s) => `read_summaries.${s}`)];
  return family === 'stats' ? [...base, 'read_stats', 'read_stats.best_day', ...SCOPED_DIMENSIONS.map((s) => `read_stats.${s}`)] : base;
}

/** What the subject's public-profile flags show to anyone. */
export function publicVisibility(subject: PublicProfile): Visibility {
  const time = !!subject.logged_time_public;
  return {
    ...NOTHING,
    time,
    best_day: time,
    languages: !!subject.languages_used_public,
    editors: !!subject.editors_used_public,
    operating_systems: !!subject.os_used_public,
    categories: !!subject.categories_used_public,
  };
}

/** Whether anything of a subject's stats is public (README cards ask anonymously). */
export function hasPublicStats(subject: PublicProfile): boolean {
  const v = publicVisibility(subject);
  return v.time || v.languages || v.editors || v.operating_systems || v.categories;
}

/**
 * Everything a viewer may see of a subject: the owner with a full scope sees everything; narrowed
 * OAuth scopes only their dimensions (and `read_stats.best_day` the best day, for stats); anyone
 * else what the public-profile flags allow.
 */
export function visibilityFor(viewer: Viewer, subject: PublicProfile, family: ReadFamily): Visibility {
  if (viewer.kind === 'public') return publicVisibility(subject);
  if (viewer.kind === 'dashboard') return dashboardVisibility(viewer, subject.id);
  const full = ['read_heartbeats', 'read_summaries', ...(family === 'stats' ? ['read_stats'] : [])];
  if (full.some((s) => granted(viewer.scopes, s))) return EVERYTHING;
  const v: Visibility = { ...EVERYTHING, best_day: family === 'stats' && granted(viewer.scopes, 'read_stats.best_day') };
  for (const dim of SCOPED_DIMENSIONS) v[dim] = granted(viewer.scopes, `read_summaries.${dim}`) || (family === 'stats' && granted(viewer.scopes, `read_stats.${dim}`));
  return v;
}

/**
 * What a dashboard viewer sees of a member: themself in full; a member sharing everything, every
 * dimension but machine names (personal); one sharing totals, only time (and the best day).
 */
export function dashboardVisibility(viewer: Extract<Viewer, { kind: 'dashboard' }>, subjectId: number | undefined): Visibility {
  if (subjectId === undefined) return NOTHING;
  if (subjectId === viewer.viewerId) return EVERYTHING;
  const share = viewer.shares.get(subjectId);
  if (share === 'everything') return { ...EVERYTHING, machines: false };
  if (share === 'totals') return { ...NOTHING, time: true, best_day: true };
  return NOTHING;
}

/** Whether `v` shows an aspect: branches and files (entities) belong to projects. */
export function canSee(v: Visibility, aspect: Aspect): boolean {
  if (aspect === 'branches' || aspect === 'entities') return v.projects;
  return v[aspect];
}

/** The question "may this viewer see this aspect of this subject", answered in one call. */
export function maySee(viewer: Viewer, subject: PublicProfile, aspect: Aspect, family: ReadFamily): boolean {
  return canSee(visibilityFor(viewer, subject, family), aspect);
}

/** `value()` when the aspect is visible, else null: the one way hidden parts are blanked. */
export function shown<T>(v: Visibility, aspect: Aspect, value: () => T): T | null {
  return canSee(v, aspect) ? value() : null;
}

/** What both may see (several subjects in one answer: the least any of them shows). */
export function intersect(a: Visibility, b: Visibility): Visibility {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof Visibility)[]) out[k] = a[k] && b[k];
  return out;
}
