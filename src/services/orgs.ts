/**
 * Organizations and team dashboards: every change and every read of the family, each checked
 * against the rules of domain/orgs.ts (roles, dashboard access) before it touches storage, in one
 * transaction per change. Time for dashboards goes through the one read path (StatsService): a
 * member's summaries are a StatsQuery with the member as subject, a team summary one with every
 * member, both with the dashboard viewer of domain/access.ts (what each member shares).
 *
 * Outsiders never learn that an org exists (404); org members without the right get 403.
 */
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { canSee, type Viewer, type Visibility, visibilityFor } from '../domain/access.js';
import { isValidTimezone, unknownZoneMessage, localDate } from '../domain/calendar.js';
import { epochSeconds, type Clock } from '../domain/clock.js';
import { datesBetween, DEFAULT_TIMEOUT_MINUTES, MAX_TIMEOUT_MINUTES, MIN_TIMEOUT_MINUTES } from '../domain/duration.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { hashSecret } from '../domain/oauth.js';
import {
  atLeast,
  cleanName,
  dashboardPermissions,
  isDashboardAccess,
  isOrgRole,
  isShare,
  mayChangeRole,
  mayInviteAs,
  mayReadDurations,
  mayRemoveMember,
  orgPermissions,
  type DashboardAccess,
  type DashboardStanding,
  type OrgRole,
  type RequestKind,
  type Share,
} from '../domain/orgs.js';
import { userSettings } from '../domain/user.js';
import type { Storage } from '../storage/db.js';
import * as store from '../storage/orgs.js';
import { findUserByHandle, type UserRow } from '../storage/users.js';
import type { DashboardInput, OrgInput, TeamSummaryInput } from '../wire/org.js';
import type { StatsService } from './stats.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Members whose days the team chart stacks one by one (the most active); the rest are one band. */
export const STACKED_MEMBERS = 10;

export interface OrgSettingsInput {
  name?: string;
  timezone?: string;
  timeout?: number;
  writes_only?: boolean;
  is_duration_visible?: boolean;
}

export interface DashboardView {
  org: store.OrgRow;
  role: OrgRole;
  dashboard: store.DashboardListRow;
  standing: DashboardStanding;
  input: DashboardInput;
}

/** What the time routes need to answer for one dashboard member. */
export interface MemberView {
  member: UserRow;
  share: Share;
  viewer: Viewer;
  visibility: Visibility;
  zone: string;
  mayReadDurations: boolean;
}

function checkTimezone(zone: string, field = 'timezone'): string {
  if (!isValidTimezone(zone)) throw new ValidationError(field, unknownZoneMessage(zone));
  return zone;
}

function checkTimeout(n: number): number {
  if (!Number.isInteger(n) || n < MIN_TIMEOUT_MINUTES || n > MAX_TIMEOUT_MINUTES) throw new ValidationError('timeout', `Must be a whole number of minutes from ${MIN_TIMEOUT_MINUTES} to ${MAX_TIMEOUT_MINUTES}.`);
  return n;
}

function checkName(raw: string, field: string): string {
  const name = cleanName(raw);
  if (!name) throw new ValidationError(field, 'Must be 1–100 characters without control characters.');
  return name;
}

export class OrgService {
  constructor(
    private readonly storage: Storage,
    private readonly stats: StatsService,
    private readonly clock: Clock,
    /** Invitations by e-mail are mailed (through the `mail.send` job, retried) when mail is on. */
    private readonly mail?: { send(message: { to: string; subject: string; text: string }): Promise<void>; enabled(): boolean; baseUrl: string },
  ) {}

  private now(): number {
    return epochSeconds(this.clock);
  }

  private get db() {
    return this.storage.db;
  }

  /** The org and the user's role in it; 404 for outsiders (an org's existence is not theirs to know). */
  private async context(user: UserRow, handle: string): Promise<{ org: store.OrgRow; role: OrgRole }> {
    const found = await store.findOrg(this.db, user.id, handle);
    if (!found || !found.role || !isOrgRole(found.role)) throw new NotFoundError(`Organization not found: ${handle}`, 'org');
    return { org: found.org, role: found.role };
  }

  private static need(role: OrgRole, least: OrgRole, what: string): void {
    if (!atLeast(role, least)) throw new ForbiddenError(`Forbidden: only an organization ${least} can ${what}.`);
  }

