/** The org rules (domain/orgs.ts) and the dashboard viewer of the access policy (domain/access.ts). */
import { describe, expect, it } from 'vitest';
import { canSee, dashboardVisibility, EVERYTHING, NOTHING, visibilityFor } from '../../../src/domain/access.js';
import { cleanName, dashboardPermissions, mayChangeRole, mayInviteAs, mayReadDurations, mayRemoveMember, orgPermissions, type DashboardStanding, type OrgRole } from '../../../src/domain/orgs.js';

const standing = (o: Partial<DashboardStanding>): DashboardStanding => ({ role: 'member', membership: null, pending: { view: false, join: false }, access: 'members', ...o });

describe('org permissions', () => {
  it('follow the role', () => {
    expect(orgPermissions(null)).toEqual(Object.fromEntries(Object.keys(orgPermissions('owner')).map((k) => [k, false])));
    const member = orgPermissions('member');
    expect(member).toMatchObject({ list_dashboards: true, display_coding_on_dashboards: true, create_dashboards: false, view_all_dashboards: false, add_people_to_org: false, delete_org: false, edit_org: false });
    const admin = orgPermissions('admin');
    expect(admin).toMatchObject({ create_dashboards: true, view_all_dashboards: true, add_people_to_org: true, remove_people_from_org: true, edit_org: true, manage_groups: false, delete_org: false });
    expect(orgPermissions('owner')).toMatchObject({ manage_groups: true, delete_org: true, manage_billing: false, view_audit_log: false });
  });

  it('role changes, removals and invitations', () => {
    expect(mayChangeRole('owner', 'member', 'admin', false)).toBe(true);
    expect(mayChangeRole('admin', 'member', 'admin', false)).toBe(false);
    expect(mayChangeRole('owner', 'owner', 'admin', true)).toBe(false);
    expect(mayChangeRole('owner', 'member', 'owner', false)).toBe(false);
    const cases: [OrgRole | null, OrgRole, boolean, boolean][] = [
      ['admin', 'member', false, true],
      ['admin', 'admin', false, false],
      ['owner', 'admin', false, true],
      ['member', 'member', false, false],
      ['member', 'member', true, true],
      ['owner', 'owner', true, false],
      [null, 'member', false, false],
    ];
    for (const [actor, target, self, want] of cases) expect(mayRemoveMember(actor, target, self), `${actor} removes ${target} self=${self}`).toBe(want);
    expect(mayInviteAs('admin', 'member')).toBe(true);
    expect(mayInviteAs('admin', 'admin')).toBe(false);
    expect(mayInviteAs('owner', 'admin')).toBe(true);
    expect(mayInviteAs('member', 'member')).toBe(false);
    expect(mayInviteAs('owner', 'owner')).toBe(false);
  });

  it('durations need the org setting, admin rights or oneself', () => {
    expect(mayReadDurations({ role: 'member', self: false, isDurationVisible: true })).toBe(true);
    expect(mayReadDurations({ role: 'member', self: false, isDurationVisible: false })).toBe(false);
    expect(mayReadDurations({ role: 'admin', self: false, isDurationVisible: false })).toBe(true);
    expect(mayReadDurations({ role: 'member', self: true, isDurationVisible: false })).toBe(true);
    expect(mayReadDurations({ role: null, self: false, isDurationVisible: true })).toBe(false);
  });

  it('names are trimmed text of 1–100 characters', () => {
    expect(cleanName('  Acme ')).toBe('Acme');
    expect(cleanName('')).toBeNull();
    expect(cleanName('a\u0000b')).toBeNull();
    expect(cleanName('x'.repeat(101))).toBeNull();
  });
});

describe('dashboard permissions', () => {
  it('outsiders can do nothing', () => {
    expect(Object.values(dashboardPermissions(standing({ role: null, access: 'org' }))).every((v) => !v)).toBe(true);
  });
  it('members view org-wide dashboards, request to view the others, request to join unless shown', () => {
    expect(dashboardPermissions(standing({ access: 'org' }))).toMatchObject({ view: true, request_to_view: false, request_to_join: true, delete: false });
    expect(dashboardPermissions(standing({}))).toMatchObject({ view: false, request_to_view: true, request_to_join: true });
    expect(dashboardPermissions(standing({ pending: { view: true, join: true } }))).toMatchObject({ view: false, request_to_view: false, request_to_join: false });
    expect(dashboardPermissions(standing({ membership: { isViewOnly: true } }))).toMatchObject({ view: true, request_to_join: true });
    expect(dashboardPermissions(standing({ membership: { isViewOnly: false } }))).toMatchObject({ view: true, request_to_join: false });
  });
  it('admins see and manage every dashboard', () => {
    expect(dashboardPermissions(standing({ role: 'admin' }))).toMatchObject({ view: true, request_to_view: false, add_members: true, remove_members: true, delete: true });
  });
});

describe('the dashboard viewer', () => {
  const flags = { logged_time_public: 0, languages_used_public: 0, editors_used_public: 0, os_used_public: 0, categories_used_public: 0 };
  const viewer = { kind: 'dashboard' as const, viewerId: 1, shares: new Map([[2, 'everything' as const], [3, 'totals' as const]]) };
  it('sees each member as they share, themself in full, strangers not at all', () => {
    expect(visibilityFor(viewer, { ...flags, id: 1 }, 'summaries')).toEqual(EVERYTHING);
    const all = dashboardVisibility(viewer, 2);
    expect(canSee(all, 'projects') && canSee(all, 'languages') && canSee(all, 'branches')).toBe(true);
    expect(all.machines).toBe(false);
    const totals = dashboardVisibility(viewer, 3);
    expect(totals).toEqual({ ...NOTHING, time: true, best_day: true });
    expect(dashboardVisibility(viewer, 4)).toEqual(NOTHING);
    expect(visibilityFor(viewer, flags, 'summaries')).toEqual(NOTHING);
  });
});
