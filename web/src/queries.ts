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
import type { Dashboard as OrgDashboard, DashboardMember, Org, TeamSummary } from '../../src/wire/org.js';
import type { BoardLeadersResponse, BoardMemberResource, Leaderboard, LeadersResponse } from '../../src/wire/leaders.js';
import type { DataDump } from '../../src/wire/data-dump.js';
import type { Import } from '../../src/wire/import.js';
import type { RelayTarget } from '../../src/wire/relay.js';
import type { Activity } from '../../src/wire/activity.js';
import type { UserDashboard } from '../../src/wire/dashboard.js';
import type { ShareLink } from '../../src/wire/share-link.js';
import type { GoalResource } from '../../src/wire/goal.js';
import type { Static } from '@sinclair/typebox';
import type { CommitList, CommitWebhookResource } from '../../src/wire/commit.js';
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
function useGet<T>(path: string, params: QueryParams = {}, options: { enabled?: boolean; quiet401?: boolean; anonymous?: boolean; keepPrevious?: boolean } = {}) {
  return useQuery<T>({
    // an answer still being calculated (202, is_up_to_date false) is asked again every 2 s
    refetchInterval: (query) => (stillCalculating(query.state.data) ? 2000 : false),
    queryKey: [path, params, options.anonymous ? 'anonymous' : 'own'],
    queryFn: ({ signal }) => getJson<T>(withParams(path, params), { signal, quiet401: options.quiet401, anonymous: options.anonymous }),
    enabled: options.enabled ?? true,
    placeholderData: options.keepPrevious ? keepPreviousData : undefined,
  });
}

function stillCalculating(data: unknown): boolean {
  if (!data || typeof data !== 'object') return false;
  const d = data as { is_up_to_date?: unknown; data?: { is_up_to_date?: unknown } };
  return d.is_up_to_date === false || (typeof d.data === 'object' && d.data !== null && !Array.isArray(d.data) && d.data.is_up_to_date === false);
}

// ── account resources ────────────────────────────────────────────────────────────────────────
export const useApiKeys = () => useGet<{ data: ApiKey[] }>(`${ME}/api_keys`);
export const useOAuthApps = () => useGet<{ data: OAuthApp[] }>(`${ME}/oauth_apps`);
export const useAuthorizedApps = () => useGet<{ data: AuthorizedApp[] }>(`${ME}/authorized_apps`);
export const useShareLinks = () => useGet<{ data: ShareLink[] }>(`${ME}/share_links`);

// ── time: summaries, stats, durations ─────────────────────────────────────────────────────────
/** GET summaries for `start`…`end` (YYYY-MM-DD) or a named `range`, with filters: the daily charts and totals. */
export function useSummaries(q: { start?: string; end?: string; range?: string } & TimeFilters, options: { enabled?: boolean } = {}) {
  return useGet<Summaries>(`${ME}/summaries`, { ...q }, { ...options, keepPrevious: true });
}

/** GET dashboard: what the dashboard draws for a range (summaries' numbers, each day's projects, the breakdowns). */
export function useDashboard(q: { start?: string; end?: string; range?: string } & TimeFilters, options: { enabled?: boolean } = {}) {
  return useGet<UserDashboard>(`${ME}/dashboard`, { ...q }, { ...options, keepPrevious: true });
}

/** GET stats/:range (last_7_days … all_time, YYYY, YYYY-MM) with filters. */
export function useStats(range: string, filters: TimeFilters = {}, options: { enabled?: boolean } = {}) {
  return useGet<Stats>(`${ME}/stats/${encodeURIComponent(range)}`, { ...filters }, { ...options, keepPrevious: true });
}

/** GET durations of one day (`slice_by` defaults to entity): the timeline. */
export function useDurations(date: string, sliceBy?: string, filters: TimeFilters = {}) {
  return useGet<Durations>(`${ME}/durations`, { date, slice_by: sliceBy, ...filters });
}

