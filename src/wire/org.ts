/**
 * Wire resources of organizations and team dashboards: an org, a dashboard, a dashboard member, an
 * org member, an invitation, a request, a join link, member summaries and the team summary — each a
 * TypeBox schema (the routes' response schemas) with one mapping function.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { dashboardPermissions, humanCount, orgPermissions, type DashboardStanding, type OrgRole } from '../domain/orgs.js';
import { grandTotal, items } from '../domain/summary.js';
import { Nullable } from './common.js';
import { Summaries, SummaryItem } from './summary.js';

const iso = (s: number) => new Date(s * 1000).toISOString();

/** The reference's paginated list envelope. */
export const OrgPaged = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    {
      data: Type.Array(item),
      total: Type.Integer(),
      total_pages: Type.Integer(),
      page: Type.Integer(),
      prev_page: Nullable(Type.Integer()),
      next_page: Nullable(Type.Integer()),
    },
    { description },
  );

/** One page of `all` (1-based `page`, `perPage` per page) in the reference's envelope. */
export function orgPageOf<T>(all: readonly T[], page: number, perPage: number, total = all.length, alreadySliced = false) {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const data = alreadySliced ? [...all] : all.slice((page - 1) * perPage, page * perPage);
  return { data, total, total_pages: totalPages, page, prev_page: page > 1 ? page - 1 : null, next_page: page < totalPages ? page + 1 : null };
}

// ── org ───────────────────────────────────────────────────────────────────────────────────────

export const Org = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: Type.String({ description: "the current user's role: owner, admin or member" }),
    default_project_privacy: Type.String({ description: 'visible or hidden: what a new dashboard member shares by default (visible: everything)' }),
    invited_people_count: Type.Integer(),
    invited_people_count_human_readable: Type.String(),
    is_duration_visible: Type.Boolean(),
    people_count: Type.Integer(),
    people_count_human_readable: Type.String(),
    timeout: Type.Integer(),
    timezone: Type.String(),
    writes_only: Type.Boolean(),
    can_current_user_list_dashboards: Type.Boolean(),
    can_current_user_create_dashboards: Type.Boolean(),
    can_current_user_display_coding_on_dashboards: Type.Boolean(),
    can_current_user_view_all_dashboards: Type.Boolean(),
    can_current_user_add_people_to_dashboards: Type.Boolean(),
    can_current_user_remove_people_from_dashboards: Type.Boolean(),
    can_current_user_edit_and_delete_dashboards: Type.Boolean(),
    can_current_user_add_people_to_org: Type.Boolean(),
    can_current_user_remove_people_from_org: Type.Boolean(),
    can_current_user_manage_groups: Type.Boolean(),
    can_current_user_view_audit_log: Type.Boolean(),
    can_current_user_edit_org: Type.Boolean(),
    can_current_user_manage_billing: Type.Boolean(),
    can_current_user_delete_org: Type.Boolean(),
    created_at: Type.String(),
    modified_at: Type.String(),
  },
  { description: 'An organization, as the current user sees it' },
);
export type Org = Static<typeof Org>;
export const OrgPage = OrgPaged(Org, "The current user's organizations");
export const OrgBody = Type.Object({ data: Org });

export interface OrgInput {
  uuid: string;
  name: string;
  timezone: string;
  timeout: number;
  writes_only: number | boolean;
  is_duration_visible: number | boolean;
  created_at: number;
  modified_at: number;
  role: OrgRole;
  people: number;
  invited: number;
}