  private async orgInput(org: store.OrgRow, role: OrgRole): Promise<OrgInput> {
    const counts = (await store.orgCounts(this.db, [org.id])).get(org.id)!;
    return { ...org, role, people: counts.people, invited: counts.invited };
  }

  // ── orgs ──────────────────────────────────────────────────────────────────────────────────

  async list(user: UserRow): Promise<OrgInput[]> {
    const orgs = await store.orgsOfUser(this.db, user.id);
    const counts = await store.orgCounts(this.db, orgs.map((o) => o.org.id));
    return orgs.filter((o) => isOrgRole(o.role)).map(({ org, role }) => ({ ...org, role: role as OrgRole, people: counts.get(org.id)!.people, invited: counts.get(org.id)!.invited }));
  }

  async get(user: UserRow, handle: string): Promise<OrgInput> {
    const { org, role } = await this.context(user, handle);
    return this.orgInput(org, role);
  }

  async create(user: UserRow, input: OrgSettingsInput & { name: string }): Promise<OrgInput> {
    const name = checkName(input.name, 'name');
    const timezone = checkTimezone(input.timezone ?? userSettings(user).zone);
    const timeout = checkTimeout(input.timeout ?? DEFAULT_TIMEOUT_MINUTES);
    const org = await this.db.transaction().execute((tx) =>
      store.insertOrg(tx, { name, timezone, timeout, writesOnly: input.writes_only ?? false, isDurationVisible: input.is_duration_visible ?? true, createdBy: user.id, now: this.now() }),
    );
    return this.orgInput(org, 'owner');
  }

  /** Edits the org's settings (admin); `owner` transfers ownership (the owner only; they become an admin). */
  async update(user: UserRow, handle: string, input: OrgSettingsInput & { owner?: string }): Promise<OrgInput> {
    const { org, role } = await this.context(user, handle);
    const patch: Parameters<typeof store.updateOrg>[2] = {};
    if (input.name !== undefined) patch.name = checkName(input.name, 'name');
    if (input.timezone !== undefined) patch.timezone = checkTimezone(input.timezone);
    if (input.timeout !== undefined) patch.timeout = checkTimeout(input.timeout);
    if (input.writes_only !== undefined) patch.writes_only = input.writes_only ? 1 : 0;
    if (input.is_duration_visible !== undefined) patch.is_duration_visible = input.is_duration_visible ? 1 : 0;
    if (Object.keys(patch).length > 0) OrgService.need(role, 'admin', "edit the organization's settings");
    let newRole = role;
    let target: UserRow | undefined;
    if (input.owner !== undefined) {
      if (role !== 'owner') throw new ForbiddenError('Forbidden: only the owner can transfer the organization.', 'owner');
      target = await findUserByHandle(this.db, input.owner);
      if (!target || !(await store.roleIn(this.db, org.id, target.id))) throw new ValidationError('owner', 'Must be a member of the organization.');
      if (target.id !== user.id) newRole = 'admin';
    }
    const updated = await this.db.transaction().execute(async (tx) => {
      await store.lockOrg(tx, org.id, this.storage.dialect === 'postgres');
      if (target && target.id !== user.id) {
        if ((await store.roleIn(tx, org.id, user.id)) !== 'owner') throw new ConflictError('The organization changed hands meanwhile.', 'owner');
        await store.setOrgRole(tx, org.id, user.id, 'admin');
        await store.setOrgRole(tx, org.id, target.id, 'owner');
      }
      return store.updateOrg(tx, org.id, patch, this.now());
    });
    return this.orgInput(updated, newRole);
  }

  async remove(user: UserRow, handle: string): Promise<void> {
    const { org, role } = await this.context(user, handle);
    OrgService.need(role, 'owner', 'delete the organization');
    await this.db.transaction().execute((tx) => store.deleteOrg(tx, org.id));
  }

  // ── org members ───────────────────────────────────────────────────────────────────────────

  async members(user: UserRow, handle: string): Promise<{ rows: store.OrgMemberRow[]; showEmail: (id: number) => boolean }> {
    const { org, role } = await this.context(user, handle);
    const rows = await store.orgMembers(this.db, org.id);
    return { rows, showEmail: (id) => id === user.id || atLeast(role, 'admin') };
  }

