/**
 * One typed query hook per resource or chart (TanStack Query, data.ts). The answer types are the
 * server's wire schemas (src/wire, `import type`: erased at build), so the pages and the API
 * cannot drift. A hook's key starts with the request path, so `invalidate(path)` after a change
 * refreshes every page that shows it.
 *
 * To add one: `useQuery({ queryKey: [path, params], queryFn: ({ signal }) => getJson<Type>(withParams(path, params), { signal }) })`.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ApiKey } from '../../src/wire/api-key.js';
import type { Durations } from '../../src/wire/duration.js';
import type { HeartbeatDay } from '../../src/wire/heartbeat.js';
import type { AuthorizedApp, OAuthApp } from '../../src/wire/oauth.js';
import type { ProjectResource } from '../../src/wire/project.js';
import type { Stats } from '../../src/wire/stats.js';
import type { Summaries } from '../../src/wire/summary.js';
import type { DataDump } from '../../src/wire/data-dump.js';
import type { Import } from '../../src/wire/import.js';
import type { RelayTarget } from '../../src/wire/relay.js';
import { getJson, withParams, type QueryParams } from './data.js';

export const ME = '/api/v1/users/current';

/** The seven filters every time endpoint takes (by the names summaries show). */
export interface TimeFilters {
  project?: string;
  branches?: string;
  language?: string;
  editor?: string;
  operating_system?: string;
  machine?: string;
  category?: string;
}

/** A query of `path` with `params`, keyed [path, params]. */
function useGet<T>(path: string, params: QueryParams = {}, options: { enabled?: boolean; quiet401?: boolean; keepPrevious?: boolean } = {}) {
  return useQuery({
    queryKey: [path, params],
    queryFn: ({ signal }) => getJson<T>(withParams(path, params), { signal, quiet401: options.quiet401 }),
    enabled: options.enabled ?? true,
    placeholderData: options.keepPrevious ? keepPreviousData : undefined,
  });
}

// ── account resources ────────────────────────────────────────────────────────────────────────
export const useApiKeys = () => useGet<{ data: ApiKey[] }>(`${ME}/api_keys`);
export const useOAuthApps = () => useGet<{ data: OAuthApp[] }>(`${ME}/oauth_apps`);
export const useAuthorizedApps = () => useGet<{ data: AuthorizedApp[] }>(`${ME}/authorized_apps`);

// ── time: summaries, stats, durations ─────────────────────────────────────────────────────────
/** GET summaries for `start`…`end` (YYYY-MM-DD) or a named `range`, with filters: the daily charts and totals. */
export function useSummaries(q: { start?: string; end?: string; range?: string } & TimeFilters, options: { enabled?: boolean } = {}) {
  return useGet<Summaries>(`${ME}/summaries`, { ...q }, { ...options, keepPrevious: true });
}

/** GET stats/:range (last_7_days … all_time, YYYY, YYYY-MM) with filters. */
export function useStats(range: string, filters: TimeFilters = {}, options: { enabled?: boolean } = {}) {
  return useGet<Stats>(`${ME}/stats/${encodeURIComponent(range)}`, { ...filters }, { ...options, keepPrevious: true });
}

/** GET durations of one day (`slice_by` defaults to entity): the timeline. */
export function useDurations(date: string, sliceBy?: string, filters: TimeFilters = {}) {
  return useGet<Durations>(`${ME}/durations`, { date, slice_by: sliceBy, ...filters });
}

// ── records ──────────────────────────────────────────────────────────────────────────────────
/** GET heartbeats of one local day. */
export function useHeartbeats(date: string) {
  return useGet<HeartbeatDay>(`${ME}/heartbeats`, { date });
}

/** GET projects (with `q`, a search term). */
export function useProjects(q?: string) {
  return useGet<{ data: ProjectResource[] }>(`${ME}/projects`, { q }, { keepPrevious: true });
}

// ── public ───────────────────────────────────────────────────────────────────────────────────
/** A user's public stats (anyone; null parts are private): the public profile. */
export function usePublicStats(username: string, range = 'last_7_days') {
  return useGet<Stats>(`/api/v1/users/${encodeURIComponent(username)}/stats/${encodeURIComponent(range)}`, {}, { quiet401: true });
}

// ── data transfer: exports, imports, relay targets (refreshed every 2 s while one is processing) ──
export function useDataDumps() {
  return useQuery({
    queryKey: [`${ME}/data_dumps`],
    queryFn: ({ signal }) => getJson<{ data: DataDump[] }>(`${ME}/data_dumps`, { signal }),
    refetchInterval: (q) => (q.state.data?.data.some((d) => d.is_processing) ? 2000 : false),
  });
}
export function useImports() {
  return useQuery({
    queryKey: [`${ME}/imports`],
    queryFn: ({ signal }) => getJson<{ data: Import[] }>(`${ME}/imports`, { signal }),
    refetchInterval: (q) => (q.state.data?.data.some((i) => i.is_processing) ? 1000 : false),
  });
}
export function useRelayTargets() {
  return useQuery({
    queryKey: [`${ME}/relay_targets`],
    queryFn: ({ signal }) => getJson<{ data: RelayTarget[] }>(`${ME}/relay_targets`, { signal }),
    refetchInterval: (q) => (q.state.data?.data.some((t) => t.pending > 0) ? 5000 : false),
  });
}