export function orgResource(o: OrgInput): Org {
  const p = orgPermissions(o.role);
  return {
    id: o.uuid,
    name: o.name,
    role: o.role,
    default_project_privacy: 'visible',
    invited_people_count: o.invited,
    invited_people_count_human_readable: humanCount(o.invited),
    is_duration_visible: !!o.is_duration_visible,
    people_count: o.people,
    people_count_human_readable: humanCount(o.people),
    timeout: o.timeout,
    timezone: o.timezone,
    writes_only: !!o.writes_only,
    can_current_user_list_dashboards: p.list_dashboards,
    can_current_user_create_dashboards: p.create_dashboards,
    can_current_user_display_coding_on_dashboards: p.display_coding_on_dashboards,
    can_current_user_view_all_dashboards: p.view_all_dashboards,
    can_current_user_add_people_to_dashboards: p.add_people_to_dashboards,
    can_current_user_remove_people_from_dashboards: p.remove_people_from_dashboards,
    can_current_user_edit_and_delete_dashboards: p.edit_and_delete_dashboards,
    can_current_user_add_people_to_org: p.add_people_to_org,
    can_current_user_remove_people_from_org: p.remove_people_from_org,
    can_current_user_manage_groups: p.manage_groups,
    can_current_user_view_audit_log: p.view_audit_log,
    can_current_user_edit_org: p.edit_org,
    can_current_user_manage_billing: p.manage_billing,
    can_current_user_delete_org: p.delete_org,
    created_at: iso(o.created_at),
    modified_at: iso(o.modified_at),
  };
}

// ── dashboard ─────────────────────────────────────────────────────────────────────────────────

export const Dashboard = Type.Object(
  {
    id: Type.String(),
    full_name: Type.String(),
    created_by: Nullable(Type.String({ description: 'username of the creator (null once they are gone)' })),
    timezone: Type.String(),
    has_changed_timezone: Type.Boolean(),
    access: Type.String({ description: "org: every org member may view; members: only the dashboard's members and viewers" }),
    members_count: Type.Integer(),
    members_count_human_readable: Type.String(),
    is_current_user_member: Type.Boolean(),
    current_user_share: Nullable(Type.String({ description: "what the current user shares here (everything or totals); null when not a member" })),
    is_current_user_view_only: Type.Boolean(),
    can_current_user_view: Type.Boolean(),
    can_current_user_request_to_view: Type.Boolean(),
    can_current_user_request_to_join: Type.Boolean(),
    can_current_user_add_members: Type.Boolean(),
    can_current_user_remove_members: Type.Boolean(),
    can_current_user_delete: Type.Boolean(),
    created_at: Type.String(),
    modified_at: Type.String(),
  },
  { description: 'A dashboard of an organization, as the current user sees it' },
);
export type Dashboard = Static<typeof Dashboard>;
export const DashboardPage = OrgPaged(Dashboard, "The organization's dashboards");
export const DashboardBody = Type.Object({ data: Dashboard });

export interface DashboardInput {
  uuid: string;
  name: string;
  timezone: string | null;
  access: string;
  created_by_name: string | null;
  members_count: number;
  created_at: number;
  modified_at: number;
  orgTimezone: string;
  standing: DashboardStanding;
  share: string | null;
}

export function dashboardResource(d: DashboardInput): Dashboard {
  const p = dashboardPermissions(d.standing);
  return {
    id: d.uuid,
    full_name: d.name,
    created_by: d.created_by_name,
    timezone: d.timezone ?? d.orgTimezone,
    has_changed_timezone: d.timezone !== null && d.timezone !== d.orgTimezone,
    access: d.access,
    members_count: d.members_count,
    members_count_human_readable: humanCount(d.members_count),
    is_current_user_member: d.standing.membership !== null,
    current_user_share: d.standing.membership ? d.share : null,
    is_current_user_view_only: d.standing.membership?.isViewOnly ?? false,
    can_current_user_view: p.view,
    can_current_user_request_to_view: p.request_to_view,
    can_current_user_request_to_join: p.request_to_join,
    can_current_user_add_members: p.add_members,
    can_current_user_remove_members: p.remove_members,
    can_current_user_delete: p.delete,
    created_at: iso(d.created_at),
    modified_at: iso(d.modified_at),
  };
}

// ── people ────────────────────────────────────────────────────────────────────────────────────

/** The user fields a member row shows; `showEmail`: the viewer may see this member's address. */
export interface PersonInput {
  uuid: string;
  username: string;
  email: string | null;
  full_name: string | null;
  photo: string | null;
  public_email: string | null;
  is_email_public: number | boolean;
}