/** GET activity: each day's total over a range (default the last 365 days), streaks, best day: the calendar. */
export function useActivity(q: { start?: string; end?: string } = {}, user = 'current', options: { anonymous?: boolean } = {}) {
  return useGet<Activity>(`/api/v1/users/${encodeURIComponent(user)}/activity`, { ...q }, { ...options, quiet401: options.anonymous });
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
/** A user's stats as anyone sees them (asked without the session; null parts are private): the public profile. */
export function usePublicStats(username: string, range = 'last_7_days') {
  return useGet<Stats>(`/api/v1/users/${encodeURIComponent(username)}/stats/${encodeURIComponent(range)}`, {}, { quiet401: true, anonymous: true });
}

// ── leaders and private leaderboards ─────────────────────────────────────────────────────────
/** GET /leaders (anyone; signed in: with the viewer's rank, and their page when `page` is absent). */
export function useLeaders(q: { language?: string; country_code?: string; is_hireable?: string; page?: number }) {
  return useGet<LeadersResponse>('/api/v1/leaders', { ...q }, { keepPrevious: true, quiet401: true });
}

/** GET users/current/leaderboards: the boards you own, joined or are invited to. */
export const useLeaderboards = () => useGet<{ data: Leaderboard[]; total: number }>(`${ME}/leaderboards`);

/** GET users/current/leaderboards/:board: its members ranked (filters language, country_code, page). */
export function useLeaderboard(board: string, q: { language?: string; country_code?: string; page?: number }) {
  return useGet<BoardLeadersResponse>(`${ME}/leaderboards/${encodeURIComponent(board)}`, { ...q }, { keepPrevious: true });
}

/** GET users/current/leaderboards/:board/members: members (and invitations, for the owner). */
export function useLeaderboardMembers(board: string) {
  return useGet<{ data: BoardMemberResource[]; total: number }>(`${ME}/leaderboards/${encodeURIComponent(board)}/members`);
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
// ── goals and e-mail ─────────────────────────────────────────────────────────────────────────
export const GOALS_PATH = `${ME}/goals`;
export const MAIL_PREFERENCES_PATH = `${ME}/mail_preferences`;
/** GET goals: yours and the ones shared with you (the goals page). */
export const useGoals = () => useGet<{ data: GoalResource[]; total: number; total_pages: number }>(GOALS_PATH);
/** Whether this server sends e-mail (GET /api/web/mail; anyone). */
export const useMailStatus = () => useGet<{ data: { enabled: boolean } }>('/api/web/mail', {}, { quiet401: true });
/** Your e-mail preferences (the weekly summary). */
export const useMailPreferences = () => useGet<{ data: { weekly_summary: boolean; mail_enabled: boolean } }>(MAIL_PREFERENCES_PATH);
// ── commits (issue 12) ───────────────────────────────────────────────────────────────────────
/** GET a project's commits (a page, on a branch: default the repository's default branch). */
export function useCommits(project: string, q: { branch?: string; page?: number }, options: { enabled?: boolean } = {}) {
  return useGet<Static<typeof CommitList>>(`${ME}/projects/${encodeURIComponent(project)}/commits`, { ...q }, { ...options, keepPrevious: true });
}

/** GET the project's commit webhook (404: none yet). */
export function useCommitWebhook(project: string, options: { enabled?: boolean } = {}) {
  return useGet<{ data: Static<typeof CommitWebhookResource> }>(`${ME}/projects/${encodeURIComponent(project)}/commit_webhook`, {}, options);
}


// ── organizations and team dashboards (routes/orgs.ts) ───────────────────────────────────────
type Paged<T> = { data: T[]; total: number; page: number; total_pages: number };
export interface OrgMemberRow { id: string; username: string; full_name: string | null; email: string | null; photo: string | null; role: string; joined_at: string }
export interface InvitationRow { id: string; org: { id: string; name: string }; username: string | null; email: string | null; role: string; invited_by: string; created_at: string }
export interface RequestRow { id: string; username: string; full_name: string | null; kind: string; created_at: string }
export const orgPath = (org: string) => `${ME}/orgs/${encodeURIComponent(org)}`;
export const dashboardPath = (org: string, dashboard: string) => `${orgPath(org)}/dashboards/${encodeURIComponent(dashboard)}`;
export const useOrgs = () => useGet<Paged<Org>>(`${ME}/orgs`);
export const useMyInvitations = () => useGet<Paged<InvitationRow>>(`${ME}/org_invitations`);
export const useOrgDashboards = (org: string) => useGet<Paged<OrgDashboard>>(`${orgPath(org)}/dashboards`);
export const useOrgMembers = (org: string) => useGet<Paged<OrgMemberRow>>(`${orgPath(org)}/members`);
export const useOrgInvitations = (org: string, enabled: boolean) => useGet<Paged<InvitationRow>>(`${orgPath(org)}/invitations`, {}, { enabled });
export const useOrgDashboard = (org: string, dashboard: string) => useGet<{ data: OrgDashboard }>(dashboardPath(org, dashboard));
export const useDashboardMembers = (org: string, dashboard: string, page = 1) => useGet<Paged<DashboardMember>>(`${dashboardPath(org, dashboard)}/members`, { page }, { keepPrevious: true });
export const useDashboardRequests = (org: string, dashboard: string) => useGet<Paged<RequestRow>>(`${dashboardPath(org, dashboard)}/requests`);
export const useTeamSummary = (org: string, dashboard: string, range: string, enabled = true) => useGet<TeamSummary>(`${dashboardPath(org, dashboard)}/summary`, { range }, { keepPrevious: true, enabled });
export const useMemberSummaries = (org: string, dashboard: string, member: string, range: string) =>
  useGet<Summaries & { default_personal_privacy: string }>(`${dashboardPath(org, dashboard)}/members/${encodeURIComponent(member)}/summaries`, { range }, { keepPrevious: true });
