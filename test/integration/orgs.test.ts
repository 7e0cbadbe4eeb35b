/**
 * Organizations and team dashboards with the real clients (wakatime-client's org and team
 * methods, @nick22985/wakatime-api's org methods), unmodified, against a listening server.
 */
import { WakaTimeApi } from '@nick22985/wakatime-api';
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { WakaTimeClient } from 'wakatime-client';
import { describeEachDatabase } from '../helpers/harness.js';
import { acme } from '../helpers/orgs.js';

describeEachDatabase('orgs and dashboards', (t) => {
  it('answers the real clients with the reference shapes', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { owner, alice, bob, orgId, dashId } = await acme(t);
    const today = DateTime.utc().toISODate()!;

    const wc = new WakaTimeClient(owner.apiKey, `${address}/api/v1/`);
    const orgs = await wc.getMyOrganizations();
    expect(orgs).toMatchObject({ total: 1, page: 1, total_pages: 1, prev_page: null, next_page: null });
    expect(orgs.data[0]).toMatchObject({
      id: orgId,
      name: 'Acme',
      people_count: 4,
      people_count_human_readable: '4',
      invited_people_count: 0,
      timezone: 'UTC',
      timeout: 15,
      writes_only: false,
      can_current_user_delete_org: true,
      can_current_user_create_dashboards: true,
      can_current_user_manage_billing: false,
    });
    // the URL wakatime-client calls for the dashboards list
    const dashboards = await wc.getMyOrganizationDashboards(orgId);
    expect(dashboards.data).toHaveLength(1);
    expect(dashboards.data[0]).toMatchObject({ id: dashId, full_name: 'Core', members_count: 2, timezone: 'UTC', has_changed_timezone: false, can_current_user_view: true, can_current_user_delete: true, is_current_user_member: false });

    const members = await wc.getMyOrganizationDashboardMembers({ organizationId: orgId, dashboardId: dashId });
    expect(members).toMatchObject({ total: 3, page: 1 });
    const byName = new Map(members.data.map((m: { username: string }) => [m.username, m]));
    expect(byName.get(alice.user.username)).toMatchObject({ id: alice.user.uuid, is_view_only: false, share: 'everything' });
    expect(byName.get(bob.user.username)).toMatchObject({ is_view_only: false, share: 'totals', email: expect.stringContaining('@example.com') });

    // no dates: today
    const sums = await wc.getMyOrganizationDashboardMemberSummaries({ organizationId: orgId, dashboardId: dashId, memberId: alice.user.uuid });
    expect(sums.data).toHaveLength(1);
    expect(sums.data[0].range.date).toBe(today);
    expect(sums.data[0].grand_total.total_seconds).toBe(1800);
    expect(sums.data[0].projects[0]).toMatchObject({ name: 'web', total_seconds: 1800 });
    expect(sums.data[0].machines).toBeNull(); // machine names stay personal
    expect(sums.default_personal_privacy).toBe('visible');
    const bobSums = await wc.getMyOrganizationDashboardMemberSummaries({ organizationId: orgId, dashboardId: dashId, memberId: bob.user.username });
    expect(bobSums.data[0].grand_total.total_seconds).toBe(1200);
    expect(bobSums.data[0].projects).toBeNull(); // bob shares only totals
    expect(bobSums.default_personal_privacy).toBe('hidden');

    const durations = await wc.getMyOrganizationDashboardMemberDurations({ organizationId: orgId, dashboardId: dashId, memberId: alice.user.uuid });
    expect(durations.data).toHaveLength(1);
    expect(durations.data[0]).toMatchObject({ project: 'web', duration: 1800 });
    await expect(wc.getMyOrganizationDashboardMemberDurations({ organizationId: orgId, dashboardId: dashId, memberId: bob.user.uuid })).rejects.toMatchObject({ response: { status: 403 } });

    // the older teams API: a team is a dashboard
    const teams = await wc.getMyTeams();
    expect(teams.data.map((d: { id: string }) => d.id)).toEqual([dashId]);
    const teamMembers = await wc.getMyTeamMembers(dashId);
    expect(teamMembers.total).toBe(3);
    const teamSums = await wc.getMyTeamMemberSummary({ teamId: dashId, teamMemberId: alice.user.uuid, dateRange: { startDate: today, endDate: today } });
    expect(teamSums.data[0].grand_total.total_seconds).toBe(1800);

    // @nick22985/wakatime-api
    const nick = new WakaTimeApi(owner.apiKey, `${address}/api/v1/`);
    const nOrgs = (await nick.getMyOrgs()) as unknown as { data: { id: string }[] };
    expect(nOrgs.data[0]!.id).toBe(orgId);
    const nDash = (await nick.getMyOrgsDashboard(orgId)) as unknown as { data: { id: string }[] };
    expect(nDash.data[0]!.id).toBe(dashId);
    const nMembers = (await nick.getMyOrgDashboardMembers(orgId, dashId)) as unknown as { total: number };
    expect(nMembers.total).toBe(3);
    const nSums = (await nick.getMyOrgDashboardMemberSummaries(orgId, dashId, alice.user.username, new Date(`${today}T00:00:00Z`), new Date(`${today}T00:00:00Z`))) as unknown as { data: { grand_total: { total_seconds: number } }[] };
    expect(nSums.data[0]!.grand_total.total_seconds).toBe(1800);
    const nDur = (await nick.orgDashboardMemberDurations('current', orgId, dashId, alice.user.username, new Date(`${today}T00:00:00Z`))) as unknown as { data: { project: string }[] };
    expect(nDur.data[0]!.project).toBe('web');
    // by names, with a trailing slash on the collection
    const slash = await fetch(`${address}/api/v1/users/current/orgs/Acme/dashboards/`, { headers: t.auth(owner.apiKey) });
    expect(slash.status).toBe(200);
    expect((await slash.json()).data[0].id).toBe(dashId);
  });

  it('sums the team: total, per member and day, projects and languages as each member shares', async () => {
    const { call, owner, alice, bob, orgId, dashId } = await acme(t);
    const res = await call(owner.apiKey, 'GET', `/users/current/orgs/${orgId}/dashboards/${dashId}/summary?range=Last%207%20Days`);
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d.dates).toHaveLength(7);
    expect(d.grand_total.total_seconds).toBe(3000);
    expect(d.daily_totals.at(-1)).toBe(3000);
    // bob's Go time is in the total but not in the breakdowns (he shares totals only)
    expect(d.languages.map((l: { name: string }) => l.name)).toEqual(['TypeScript']);
    expect(d.projects).toEqual([expect.objectContaining({ name: 'web', total_seconds: 1800 })]);
    const members = new Map(d.members.map((m: { username: string }) => [m.username, m]));
    expect(members.get(alice.user.username)).toMatchObject({ total_seconds: 1800, today_seconds: 1800, top_language: 'TypeScript', share: 'everything' });
    expect(members.get(bob.user.username)).toMatchObject({ total_seconds: 1200, today_seconds: 1200, top_language: null, share: 'totals' });
    // the chart stacks the most active members day by day; the rest would be one band
    expect((members.get(alice.user.username) as { days: number[] }).days.at(-1)).toBe(1800);
    expect(d.daily_others).toEqual([0, 0, 0, 0, 0, 0, 0]);

    // a removed member disappears from the dashboard
    expect((await call(owner.apiKey, 'DELETE', `/users/current/orgs/${orgId}/members/${alice.user.username}`)).status).toBe(204);
    const after = await call(owner.apiKey, 'GET', `/users/current/orgs/${orgId}/dashboards/${dashId}/summary?range=Today`);
    expect(after.body.data.members.map((m: { username: string }) => m.username)).toEqual([bob.user.username]);
    expect(after.body.data.grand_total.total_seconds).toBe(1200);
    expect(after.body.data.daily_totals).toEqual([1200]);
    expect((await call(alice.apiKey, 'GET', `/users/current/orgs/${orgId}/dashboards`)).status).toBe(404);
  });
});