  private async orgMember(orgId: number, handle: string): Promise<{ user: UserRow; role: OrgRole }> {
    const member = handle === 'current' ? undefined : await findUserByHandle(this.db, handle);
    const role = member ? await store.roleIn(this.db, orgId, member.id) : null;
    if (!member || !role || !isOrgRole(role)) throw new NotFoundError(`No such member: ${handle}`, 'member');
    return { user: member, role };
  }

  async setRole(user: UserRow, handle: string, memberHandle: string, to: string): Promise<store.OrgMemberRow> {
    if (!isOrgRole(to) || to === 'owner') throw new ValidationError('role', 'Must be admin or member (ownership moves by transfer: PATCH the org with owner).');
    const { org, role } = await this.context(user, handle);
    const target = await this.orgMember(org.id, memberHandle === 'current' ? user.uuid : memberHandle);
    if (!mayChangeRole(role, target.role, to, target.user.id === user.id)) throw new ForbiddenError("Forbidden: only the owner changes other members' roles.", 'role');
    await store.setOrgRole(this.db, org.id, target.user.id, to);
    return (await store.orgMembers(this.db, org.id)).find((m) => m.id === target.user.id)!;
  }

  /** Removes a member (admin, owner), or the user leaves (`current` or themself). */
  async removeMember(user: UserRow, handle: string, memberHandle: string): Promise<void> {
    const { org, role } = await this.context(user, handle);
    const target = await this.orgMember(org.id, memberHandle === 'current' ? user.uuid : memberHandle);
    const self = target.user.id === user.id;
    if (!mayRemoveMember(role, target.role, self)) {
      throw new ForbiddenError(target.role === 'owner' ? 'Forbidden: the owner cannot leave; transfer the organization or delete it.' : 'Forbidden: you may not remove this member.', 'member');
    }
    await this.db.transaction().execute((tx) => store.removeOrgMember(tx, org.id, target.user.id));
  }

  // ── invitations and the join link ─────────────────────────────────────────────────────────

  async invite(user: UserRow, handle: string, input: { username?: string; email?: string; role?: string }): Promise<store.InvitationRow> {
    const { org, role } = await this.context(user, handle);
    const as = input.role ?? 'member';
    if (!isOrgRole(as) || as === 'owner') throw new ValidationError('role', 'Must be admin or member.');
    if (!mayInviteAs(role, as)) throw new ForbiddenError(as === 'admin' ? 'Forbidden: only the owner invites admins.' : 'Forbidden: only admins invite people.', 'role');
    if ((input.username === undefined) === (input.email === undefined)) throw new ValidationError('username', 'Give either username or email.');
    let who: { userId: number | null; email: string | null };
    if (input.username !== undefined) {
      const invitee = await findUserByHandle(this.db, input.username.trim());
      if (!invitee || invitee.disabled_at !== null) throw new NotFoundError(`No user named ${input.username}.`, 'username');
      if (await store.roleIn(this.db, org.id, invitee.id)) throw new ConflictError('Already a member of the organization.', 'username');
      who = { userId: invitee.id, email: null };
    } else {
      const email = input.email!.trim().toLowerCase();
      if (!EMAIL.test(email) || email.length > 254) throw new ValidationError('email', 'Must be an email address.');
      who = { userId: null, email };
    }
    const invitation = await this.db.transaction().execute(async (tx) => {
      await store.lockOrg(tx, org.id, this.storage.dialect === 'postgres');
      if (await store.findPendingInvitation(tx, org.id, who)) throw new ConflictError('Already invited.', who.userId !== null ? 'username' : 'email');
      const uuid = await store.insertInvitation(tx, { orgId: org.id, ...who, role: as, invitedBy: user.id, now: this.now() });
      return (await store.findInvitation(tx, uuid))!;
    });
    if (who.email && this.mail?.enabled()) {
      const site = this.mail.baseUrl.replace(/\/$/, '');
      await this.mail.send({
        to: who.email,
        subject: `${user.username} invited you to ${org.name} on Metronome`,
        text: `${user.full_name ?? user.username} invited you to the organization "${org.name}" as ${as}.\n\nSign in (or sign up with this address) and accept the invitation at ${site}/orgs\n\nIf you did not expect this, ignore this message.`,
      });
    }
    return invitation;
  }

