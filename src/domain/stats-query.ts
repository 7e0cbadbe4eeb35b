/**
 * The one time question every read asks: time for these users × these local days × these
 * settings × these filters, in these dimensions, as seen by this viewer. `services/stats.ts`
 * answers it (from rollups where they apply, from raw heartbeats otherwise). Pure.
 */
import type { Aspect, ReadFamily, Viewer, Visibility } from './access.js';
import { namesOf, type DayTotals, type Dimension } from './duration.js';
import type { ActivityHeartbeat } from './heartbeat.js';

/** The filters every time endpoint accepts, as query parameters, in the order refusals name them. */
export const FILTERS = ['project', 'branches', 'language', 'editor', 'operating_system', 'machine', 'category'] as const;
export type Filter = (typeof FILTERS)[number];

/** The dimension each filter selects on. */
export const FILTER_DIMENSION: Record<Filter, Dimension> = {
  project: 'projects',
  branches: 'branches',
  language: 'languages',
  editor: 'editors',
  operating_system: 'operating_systems',
  machine: 'machines',
  category: 'categories',
};

/** Per dimension, the names to keep (any of them); several dimensions must all match. */
export type Filters = Partial<Record<Dimension, readonly string[]>>;

export interface StatsQuery {
  /** Internal user ids; the answer sums them (and keeps each one's days apart). */
  subjects: number[];
  /** Local dates, inclusive, in `zone`. */
  range: { first: string; last: string };
  zone: string;
  settings: { timeoutSeconds: number; writesOnly: boolean };
  /**
   * Each subject in their own zone, timeout and writes_only (team dashboards: every member's days
   * are their local days, served by their rollups); `zone` and `settings` then only name the range.
   */
  ownSettings?: boolean;
  filters: Filters;
  /** The dimensions wanted per day (or for the range, with granularity 'range'); [] for totals only. */
  dimensions: readonly Dimension[];
  /**
   * 'day': every day's totals per dimension; 'range': the dimensions summed over the range and only
   * each day's total (cheaper for long ranges: stats, insights); 'total': the range summed, nothing
   * per day (all_time_since_today) — for several subjects in their own settings (a team), the
   * answer's dayTotals still sum them per date (each subject's own days are not kept).
   */
  granularity: 'day' | 'range' | 'total';
  viewer: Viewer;
  /** Which endpoint family asks: the viewer's scopes are read for it (read_stats.* open stats only). */
  family: ReadFamily;
}

export interface SubjectAnswer {
  /** Per local date with activity: total seconds and per-dimension seconds (granularity 'day' only). */
  days: Map<string, DayTotals>;
  /** Per local date with activity: total seconds (granularities 'day' and 'range'). */
  dayTotals: Map<string, number>;
  /** The whole range: total seconds and per-dimension seconds. */
  sum: DayTotals;
  /** What the viewer may see of this subject (set per subject in `bySubject`). */
  visibility?: Visibility;
}

export interface StatsAnswer extends SubjectAnswer {
  /** Each subject's own answer (the top level sums them). */
  bySubject: Map<number, SubjectAnswer>;
  /**
   * What the viewer may see of the answer (domain/access.ts; with several subjects, what all of
   * them show). Mappings to the wire blank the rest (`shown`); numbers derived from hidden
   * dimensions (totals without "Other") stay exact.
   */
  visibility: Visibility;
  /** False while rollups are still being built: the value is partial (answer 202). */
  upToDate: boolean;
  percent: number;
}

/** A filter on an aspect the viewer may not see: the HTTP layer answers 401/403 naming `field`. */
export class FilterNotAllowedError extends Error {
  constructor(
    readonly field: Filter,
    readonly aspect: Aspect,
  ) {
    super(`filtering by ${field} needs access to this user's ${aspect}`);
    this.name = 'FilterNotAllowedError';
  }
}

/** Whether a query filters on anything. */
export function hasFilters(filters: Filters): boolean {
  return Object.values(filters).some((names) => names && names.length > 0);
}

/**
 * The heartbeats whose credited time counts under `filters` (undefined: all). A heartbeat matches
 * a dimension when one of its names there (as summaries show them: "Unknown Project" for none) is
 * listed; gaps are still computed on the full stream (domain/duration.ts).
 */
export function filterPredicate(filters: Filters): ((h: ActivityHeartbeat) => boolean) | undefined {
  const tests = (Object.entries(filters) as [Dimension, readonly string[] | undefined][])
    .filter(([, names]) => names && names.length > 0)
    .map(([dim, names]) => [dim, new Set(names)] as const);
  if (tests.length === 0) return undefined;
  return (h) => tests.every(([dim, set]) => namesOf(h, dim).some((n) => set.has(n)));
}

/**
 * With one filter on one name of a dimension where every heartbeat has exactly one name, a day's
 * filtered total is that name's seconds in the unfiltered day: rollups answer it without heartbeats.
 * Returns that [dimension, name], or null when the filters need the raw path.
 */
export function singleNameFilter(filters: Filters): [Dimension, string] | null {
  const given = (Object.entries(filters) as [Dimension, readonly string[] | undefined][]).filter(([, names]) => names && names.length > 0);
  if (given.length !== 1) return null;
  const [dim, names] = given[0]!;
  if (names!.length !== 1 || dim === 'dependencies' || dim === 'branches' || dim === 'entities') return null;
  return [dim, names![0]!];
}
