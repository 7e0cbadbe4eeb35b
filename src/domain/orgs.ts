/**
 * Organizations and team dashboards: roles, what each role may do, and who may view a dashboard.
 * Pure: services/orgs.ts asks these before every change, the wire computes the reference's
 * `can_current_user_*` fields with them, and domain/access.ts reads a member's sharing choice.
 *
 * - Roles: owner (one per org: deletes it, transfers it, changes roles), admin (manages members,
 *   invitations, dashboards and their members, approves requests, edits the org), member.
 * - A dashboard's `access`: 'org' lets every org member view it; 'members' only its members and
 *   viewers (and admins, who see every dashboard); others may request to view it.
 * - A dashboard member shares 'everything' (every dimension but machine names) or only 'totals'
 *   (time per day); a view-only member's time is not shown at all.
 */

export const ORG_ROLES = ['owner', 'admin', 'member'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export const SHARES = ['everything', 'totals'] as const;
export type Share = (typeof SHARES)[number];
export const DASHBOARD_ACCESS = ['org', 'members'] as const;
export type DashboardAccess = (typeof DASHBOARD_ACCESS)[number];
export const REQUEST_KINDS = ['view', 'join'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Longest org and dashboard name. */
export const MAX_NAME_LENGTH = 100;

export function isOrgRole(v: string): v is OrgRole {
  return (ORG_ROLES as readonly string[]).includes(v);
}
export function isShare(v: string): v is Share {
  return (SHARES as readonly string[]).includes(v);
}
export function isDashboardAccess(v: string): v is DashboardAccess {
  return (DASHBOARD_ACCESS as readonly string[]).includes(v);
}
export function isRequestKind(v: string): v is RequestKind {
  return (REQUEST_KINDS as readonly string[]).includes(v);
}

const RANK: Record<OrgRole, number> = { member: 1, admin: 2, owner: 3 };

/** Whether `role` is at least `least` (null: not in the org). */
export function atLeast(role: OrgRole | null, least: OrgRole): boolean {
  return role !== null && RANK[role] >= RANK[least];
}

/** The reference's org-level `can_current_user_*` fields, from the viewer's role (null: outsider). */
export interface OrgPermissions {
  list_dashboards: boolean;
  create_dashboards: boolean;
  display_coding_on_dashboards: boolean;
  view_all_dashboards: boolean;
  add_people_to_dashboards: boolean;
  remove_people_from_dashboards: boolean;
  edit_and_delete_dashboards: boolean;
  add_people_to_org: boolean;
  remove_people_from_org: boolean;
  /** Groups are the roles here: changing a member's role. */
  manage_groups: boolean;
  /** Metronome keeps no audit log and bills nobody: no role may (README). */
  view_audit_log: boolean;
  edit_org: boolean;
  manage_billing: boolean;
  delete_org: boolean;
}

export function orgPermissions(role: OrgRole | null): OrgPermissions {
  const member = atLeast(role, 'member');
  const admin = atLeast(role, 'admin');
  const owner = atLeast(role, 'owner');
  return {
    list_dashboards: member,
    create_dashboards: admin,
    display_coding_on_dashboards: member,
    view_all_dashboards: admin,
    add_people_to_dashboards: admin,
    remove_people_from_dashboards: admin,
    edit_and_delete_dashboards: admin,
    add_people_to_org: admin,
    remove_people_from_org: admin,
    manage_groups: owner,
    view_audit_log: false,
    edit_org: admin,
    manage_billing: false,
    delete_org: owner,
  };
}

/** Where the viewer stands toward one dashboard. */
export interface DashboardStanding {
  /** The viewer's role in the dashboard's org (null: outsider). */
  role: OrgRole | null;
  /** The viewer's place on the dashboard (null: not on it). */
  membership: { isViewOnly: boolean } | null;
  /** The viewer's pending requests to this dashboard. */
  pending: { view: boolean; join: boolean };
  access: DashboardAccess;
}

/** The reference's dashboard-level `can_current_user_*` fields. */
export interface DashboardPermissions {
  view: boolean;
  request_to_view: boolean;
  request_to_join: boolean;
  add_members: boolean;
  remove_members: boolean;
  delete: boolean;
}

export function dashboardPermissions(s: DashboardStanding): DashboardPermissions {
  const member = atLeast(s.role, 'member');
  const admin = atLeast(s.role, 'admin');
  const view = admin || (member && (s.membership !== null || s.access === 'org'));
  const showsTime = s.membership !== null && !s.membership.isViewOnly;
  return {
    view,
    request_to_view: member && !view && !s.pending.view,
    request_to_join: member && !showsTime && !s.pending.join,
    add_members: admin,
    remove_members: admin,
    delete: admin,
  };
}

/** Whether `actor` may give `target` (currently `from`) the role `to`: the owner alone changes roles, never their own. */
export function mayChangeRole(actor: OrgRole | null, from: OrgRole, to: OrgRole, self: boolean): boolean {
  if (self || to === 'owner' || from === 'owner') return false; // ownership moves only by transfer
  return actor === 'owner';
}

/**
 * Whether `actor` may remove a member whose role is `target`: anyone may leave but the owner (who
 * transfers the org or deletes it first); admins remove members, the owner removes admins too.
 */
export function mayRemoveMember(actor: OrgRole | null, target: OrgRole, self: boolean): boolean {
  if (target === 'owner') return false;
  if (self) return true;
  if (actor === 'owner') return true;
  return actor === 'admin' && target === 'member';
}

/** Roles an inviter may hand out: admins invite members, the owner admins too. */
export function mayInviteAs(actor: OrgRole | null, role: OrgRole): boolean {
  if (role === 'owner') return false;
  if (role === 'admin') return actor === 'owner';
  return atLeast(actor, 'admin');
}

/**
 * Whether the viewer may see a dashboard member's durations: it must show the member's time at
 * all, and either the org lets members see each other's durations, or the viewer is an admin, or
 * it is the member themself.
 */
export function mayReadDurations(o: { role: OrgRole | null; self: boolean; isDurationVisible: boolean }): boolean {
  return o.self || atLeast(o.role, 'admin') || (atLeast(o.role, 'member') && o.isDurationVisible);
}

/** A name as stored: trimmed, 1–MAX_NAME_LENGTH characters, no control characters; null when unusable. */
export function cleanName(raw: string): string | null {
  const name = raw.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return null;
  if (/[\u0000-\u001f\u007f]/.test(name)) return null;
  return name;
}

/** "1 person" style counts the reference shows beside its integers. */
export function humanCount(n: number): string {
  return n.toLocaleString('en-US');
}