  async invitations(user: UserRow, handle: string): Promise<store.InvitationRow[]> {
    const { org, role } = await this.context(user, handle);
    OrgService.need(role, 'admin', 'see invitations');
    return store.orgInvitations(this.db, org.id);
  }

  async revokeInvitation(user: UserRow, handle: string, id: string): Promise<void> {
    const { org, role } = await this.context(user, handle);
    OrgService.need(role, 'admin', 'revoke invitations');
    const inv = await store.findInvitation(this.db, id);
    if (!inv || inv.org_id !== org.id) throw new NotFoundError('No such invitation.', 'invitation');
    await store.deleteInvitation(this.db, inv.id);
  }

  myInvitations(user: UserRow): Promise<store.InvitationRow[]> {
    return store.invitationsFor(this.db, user);
  }

  private async mine(user: UserRow, id: string): Promise<store.InvitationRow> {
    const inv = await store.findInvitation(this.db, id);
    const mine = inv && (inv.user_id === user.id || (inv.email !== null && user.email !== null && inv.email === user.email.toLowerCase()));
    if (!inv || !mine) throw new NotFoundError('No such invitation.', 'invitation');
    return inv;
  }

  async accept(user: UserRow, id: string): Promise<OrgInput> {
    const inv = await this.mine(user, id);
    await this.db.transaction().execute(async (tx) => {
      await store.addOrgMember(tx, inv.org_id, user.id, inv.role, this.now());
      await store.deleteInvitationsOf(tx, inv.org_id, user);
    });
    const org = (await store.findOrgById(this.db, inv.org_id))!;
    const role = (await store.roleIn(this.db, org.id, user.id)) as OrgRole;
    return this.orgInput(org, role);
  }

  async decline(user: UserRow, id: string): Promise<void> {
    const inv = await this.mine(user, id);
    await store.deleteInvitation(this.db, inv.id);
  }

  /** A new join link (replacing the old one): its token is returned here only. */
  async createJoinLink(user: UserRow, handle: string): Promise<string> {
    const { org, role } = await this.context(user, handle);
    OrgService.need(role, 'admin', 'make a join link');
    const token = `mjl_${randomBytes(24).toString('base64url')}`;
    await store.updateOrg(this.db, org.id, { join_token_hash: hashSecret(token) }, this.now());
    return token;
  }

  async deleteJoinLink(user: UserRow, handle: string): Promise<void> {
    const { org, role } = await this.context(user, handle);
    OrgService.need(role, 'admin', 'remove the join link');
    await store.updateOrg(this.db, org.id, { join_token_hash: null }, this.now());
  }

  /** Joins the org of a join link as a member (already a member: nothing changes). */
  async join(user: UserRow, token: string): Promise<OrgInput> {
    const org = token.startsWith('mjl_') ? await store.findOrgByJoinToken(this.db, hashSecret(token)) : undefined;
    if (!org) throw new NotFoundError('This join link is unknown or was replaced.', 'token');
    await this.db.transaction().execute(async (tx) => {
      await store.addOrgMember(tx, org.id, user.id, 'member', this.now());
      await store.deleteInvitationsOf(tx, org.id, user);
    });
    return this.orgInput(org, (await store.roleIn(this.db, org.id, user.id)) as OrgRole);
  }

  // ── dashboards ────────────────────────────────────────────────────────────────────────────

  private async standings(user: UserRow, role: OrgRole, dashboards: store.DashboardListRow[]): Promise<Map<number, { standing: DashboardStanding; share: string | null }>> {
    const ids = dashboards.map((d) => d.id);
    const memberships = await store.membershipOf(this.db, ids, user.id);
    const pending = await store.pendingOf(this.db, ids, user.id);
    return new Map(
      dashboards.map((d) => {
        const m = memberships.get(d.id);
        const standing: DashboardStanding = {
          role,
          membership: m ? { isViewOnly: !!m.is_view_only } : null,
          pending: { view: pending.some((p) => p.dashboard_id === d.id && p.kind === 'view'), join: pending.some((p) => p.dashboard_id === d.id && p.kind === 'join') },
          access: isDashboardAccess(d.access) ? d.access : 'members',
        };
        return [d.id, { standing, share: m?.share ?? null }];
      }),
    );
  }