function emailFor(p: PersonInput, showEmail: boolean): string | null {
  if (showEmail) return p.email;
  return p.is_email_public ? (p.public_email ?? p.email) : null;
}

export const DashboardMember = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    full_name: Nullable(Type.String()),
    email: Nullable(Type.String({ description: 'shown to org admins, the member themself, or when the member made it public' })),
    photo: Nullable(Type.String()),
    is_view_only: Type.Boolean(),
    share: Type.String({ description: 'everything or totals: what this member shows on the dashboard' }),
  },
  { description: 'A member of a dashboard' },
);
export type DashboardMember = Static<typeof DashboardMember>;
export const DashboardMemberPage = OrgPaged(DashboardMember, "A dashboard's members");
export const DashboardMemberBody = Type.Object({ data: DashboardMember });

export function dashboardMemberResource(m: PersonInput & { is_view_only: number | boolean; share: string }, showEmail: boolean): DashboardMember {
  return { id: m.uuid, username: m.username, full_name: m.full_name, email: emailFor(m, showEmail), photo: m.photo, is_view_only: !!m.is_view_only, share: m.share };
}

export const OrgMember = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    full_name: Nullable(Type.String()),
    email: Nullable(Type.String()),
    photo: Nullable(Type.String()),
    role: Type.String(),
    joined_at: Type.String(),
  },
  { description: 'A member of an organization' },
);
export const OrgMemberPage = OrgPaged(OrgMember, "An organization's members");
export const OrgMemberBody = Type.Object({ data: OrgMember });

export function orgMemberResource(m: PersonInput & { role: string; joined_at: number }, showEmail: boolean): Static<typeof OrgMember> {
  return { id: m.uuid, username: m.username, full_name: m.full_name, email: emailFor(m, showEmail), photo: m.photo, role: m.role, joined_at: iso(m.joined_at) };
}

export const Invitation = Type.Object(
  {
    id: Type.String(),
    org: Type.Object({ id: Type.String(), name: Type.String() }),
    username: Nullable(Type.String({ description: 'the invited user (by username); null for an invitation by e-mail' })),
    email: Nullable(Type.String({ description: 'the invited address; null for an invitation by username' })),
    role: Type.String(),
    invited_by: Type.String(),
    created_at: Type.String(),
  },
  { description: 'A pending invitation to an organization' },
);
export const InvitationPage = OrgPaged(Invitation, 'Pending invitations');
export const InvitationBody = Type.Object({ data: Invitation });

export function invitationResource(i: { uuid: string; org_uuid: string; org_name: string; username: string | null; email: string | null; role: string; inviter: string; created_at: number }): Static<typeof Invitation> {
  return { id: i.uuid, org: { id: i.org_uuid, name: i.org_name }, username: i.username, email: i.email, role: i.role, invited_by: i.inviter, created_at: iso(i.created_at) };
}

export const DashboardRequest = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    full_name: Nullable(Type.String()),
    kind: Type.String({ description: 'view or join' }),
    created_at: Type.String(),
  },
  { description: 'A request to view or to join a dashboard' },
);
export const DashboardRequestPage = OrgPaged(DashboardRequest, "A dashboard's pending requests");
export const DashboardRequestBody = Type.Object({ data: DashboardRequest });

export function dashboardRequestResource(r: { uuid: string; username: string; full_name: string | null; kind: string; created_at: number }): Static<typeof DashboardRequest> {
  return { id: r.uuid, username: r.username, full_name: r.full_name, kind: r.kind, created_at: iso(r.created_at) };
}

export const JoinLink = Type.Object(
  { data: Type.Object({ token: Type.String(), url: Type.String({ description: 'the page that joins the org; shown once' }) }) },
  { description: "An organization's join link (stored only as a hash: shown once)" },
);

// ── time ──────────────────────────────────────────────────────────────────────────────────────

export const MemberSummaries = Type.Object(
  { ...Summaries.properties, default_personal_privacy: Type.String({ description: "visible: the member shares everything; hidden: only totals" }) },
  { description: "A dashboard member's summaries" },
);
export type MemberSummaries = Static<typeof MemberSummaries>;