describeEachDatabase('orgs: hostile input', (t) => {
  it('answers bad values with a 4xx naming the field', async () => {
    const { call, owner, alice, orgId, dashId } = await acme(t);
    const O = `/users/current/orgs/${orgId}`;
    const D = `${O}/dashboards/${dashId}`;
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/users/current/orgs', { name: 'x', timezone: 'Mars/Olympus' }, 400, 'timezone'],
      ['POST', '/users/current/orgs', { name: 'x', timeout: 0 }, 400, 'timeout'],
      ['POST', '/users/current/orgs', { name: 'x\u0000y' }, 400, 'name'],
      ['POST', '/users/current/orgs', { name: '   ' }, 400, 'name'],
      ['POST', '/users/current/orgs', { name: '\ud800' }, 400, 'name'],
      ['PATCH', O, { timeout: 1e309 }, 400, 'timeout'],
      ['POST', `${O}/invitations`, { email: 'not an address' }, 400, 'email'],
      ['POST', `${O}/invitations`, {}, 400, 'username'],
      ['POST', `${O}/invitations`, { username: 'nobody-at-all' }, 404, 'username'],
      ['POST', `${O}/dashboards`, { name: 'x', access: 'everyone' }, 400, 'access'],
      ['PATCH', `${D}/members/current`, { share: 'some' }, 400, 'share'],
      ['POST', `${D}/members`, { username: 'nobody-at-all' }, 400, 'username'],
      ['GET', `${D}/members/${alice.user.username}/summaries?start=2024-01-01&end=2026-12-31`, undefined, 400, 'end'],
      ['GET', `${D}/members/${alice.user.username}/summaries?range=Forever`, undefined, 400, 'range'],
      ['GET', `${D}/members/${alice.user.username}/summaries?start=1999-01-01&end=2000-01-02`, undefined, 400, 'start'],
      ['GET', `${D}/members/${alice.user.username}/durations?date=nope`, undefined, 400, 'date'],
      ['GET', `${D}/summary?start=2024-02-01&end=2024-01-01`, undefined, 400, 'end'],
      ['POST', '/users/current/org_joins', { token: 'mjl_guess' }, 404, 'token'],
      ['POST', '/users/current/org_invitations/not-a-uuid/accept', undefined, 404, 'invitation'],
    ];
    for (const [method, url, payload, status, field] of cases) {
      const res = await call(owner.apiKey, method as 'GET', url, payload);
      expect(res.status, `${method} ${url} ${JSON.stringify(payload)}`).toBe(status);
      expect(JSON.stringify(res.body), `${method} ${url}`).toContain(field);
    }
    // a page past the end is an empty page
    const far = await call(owner.apiKey, 'GET', `${D}/members?page=999999`);
    expect(far.status).toBe(200);
    expect(far.body).toMatchObject({ data: [], page: 999999, next_page: null, prev_page: 999998, total: 3 });
  });
});