  private inputOf(org: store.OrgRow, d: store.DashboardListRow, s: { standing: DashboardStanding; share: string | null }): DashboardInput {
    return { ...d, orgTimezone: org.timezone, standing: s.standing, share: s.share };
  }

  async dashboards(user: UserRow, handle: string): Promise<DashboardInput[]> {
    const { org, role } = await this.context(user, handle);
    if (!orgPermissions(role).list_dashboards) throw new ForbiddenError('Forbidden: you may not list dashboards.');
    const list = await store.orgDashboards(this.db, org.id);
    const standings = await this.standings(user, role, list);
    return list.map((d) => this.inputOf(org, d, standings.get(d.id)!));
  }

  async dashboard(user: UserRow, orgHandle: string, handle: string): Promise<DashboardView> {
    const { org, role } = await this.context(user, orgHandle);
    const dashboard = await store.findDashboard(this.db, org.id, handle);
    if (!dashboard) throw new NotFoundError(`Dashboard not found: ${handle}`, 'dashboard');
    return this.viewOf(user, org, role, dashboard);
  }

  private async viewOf(user: UserRow, org: store.OrgRow, role: OrgRole, dashboard: store.DashboardListRow): Promise<DashboardView> {
    const s = (await this.standings(user, role, [dashboard])).get(dashboard.id)!;
    return { org, role, dashboard, standing: s.standing, input: this.inputOf(org, dashboard, s) };
  }

  /** The dashboard, if the user may view it (403 otherwise). */
  async viewable(user: UserRow, orgHandle: string, handle: string): Promise<DashboardView> {
    const view = await this.dashboard(user, orgHandle, handle);
    if (!dashboardPermissions(view.standing).view) throw new ForbiddenError('Forbidden: you may not view this dashboard; request to view it.', 'dashboard');
    return view;
  }

  async createDashboard(user: UserRow, orgHandle: string, input: { name: string; timezone?: string | null; access?: string }): Promise<DashboardInput> {
    const { org, role } = await this.context(user, orgHandle);
    OrgService.need(role, 'admin', 'create dashboards');
    const name = checkName(input.name, 'name');
    const timezone = input.timezone == null || input.timezone === '' ? null : checkTimezone(input.timezone);
    const access = this.access(input.access ?? 'org');
    const id = await store.insertDashboard(this.db, { orgId: org.id, name, timezone, access, createdBy: user.id, now: this.now() });
    const dashboard = (await store.findDashboard(this.db, org.id, (await this.db.selectFrom('dashboards').select('uuid').where('id', '=', id).executeTakeFirstOrThrow()).uuid))!;
    return (await this.viewOf(user, org, role, dashboard)).input;
  }

  private access(value: string): DashboardAccess {
    if (!isDashboardAccess(value)) throw new ValidationError('access', 'Must be org or members.');
    return value;
  }

  async updateDashboard(user: UserRow, orgHandle: string, handle: string, input: { name?: string; timezone?: string | null; access?: string }): Promise<DashboardInput> {
    const view = await this.dashboard(user, orgHandle, handle);
    OrgService.need(view.role, 'admin', 'edit dashboards');
    const patch: Parameters<typeof store.updateDashboard>[2] = {};
    if (input.name !== undefined) patch.name = checkName(input.name, 'name');
    if (input.timezone !== undefined) patch.timezone = input.timezone === null || input.timezone === '' ? null : checkTimezone(input.timezone);
    if (input.access !== undefined) patch.access = this.access(input.access);
    await store.updateDashboard(this.db, view.dashboard.id, patch, this.now());
    const dashboard = (await store.findDashboard(this.db, view.org.id, view.dashboard.uuid))!;
    return (await this.viewOf(user, view.org, view.role, dashboard)).input;
  }

  async deleteDashboard(user: UserRow, orgHandle: string, handle: string): Promise<void> {
    const view = await this.dashboard(user, orgHandle, handle);
    if (!dashboardPermissions(view.standing).delete) throw new ForbiddenError('Forbidden: only organization admins delete dashboards.');
    await this.db.transaction().execute((tx) => store.deleteDashboard(tx, view.dashboard.id));
  }

  // ── dashboard members and requests ────────────────────────────────────────────────────────