export const TeamMember = Type.Object({
  id: Type.String(),
  username: Type.String(),
  full_name: Nullable(Type.String()),
  share: Type.String(),
  total_seconds: Type.Number(),
  text: Type.String(),
  today_seconds: Type.Number(),
  daily_average_seconds: Type.Number(),
  top_language: Nullable(Type.String({ description: 'null when the member shares only totals' })),
  days: Nullable(Type.Array(Type.Number(), { description: "seconds per date of `dates`, in the member's own days; only for the most active members the chart stacks (null for the rest)" })),
});

export const TeamSummary = Type.Object(
  {
    data: Type.Object({
      dashboard: Type.Object({ id: Type.String(), full_name: Type.String(), timezone: Type.String() }),
      range: Type.Object({ start: Type.String(), end: Type.String(), name: Nullable(Type.String()), timezone: Type.String() }),
      dates: Type.Array(Type.String()),
      grand_total: Type.Object({ total_seconds: Type.Number(), digital: Type.String(), decimal: Type.String(), text: Type.String(), hours: Type.Integer(), minutes: Type.Integer() }),
      daily_totals: Type.Array(Type.Number(), { description: 'the team total per date of `dates`' }),
      daily_others: Type.Array(Type.Number(), { description: 'per date, the time of the members without their own `days` (the rest of the stack)' }),
      daily_average_seconds: Type.Number(),
      projects: Type.Array(SummaryItem, { description: 'of the members who share everything' }),
      languages: Type.Array(SummaryItem, { description: 'of the members who share everything' }),
      members: Type.Array(TeamMember),
      is_up_to_date: Type.Boolean(),
      percent_calculated: Type.Number(),
    }),
  },
  { description: "A dashboard's team summary: total, per member and day, projects and languages" },
);
export type TeamSummary = Static<typeof TeamSummary>;

export interface TeamSummaryInput {
  dashboard: { uuid: string; name: string; timezone: string };
  range: { first: string; last: string; name: string | null };
  dates: readonly string[];
  /** The team's total per date. */
  teamDays: Map<string, number>;
  members: {
    uuid: string;
    username: string;
    full_name: string | null;
    share: string;
    /** Per date, for the members the chart stacks; null for the rest. */
    dayTotals: Map<string, number> | null;
    total: number;
    today: number;
    topLanguage: string | null;
  }[];
  projects: Map<string, number>;
  languages: Map<string, number>;
  upToDate: boolean;
  percent: number;
}

export function teamSummaryResource(i: TeamSummaryInput): TeamSummary {
  const n = Math.max(1, i.dates.length);
  const daily = i.dates.map((d) => i.teamDays.get(d) ?? 0);
  const others = i.dates.map((d, k) => Math.max(0, daily[k]! - i.members.reduce((s, m) => s + (m.dayTotals?.get(d) ?? 0), 0)));
  const total = i.members.reduce((s, m) => s + m.total, 0);
  const dimTotal = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    data: {
      dashboard: { id: i.dashboard.uuid, full_name: i.dashboard.name, timezone: i.dashboard.timezone },
      range: { start: i.range.first, end: i.range.last, name: i.range.name, timezone: i.dashboard.timezone },
      dates: [...i.dates],
      grand_total: grandTotal(total),
      daily_totals: daily.map(r2),
      daily_others: others.map(r2),
      daily_average_seconds: r2(total / n),
      projects: items(i.projects, dimTotal(i.projects)),
      languages: items(i.languages, dimTotal(i.languages)),
      members: i.members.map((m) => ({
        id: m.uuid,
        username: m.username,
        full_name: m.full_name,
        share: m.share,
        total_seconds: r2(m.total),
        text: grandTotal(m.total).text,
        today_seconds: r2(m.today),
        daily_average_seconds: r2(m.total / n),
        top_language: m.topLanguage,
        days: m.dayTotals ? i.dates.map((d) => r2(m.dayTotals!.get(d) ?? 0)) : null,
      })),
      is_up_to_date: i.upToDate,
      percent_calculated: i.percent,
    },
  };
}

