/** Organizations, their members and invitations, dashboards, dashboard members and requests (migration 050). */
import { randomUUID } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { DB } from './db.js';
import type { Database, DashboardsTable, OrgInvitationsTable, OrgsTable, UsersTable } from './schema.js';

type Tx = Transaction<Database> | DB;
export type OrgRow = Selectable<OrgsTable>;
export type DashboardRow = Selectable<DashboardsTable>;
type UserCols = Pick<Selectable<UsersTable>, 'id' | 'uuid' | 'username' | 'email' | 'full_name' | 'photo' | 'public_email' | 'is_email_public'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

// ── orgs ──────────────────────────────────────────────────────────────────────────────────────

export async function insertOrg(tx: Tx, o: { name: string; timezone: string; timeout: number; writesOnly: boolean; isDurationVisible: boolean; createdBy: number; now: number }): Promise<OrgRow> {
  const row = await tx
    .insertInto('orgs')
    .values({ uuid: randomUUID(), name: o.name, timezone: o.timezone, timeout: o.timeout, writes_only: o.writesOnly ? 1 : 0, is_duration_visible: o.isDurationVisible ? 1 : 0, join_token_hash: null, created_by: o.createdBy, created_at: o.now, modified_at: o.now })
    .returningAll()
    .executeTakeFirstOrThrow();
  await tx.insertInto('org_members').values({ org_id: row.id, user_id: o.createdBy, role: 'owner', created_at: o.now }).execute();
  return row;
}

/** An org by public id, or by name among the user's orgs (case-insensitive), with the user's role (null: outsider). */
export async function findOrg(tx: Tx, userId: number, handle: string): Promise<{ org: OrgRow; role: string | null } | undefined> {
  let org: OrgRow | undefined;
  if (isUuid(handle)) org = await tx.selectFrom('orgs').selectAll().where('uuid', '=', handle.toLowerCase()).executeTakeFirst();
  if (!org) {
    org = await tx
      .selectFrom('orgs')
      .innerJoin('org_members', 'org_members.org_id', 'orgs.id')
      .selectAll('orgs')
      .where('org_members.user_id', '=', userId)
      .where(sql<string>`lower(orgs.name)`, '=', handle.toLowerCase())
      .orderBy('orgs.id')
      .executeTakeFirst();
  }
  if (!org) return undefined;
  return { org, role: await roleIn(tx, org.id, userId) };
}