  async dashboardMembers(user: UserRow, orgHandle: string, handle: string, page: { offset: number; limit: number }): Promise<{ rows: store.DashboardMemberRow[]; total: number; showEmail: (id: number) => boolean }> {
    const view = await this.viewable(user, orgHandle, handle);
    const { rows, total } = await store.dashboardMembers(this.db, view.dashboard.id, page);
    return { rows, total, showEmail: (id) => id === user.id || atLeast(view.role, 'admin') };
  }

  private async dashboardMember(dashboardId: number, handle: string): Promise<store.DashboardMemberRow> {
    const m = await store.findDashboardMember(this.db, dashboardId, handle);
    if (!m) throw new NotFoundError(`No such dashboard member: ${handle}`, 'member');
    return m;
  }

  async addDashboardMember(user: UserRow, orgHandle: string, handle: string, input: { username: string; is_view_only?: boolean }): Promise<store.DashboardMemberRow> {
    const view = await this.dashboard(user, orgHandle, handle);
    if (!dashboardPermissions(view.standing).add_members) throw new ForbiddenError('Forbidden: only organization admins add dashboard members.');
    const target = await findUserByHandle(this.db, input.username.trim());
    if (!target || !(await store.roleIn(this.db, view.org.id, target.id))) throw new ValidationError('username', 'Must be a member of the organization.');
    const existing = await store.findDashboardMember(this.db, view.dashboard.id, target.uuid);
    await this.db.transaction().execute(async (tx) => {
      await store.putDashboardMember(tx, { dashboardId: view.dashboard.id, userId: target.id, isViewOnly: input.is_view_only ?? false, share: existing?.share ?? 'everything', now: this.now() });
      await tx.deleteFrom('dashboard_requests').where('dashboard_id', '=', view.dashboard.id).where('user_id', '=', target.id).execute();
    });
    return this.dashboardMember(view.dashboard.id, target.uuid);
  }

  /** `share` is the member's own choice (themself only); `is_view_only` an admin's. */
  async updateDashboardMember(user: UserRow, orgHandle: string, handle: string, memberHandle: string, input: { share?: string; is_view_only?: boolean }): Promise<store.DashboardMemberRow> {
    const view = await this.dashboard(user, orgHandle, handle);
    const m = await this.dashboardMember(view.dashboard.id, memberHandle === 'current' ? user.uuid : memberHandle);
    const self = m.id === user.id;
    if (input.share !== undefined) {
      if (!isShare(input.share)) throw new ValidationError('share', 'Must be everything or totals.');
      if (!self) throw new ForbiddenError('Forbidden: what a member shares is their own choice.', 'share');
    }
    if (input.is_view_only !== undefined && !dashboardPermissions(view.standing).add_members) throw new ForbiddenError('Forbidden: only organization admins change who is view-only.', 'is_view_only');
    await store.putDashboardMember(this.db, { dashboardId: view.dashboard.id, userId: m.id, isViewOnly: input.is_view_only ?? !!m.is_view_only, share: input.share ?? m.share, now: this.now() });
    return this.dashboardMember(view.dashboard.id, m.uuid);
  }

  /** Removes a member (admins), or the user leaves the dashboard. */
  async removeDashboardMember(user: UserRow, orgHandle: string, handle: string, memberHandle: string): Promise<void> {
    const view = await this.dashboard(user, orgHandle, handle);
    const m = await this.dashboardMember(view.dashboard.id, memberHandle === 'current' ? user.uuid : memberHandle);
    if (m.id !== user.id && !dashboardPermissions(view.standing).remove_members) throw new ForbiddenError('Forbidden: only organization admins remove dashboard members.', 'member');
    await store.deleteDashboardMember(this.db, view.dashboard.id, m.id);
  }

  async requestAccess(user: UserRow, orgHandle: string, handle: string, kind: RequestKind): Promise<store.RequestRow> {
    const view = await this.dashboard(user, orgHandle, handle);
    const p = dashboardPermissions(view.standing);
    if (kind === 'view' && !p.request_to_view) throw new ConflictError(p.view ? 'You may already view this dashboard.' : 'You already asked to view this dashboard.', 'kind');
    if (kind === 'join' && !p.request_to_join) throw new ConflictError(view.standing.membership && !view.standing.membership.isViewOnly ? 'You are already a member of this dashboard.' : 'You already asked to join this dashboard.', 'kind');
    const uuid = await store.insertRequest(this.db, { dashboardId: view.dashboard.id, userId: user.id, kind, now: this.now() });
    if (!uuid) throw new ConflictError('You already asked.', 'kind');
    return (await store.findRequest(this.db, view.dashboard.id, uuid))!;
  }