export async function findOrgById(tx: Tx, id: number): Promise<OrgRow | undefined> {
  return tx.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrgByJoinToken(tx: Tx, tokenHash: string): Promise<OrgRow | undefined> {
  return tx.selectFrom('orgs').selectAll().where('join_token_hash', '=', tokenHash).executeTakeFirst();
}

export async function roleIn(tx: Tx, orgId: number, userId: number): Promise<string | null> {
  const m = await tx.selectFrom('org_members').select('role').where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
  return m?.role ?? null;
}

/** The user's orgs with their role, oldest first. */
export async function orgsOfUser(tx: Tx, userId: number): Promise<{ org: OrgRow; role: string }[]> {
  const rows = await tx.selectFrom('orgs').innerJoin('org_members', 'org_members.org_id', 'orgs.id').selectAll('orgs').select('org_members.role').where('org_members.user_id', '=', userId).orderBy('orgs.created_at').orderBy('orgs.id').execute();
  return rows.map(({ role, ...org }) => ({ org, role }));
}

/** People and pending invitations per org. */
export async function orgCounts(tx: Tx, orgIds: number[]): Promise<Map<number, { people: number; invited: number }>> {
  const out = new Map(orgIds.map((id) => [id, { people: 0, invited: 0 }]));
  if (orgIds.length === 0) return out;
  const people = await tx.selectFrom('org_members').select((eb) => ['org_id', eb.fn.countAll<number>().as('n')]).where('org_id', 'in', orgIds).groupBy('org_id').execute();
  const invited = await tx.selectFrom('org_invitations').select((eb) => ['org_id', eb.fn.countAll<number>().as('n')]).where('org_id', 'in', orgIds).groupBy('org_id').execute();
  for (const r of people) out.get(r.org_id)!.people = Number(r.n);
  for (const r of invited) out.get(r.org_id)!.invited = Number(r.n);
  return out;
}

export async function updateOrg(tx: Tx, id: number, patch: Partial<Pick<OrgRow, 'name' | 'timezone' | 'timeout' | 'writes_only' | 'is_duration_visible' | 'join_token_hash'>>, now: number): Promise<OrgRow> {
  return tx.updateTable('orgs').set({ ...patch, modified_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Deletes an org and everything in it. */
export async function deleteOrg(tx: Tx, id: number): Promise<void> {
  const dashboards = tx.selectFrom('dashboards').select('id').where('org_id', '=', id);
  await tx.deleteFrom('dashboard_requests').where('dashboard_id', 'in', dashboards).execute();
  await tx.deleteFrom('dashboard_members').where('dashboard_id', 'in', dashboards).execute();
  await tx.deleteFrom('dashboards').where('org_id', '=', id).execute();
  await tx.deleteFrom('org_invitations').where('org_id', '=', id).execute();
  await tx.deleteFrom('org_members').where('org_id', '=', id).execute();
  await tx.deleteFrom('orgs').where('id', '=', id).execute();
}

// ── org members ───────────────────────────────────────────────────────────────────────────────

export interface OrgMemberRow extends UserCols {
  role: string;
  joined_at: number;
}

const userCols = ['users.id', 'users.uuid', 'users.username', 'users.email', 'users.full_name', 'users.photo', 'users.public_email', 'users.is_email_public'] as const;

export async function orgMembers(tx: Tx, orgId: number): Promise<OrgMemberRow[]> {
  return tx
    .selectFrom('org_members')
    .innerJoin('users', 'users.id', 'org_members.user_id')
    .select([...userCols, 'org_members.role', 'org_members.created_at as joined_at'])
    .where('org_members.org_id', '=', orgId)
    .orderBy('org_members.created_at')
    .orderBy('users.id')
    .execute();
}

export async function addOrgMember(tx: Tx, orgId: number, userId: number, role: string, now: number): Promise<boolean> {
  const res = await tx.insertInto('org_members').values({ org_id: orgId, user_id: userId, role, created_at: now }).onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing()).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function setOrgRole(tx: Tx, orgId: number, userId: number, role: string): Promise<void> {
  await tx.updateTable('org_members').set({ role }).where('org_id', '=', orgId).where('user_id', '=', userId).execute();
}

/** Removes a member from the org and from all its dashboards (with their requests). */
export async function removeOrgMember(tx: Tx, orgId: number, userId: number): Promise<void> {
  const dashboards = tx.selectFrom('dashboards').select('id').where('org_id', '=', orgId);
  await tx.deleteFrom('dashboard_requests').where('dashboard_id', 'in', dashboards).where('user_id', '=', userId).execute();
  await tx.deleteFrom('dashboard_members').where('dashboard_id', 'in', dashboards).where('user_id', '=', userId).execute();
  await tx.deleteFrom('org_members').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
}

/** Locks the org's row until the transaction ends (PostgreSQL; SQLite has one writer). */
export async function lockOrg(tx: Tx, orgId: number, postgres: boolean): Promise<void> {
  if (postgres) await sql`select id from orgs where id = ${orgId} for update`.execute(tx);
}

// ── invitations ───────────────────────────────────────────────────────────────────────────────

/** An invitation with the invitee's username, the inviter's name and its org. */
export type InvitationRow = Selectable<OrgInvitationsTable> & { username: string | null; inviter: string; org_uuid: string; org_name: string };

function invitations(tx: Tx) {
  return tx
    .selectFrom('org_invitations')
    .innerJoin('orgs', 'orgs.id', 'org_invitations.org_id')
    .innerJoin('users as inviter', 'inviter.id', 'org_invitations.invited_by')
    .leftJoin('users as invitee', 'invitee.id', 'org_invitations.user_id')
    .select([
      'org_invitations.id',
      'org_invitations.uuid',
      'org_invitations.org_id',
      'org_invitations.user_id',
      'org_invitations.email',
      'org_invitations.role',
      'org_invitations.invited_by',
      'org_invitations.created_at',
      'invitee.username as username',
      'inviter.username as inviter',
      'orgs.uuid as org_uuid',
      'orgs.name as org_name',
    ]);
}

export async function insertInvitation(tx: Tx, i: { orgId: number; userId: number | null; email: string | null; role: string; invitedBy: number; now: number }): Promise<string> {
  const uuid = randomUUID();
  await tx.insertInto('org_invitations').values({ uuid, org_id: i.orgId, user_id: i.userId, email: i.email, role: i.role, invited_by: i.invitedBy, created_at: i.now }).execute();
  return uuid;
}

export async function findPendingInvitation(tx: Tx, orgId: number, who: { userId: number | null; email: string | null }): Promise<boolean> {
  let q = tx.selectFrom('org_invitations').select('id').where('org_id', '=', orgId);
  q = who.userId !== null ? q.where('user_id', '=', who.userId) : q.where('email', '=', who.email!);
  return !!(await q.executeTakeFirst());
}

export async function orgInvitations(tx: Tx, orgId: number): Promise<InvitationRow[]> {
  return invitations(tx).where('org_invitations.org_id', '=', orgId).orderBy('org_invitations.created_at').orderBy('org_invitations.id').execute();
}

/** Invitations addressed to the user: by their id or their (lowercased) e-mail address. */
export async function invitationsFor(tx: Tx, user: { id: number; email: string | null }): Promise<InvitationRow[]> {
  return invitations(tx)
    .where((eb) => (user.email ? eb.or([eb('org_invitations.user_id', '=', user.id), eb('org_invitations.email', '=', user.email.toLowerCase())]) : eb('org_invitations.user_id', '=', user.id)))
    .orderBy('org_invitations.created_at')
    .orderBy('org_invitations.id')
    .execute();
}

export async function findInvitation(tx: Tx, uuid: string): Promise<InvitationRow | undefined> {
  if (!isUuid(uuid)) return undefined;
  return invitations(tx).where('org_invitations.uuid', '=', uuid.toLowerCase()).executeTakeFirst();
}

export async function deleteInvitation(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('org_invitations').where('id', '=', id).execute();
}

/** Drops the invitations a new member no longer needs (to them, or to their e-mail address). */
export async function deleteInvitationsOf(tx: Tx, orgId: number, user: { id: number; email: string | null }): Promise<void> {
  await tx
    .deleteFrom('org_invitations')
    .where('org_id', '=', orgId)
    .where((eb) => (user.email ? eb.or([eb('user_id', '=', user.id), eb('email', '=', user.email.toLowerCase())]) : eb('user_id', '=', user.id)))
    .execute();
}

// ── dashboards ────────────────────────────────────────────────────────────────────────────────

export interface DashboardListRow extends DashboardRow {
  members_count: number;
  created_by_name: string | null;
}

function dashboardList(tx: Tx) {
  return tx
    .selectFrom('dashboards')
    .leftJoin('users', 'users.id', 'dashboards.created_by')
    .selectAll('dashboards')
    .select((eb) => [
      'users.username as created_by_name',
      eb.selectFrom('dashboard_members').select(eb.fn.countAll<number>().as('n')).whereRef('dashboard_members.dashboard_id', '=', 'dashboards.id').where('dashboard_members.is_view_only', '=', 0).as('members_count'),
    ]);
}

function normalizeCount<T extends { members_count: number | null | string }>(r: T): T & { members_count: number } {
  return { ...r, members_count: Number(r.members_count ?? 0) };
}

export async function orgDashboards(tx: Tx, orgId: number): Promise<DashboardListRow[]> {
  const rows = await dashboardList(tx).where('dashboards.org_id', '=', orgId).orderBy('dashboards.created_at').orderBy('dashboards.id').execute();
  return rows.map(normalizeCount);
}

/** A dashboard of the org by public id or name (case-insensitive). */
export async function findDashboard(tx: Tx, orgId: number, handle: string): Promise<DashboardListRow | undefined> {
  let q = dashboardList(tx).where('dashboards.org_id', '=', orgId);
  q = isUuid(handle) ? q.where('dashboards.uuid', '=', handle.toLowerCase()) : q.where(sql<string>`lower(dashboards.name)`, '=', handle.toLowerCase());
  const row = await q.orderBy('dashboards.id').executeTakeFirst();
  return row ? normalizeCount(row) : undefined;
}

/** A dashboard by public id alone (the older `teams` routes name no org). */
export async function findDashboardByUuid(tx: Tx, uuid: string): Promise<DashboardListRow | undefined> {
  if (!isUuid(uuid)) return undefined;
  const row = await dashboardList(tx).where('dashboards.uuid', '=', uuid.toLowerCase()).executeTakeFirst();
  return row ? normalizeCount(row) : undefined;
}

export async function insertDashboard(tx: Tx, d: { orgId: number; name: string; timezone: string | null; access: string; createdBy: number; now: number }): Promise<number> {
  const row = await tx
    .insertInto('dashboards')
    .values({ uuid: randomUUID(), org_id: d.orgId, name: d.name, timezone: d.timezone, access: d.access, created_by: d.createdBy, created_at: d.now, modified_at: d.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateDashboard(tx: Tx, id: number, patch: Partial<Pick<DashboardRow, 'name' | 'timezone' | 'access'>>, now: number): Promise<void> {
  await tx.updateTable('dashboards').set({ ...patch, modified_at: now }).where('id', '=', id).execute();
}

export async function deleteDashboard(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('dashboard_requests').where('dashboard_id', '=', id).execute();
  await tx.deleteFrom('dashboard_members').where('dashboard_id', '=', id).execute();
  await tx.deleteFrom('dashboards').where('id', '=', id).execute();
}

// ── dashboard members and requests ────────────────────────────────────────────────────────────

export interface DashboardMemberRow extends UserCols {
  is_view_only: number;
  share: string;
  joined_at: number;
}

function dashboardMembersQuery(tx: Tx, dashboardId: number) {
  return tx
    .selectFrom('dashboard_members')
    .innerJoin('users', 'users.id', 'dashboard_members.user_id')
    .select([...userCols, 'dashboard_members.is_view_only', 'dashboard_members.share', 'dashboard_members.created_at as joined_at'])
    .where('dashboard_members.dashboard_id', '=', dashboardId);
}

/** A page of the dashboard's members (ordered by username), and how many there are. */
export async function dashboardMembers(tx: Tx, dashboardId: number, page?: { offset: number; limit: number }): Promise<{ rows: DashboardMemberRow[]; total: number }> {
  let q = dashboardMembersQuery(tx, dashboardId).orderBy(sql`lower(users.username)`).orderBy('users.id');
  if (page) q = q.offset(page.offset).limit(page.limit);
  const rows = await q.execute();
  const total = page ? Number((await tx.selectFrom('dashboard_members').select((eb) => eb.fn.countAll<number>().as('n')).where('dashboard_id', '=', dashboardId).executeTakeFirstOrThrow()).n) : rows.length;
  return { rows, total };
}

/** A member of the dashboard by public user id or username. */
export async function findDashboardMember(tx: Tx, dashboardId: number, handle: string): Promise<DashboardMemberRow | undefined> {
  const q = dashboardMembersQuery(tx, dashboardId);
  return (isUuid(handle) ? q.where('users.uuid', '=', handle.toLowerCase()) : q.where(sql<string>`lower(users.username)`, '=', handle.toLowerCase())).executeTakeFirst();
}

export async function membershipOf(tx: Tx, dashboardIds: number[], userId: number): Promise<Map<number, { is_view_only: number; share: string }>> {
  if (dashboardIds.length === 0) return new Map();
  const rows = await tx.selectFrom('dashboard_members').select(['dashboard_id', 'is_view_only', 'share']).where('dashboard_id', 'in', dashboardIds).where('user_id', '=', userId).execute();
  return new Map(rows.map((r) => [r.dashboard_id, r]));
}

export async function pendingOf(tx: Tx, dashboardIds: number[], userId: number): Promise<{ dashboard_id: number; kind: string }[]> {
  if (dashboardIds.length === 0) return [];
  return tx.selectFrom('dashboard_requests').select(['dashboard_id', 'kind']).where('dashboard_id', 'in', dashboardIds).where('user_id', '=', userId).execute();
}

/** Adds a member or changes how they are on the dashboard. */
export async function putDashboardMember(tx: Tx, m: { dashboardId: number; userId: number; isViewOnly: boolean; share: string; now: number }): Promise<void> {
  await tx
    .insertInto('dashboard_members')
    .values({ dashboard_id: m.dashboardId, user_id: m.userId, is_view_only: m.isViewOnly ? 1 : 0, share: m.share, created_at: m.now })
    .onConflict((oc) => oc.columns(['dashboard_id', 'user_id']).doUpdateSet({ is_view_only: m.isViewOnly ? 1 : 0, share: m.share }))
    .execute();
}

export async function deleteDashboardMember(tx: Tx, dashboardId: number, userId: number): Promise<void> {
  await tx.deleteFrom('dashboard_members').where('dashboard_id', '=', dashboardId).where('user_id', '=', userId).execute();
}

export interface RequestRow {
  id: number;
  uuid: string;
  dashboard_id: number;
  user_id: number;
  kind: string;
  created_at: number;
  username: string;
  full_name: string | null;
}

function requests(tx: Tx) {
  return tx
    .selectFrom('dashboard_requests')
    .innerJoin('users', 'users.id', 'dashboard_requests.user_id')
    .select(['dashboard_requests.id', 'dashboard_requests.uuid', 'dashboard_requests.dashboard_id', 'dashboard_requests.user_id', 'dashboard_requests.kind', 'dashboard_requests.created_at', 'users.username', 'users.full_name']);
}

export async function insertRequest(tx: Tx, r: { dashboardId: number; userId: number; kind: string; now: number }): Promise<string | null> {
  const uuid = randomUUID();
  const res = await tx
    .insertInto('dashboard_requests')
    .values({ uuid, dashboard_id: r.dashboardId, user_id: r.userId, kind: r.kind, created_at: r.now })
    .onConflict((oc) => oc.columns(['dashboard_id', 'user_id', 'kind']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0 ? uuid : null;
}

export async function dashboardRequests(tx: Tx, dashboardId: number): Promise<RequestRow[]> {
  return requests(tx).where('dashboard_requests.dashboard_id', '=', dashboardId).orderBy('dashboard_requests.created_at').orderBy('dashboard_requests.id').execute();
}

export async function findRequest(tx: Tx, dashboardId: number, uuid: string): Promise<RequestRow | undefined> {
  if (!isUuid(uuid)) return undefined;
  return requests(tx).where('dashboard_requests.dashboard_id', '=', dashboardId).where('dashboard_requests.uuid', '=', uuid.toLowerCase()).executeTakeFirst();
}

export async function deleteRequest(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('dashboard_requests').where('id', '=', id).execute();
}

/** Dashboards (with their org) the user is on, or may view through their org role: the older `teams` list. */
export async function dashboardsOfUser(tx: Tx, userId: number): Promise<{ dashboard: DashboardListRow; org: OrgRow; role: string }[]> {
  const out: { dashboard: DashboardListRow; org: OrgRow; role: string }[] = [];
  for (const { org, role } of await orgsOfUser(tx, userId)) for (const dashboard of await orgDashboards(tx, org.id)) out.push({ dashboard, org, role });
  return out;
}

/** Full user rows of these ids (chunked), in no particular order. */
export async function usersByIds(tx: Tx, ids: readonly number[]): Promise<Selectable<UsersTable>[]> {
  const out: Selectable<UsersTable>[] = [];
  for (let i = 0; i < ids.length; i += 500) out.push(...(await tx.selectFrom('users').selectAll().where('id', 'in', ids.slice(i, i + 500)).execute()));
  return out;
}

/** Names of the orgs the user owns (an owner must transfer or delete them before leaving Metronome). */
export async function orgsOwnedBy(tx: Tx, userId: number): Promise<string[]> {
  const rows = await tx.selectFrom('orgs').innerJoin('org_members', 'org_members.org_id', 'orgs.id').select('orgs.name').where('org_members.user_id', '=', userId).where('org_members.role', '=', 'owner').orderBy('orgs.name').execute();
  return rows.map((r) => r.name);
}