  async requests(user: UserRow, orgHandle: string, handle: string): Promise<store.RequestRow[]> {
    const view = await this.dashboard(user, orgHandle, handle);
    if (!dashboardPermissions(view.standing).add_members) {
      // a member sees their own requests only
      return (await store.dashboardRequests(this.db, view.dashboard.id)).filter((r) => r.user_id === user.id);
    }
    return store.dashboardRequests(this.db, view.dashboard.id);
  }

  /** Approves a request (admins): a viewer is added view-only, a joiner as a member sharing everything. */
  async approveRequest(user: UserRow, orgHandle: string, handle: string, id: string): Promise<store.DashboardMemberRow> {
    const view = await this.dashboard(user, orgHandle, handle);
    if (!dashboardPermissions(view.standing).add_members) throw new ForbiddenError('Forbidden: only organization admins approve requests.');
    const r = await store.findRequest(this.db, view.dashboard.id, id);
    if (!r) throw new NotFoundError('No such request.', 'request');
    if (!(await store.roleIn(this.db, view.org.id, r.user_id))) {
      await store.deleteRequest(this.db, r.id);
      throw new ConflictError('The requester left the organization.', 'request');
    }
    const existing = (await store.membershipOf(this.db, [view.dashboard.id], r.user_id)).get(view.dashboard.id);
    await this.db.transaction().execute(async (tx) => {
      const isViewOnly = r.kind === 'view' ? (existing ? !!existing.is_view_only : true) : false;
      await store.putDashboardMember(tx, { dashboardId: view.dashboard.id, userId: r.user_id, isViewOnly, share: existing?.share ?? 'everything', now: this.now() });
      await store.deleteRequest(tx, r.id);
    });
    const m = await store.findDashboardMember(this.db, view.dashboard.id, (await store.usersByIds(this.db, [r.user_id]))[0]!.uuid);
    return m!;
  }

  /** Denies a request (admins) or withdraws one's own. */
  async deleteRequest(user: UserRow, orgHandle: string, handle: string, id: string): Promise<void> {
    const view = await this.dashboard(user, orgHandle, handle);
    const r = await store.findRequest(this.db, view.dashboard.id, id);
    if (!r || (r.user_id !== user.id && !dashboardPermissions(view.standing).add_members)) throw new NotFoundError('No such request.', 'request');
    await store.deleteRequest(this.db, r.id);
  }

  // ── time ──────────────────────────────────────────────────────────────────────────────────

  /** A dashboard member's time as the user may see it (their own: everything). */
  async memberView(user: UserRow, orgHandle: string, handle: string, memberHandle: string): Promise<MemberView & { view: DashboardView }> {
    const view = await this.viewable(user, orgHandle, handle);
    const m = await this.dashboardMember(view.dashboard.id, memberHandle === 'current' ? user.uuid : memberHandle);
    if (m.is_view_only) throw new NotFoundError(`${m.username} views this dashboard without showing their time.`, 'member');
    const member = (await store.usersByIds(this.db, [m.id]))[0]!;
    const share: Share = isShare(m.share) ? m.share : 'totals';
    const viewer: Viewer = { kind: 'dashboard', viewerId: user.id, shares: new Map([[m.id, share]]) };
    const visibility = visibilityFor(viewer, member, 'summaries');
    const durations = mayReadDurations({ role: view.role, self: m.id === user.id, isDurationVisible: !!view.org.is_duration_visible });
    return { view, member, share, viewer, visibility, zone: userSettings(member).zone, mayReadDurations: durations };
  }

  /** The dashboard's time: each member in their own local days and settings, as the user may see them. */
  async teamSummary(user: UserRow, orgHandle: string, handle: string, range: (zone: string) => { first: string; last: string; name: string | null }): Promise<TeamSummaryInput> {
    const view = await this.viewable(user, orgHandle, handle);
    const zone = view.input.timezone ?? view.org.timezone;
    const { first, last, name } = range(zone);
    const { rows } = await store.dashboardMembers(this.db, view.dashboard.id);
    const shown = rows.filter((r) => !r.is_view_only);
    const users = await store.usersByIds(this.db, shown.map((r) => r.id));
    const shares = new Map(shown.map((r) => [r.id, (isShare(r.share) ? r.share : 'totals') as Share]));
    const viewer: Viewer = { kind: 'dashboard', viewerId: user.id, shares };
    const ids = shown.map((r) => r.id);
    const base = { zone, settings: { timeoutSeconds: DEFAULT_TIMEOUT_MINUTES * 60, writesOnly: false }, ownSettings: true, filters: {}, viewer, family: 'summaries' as const };
    const known = (subjects: number[]) => users.filter((u) => subjects.includes(u.id));
    // every member's sums (and the team's total per date), then the days of the members the chart
    // stacks (the most active), then everyone's today
    const answer = ids.length ? await this.stats.answer({ ...base, subjects: ids, range: { first, last }, dimensions: ['projects', 'languages'], granularity: 'total' }, users) : null;
    const top = ids
      .map((id) => ({ id, total: answer?.bySubject.get(id)?.sum.total ?? 0 }))
      .filter((m) => m.total > 0)
      .sort((a, b) => b.total - a.total)
      .slice(0, STACKED_MEMBERS)
      .map((m) => m.id);
    const stacked = top.length ? await this.stats.answer({ ...base, subjects: top, range: { first, last }, dimensions: [], granularity: 'range' }, known(top)) : null;
    const today = localDate(zone, this.stats.now());
    const todays = ids.length ? await this.stats.answer({ ...base, subjects: ids, range: { first: today, last: today }, dimensions: [], granularity: 'total' }, users) : null;
    const projects = new Map<string, number>();
    const languages = new Map<string, number>();
    const add = (into: Map<string, number>, from: Map<string, number>) => {
      for (const [n, s] of from) into.set(n, (into.get(n) ?? 0) + s);
    };
    const members = shown.map((r) => {
      const one = answer?.bySubject.get(r.id);
      const v = one?.visibility;
      if (one && v && canSee(v, 'projects')) add(projects, one.sum.dims.projects);
      if (one && v && canSee(v, 'languages')) add(languages, one.sum.dims.languages);
      const top = one && v && canSee(v, 'languages') ? ([...one.sum.dims.languages].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null) : null;
      const days = stacked?.bySubject.get(r.id)?.dayTotals ?? null;
      return { uuid: r.uuid, username: r.username, full_name: r.full_name, share: r.share, dayTotals: days, total: one?.sum.total ?? 0, today: todays?.bySubject.get(r.id)?.sum.total ?? 0, topLanguage: top };
    });
    return {
      dashboard: { uuid: view.dashboard.uuid, name: view.dashboard.name, timezone: zone },
      range: { first, last, name },
      dates: datesBetween(first, last),
      teamDays: answer?.dayTotals ?? new Map(),
      members,
      projects,
      languages,
      upToDate: (answer?.upToDate ?? true) && (todays?.upToDate ?? true) && (stacked?.upToDate ?? true),
      percent: Math.min(answer?.percent ?? 100, todays?.percent ?? 100, stacked?.percent ?? 100),
    };
  }

  // ── the older `teams` API (wakatime-client): a team is a dashboard ────────────────────────

  /** The dashboards the user may view, across their orgs. */
  async teams(user: UserRow): Promise<DashboardInput[]> {
    const out: DashboardInput[] = [];
    for (const { org, role } of await store.orgsOfUser(this.db, user.id)) {
      if (!isOrgRole(role)) continue;
      const list = await store.orgDashboards(this.db, org.id);
      const standings = await this.standings(user, role, list);
      for (const d of list) {
        const s = standings.get(d.id)!;
        if (dashboardPermissions(s.standing).view) out.push(this.inputOf(org, d, s));
      }
    }
    return out;
  }

  /** The org of a team (dashboard) id, for the `teams` routes; 404 unless the user is in its org. */
  async teamOrg(user: UserRow, teamId: string): Promise<string> {
    const d = await store.findDashboardByUuid(this.db, teamId);
    if (!d || !(await store.roleIn(this.db, d.org_id, user.id))) throw new NotFoundError(`Team not found: ${teamId}`, 'team');
    return (await store.findOrgById(this.db, d.org_id))!.uuid;
  }
}
