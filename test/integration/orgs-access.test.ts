/**
 * The access test of issue 11: every org route × owner / admin / member / dashboard viewer /
 * outsider / OAuth token without read_orgs (or write_orgs) gets exactly what the rules allow, and
 * no member's private data reaches a viewer who may not see it. Expectations are written out by
 * hand from the rules (README "Organizations and team dashboards"), not computed by the code under test.
 */
import { expect, it } from 'vitest';
import { createOauthApp } from '../../src/storage/oauth.js';
import { issueTokens } from '../../src/services/oauth.js';
import { describeEachDatabase } from '../helpers/harness.js';
import { acme, type Method } from '../helpers/orgs.js';

type Who = 'owner' | 'admin' | 'member' | 'viewer' | 'outsider' | 'app';
const WHO: Who[] = ['owner', 'admin', 'member', 'viewer', 'outsider', 'app'];

describeEachDatabase('org access', (t) => {
  it('answers every org route for every kind of requester as the rules say', async () => {
    const { owner, alice, bob, viewer, outsider, orgId, dashId } = await acme(t);
    const { app } = await createOauthApp(t.storage.db, { userId: outsider.user.id, name: 'reader', redirectUris: ['https://app.example/cb'], isPublic: false });
    const issued = await t.storage.db.transaction().execute((tx) => issueTokens(tx, { appId: app.id, userId: owner.user.id, scopes: ['read_summaries', 'read_stats'], flow: 'code' }, Date.now() / 1000));
    // a second dashboard only its members (none) and admins may view
    const secret = await t.app.inject({ method: 'POST', url: `/api/v1/users/current/orgs/${orgId}/dashboards`, headers: t.auth(owner.apiKey), payload: { name: 'Secret', access: 'members' } });
    const secretId: string = secret.json().data.id;

    const headers = (who: Who) =>
      who === 'app' ? { authorization: `Bearer ${issued.accessToken}` } : t.auth({ owner, admin: alice, member: bob, viewer, outsider }[who].apiKey);
    const call = async (who: Who, method: Method, url: string, payload?: unknown) => {
      const res = await t.app.inject({ method, url: `/api/v1/users/current${url}`, headers: { ...headers(who), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, payload: payload as never });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
    };

    const O = `/orgs/${orgId}`;
    const D = `${O}/dashboards/${dashId}`;
    const S = `${O}/dashboards/${secretId}`;
    const failures: string[] = [];
    const expectAll = async (method: Method, url: string, want: Record<Who, number>, payload?: unknown) => {
      for (const who of WHO) {
        const res = await call(who, method, url, payload);
        if (res.status !== want[who]) failures.push(`${who} ${method} ${url}: ${res.status}, want ${want[who]} ${JSON.stringify(res.body).slice(0, 100)}`);
        if (res.status >= 400 && !(typeof res.body?.error === 'string' && res.body.error.length > 0)) failures.push(`${who} ${method} ${url}: ${res.status} without an error message`);
      }
    };
    // org members read their org; outsiders never learn it exists; apps need read_orgs
    const inOrg = { owner: 200, admin: 200, member: 200, viewer: 200, outsider: 404, app: 403 };
    const adminsOnly = { owner: 200, admin: 200, member: 403, viewer: 403, outsider: 404, app: 403 };
    await expectAll('GET', '/orgs', { owner: 200, admin: 200, member: 200, viewer: 200, outsider: 200, app: 403 });
    await expectAll('GET', O, inOrg);
    await expectAll('GET', `${O}/dashboards`, inOrg);
    await expectAll('GET', `${O}/members`, inOrg);
    await expectAll('GET', `${O}/invitations`, adminsOnly);
    await expectAll('GET', D, inOrg);
    await expectAll('GET', `${D}/members`, inOrg);
    await expectAll('GET', `${D}/summary?range=Today`, inOrg);
    await expectAll('GET', `${D}/requests`, inOrg);
    await expectAll('GET', `${D}/members/${alice.user.username}/summaries`, inOrg);
    await expectAll('GET', `${D}/members/${alice.user.username}/durations`, inOrg);
    // bob shares only totals: his durations are his own
    await expectAll('GET', `${D}/members/${bob.user.username}/durations`, { owner: 403, admin: 403, member: 200, viewer: 403, outsider: 404, app: 403 });
    // the viewer's own time is not on the dashboard
    await expectAll('GET', `${D}/members/${viewer.user.username}/summaries`, { owner: 404, admin: 404, member: 404, viewer: 404, outsider: 404, app: 403 });
    // a members-only dashboard: admins, and nobody else in the org, until a request is approved
    await expectAll('GET', S, inOrg);
    await expectAll('GET', `${S}/members`, adminsOnly);
    await expectAll('GET', `${S}/summary`, adminsOnly);
    await expectAll('GET', '/teams', { owner: 200, admin: 200, member: 200, viewer: 200, outsider: 200, app: 403 });
    await expectAll('GET', `/teams/${dashId}/members`, inOrg);
    await expectAll('GET', `/teams/${dashId}/members/${alice.user.uuid}/summaries`, inOrg);
    await expectAll('GET', `/teams/${secretId}/members`, adminsOnly);

    // changes: apps need write_orgs; roles decide the rest (no change below alters the standing of the next)
    const write = (ok: number, asAdmin: number, asMember = 403) => ({ owner: ok, admin: asAdmin, member: asMember, viewer: asMember, outsider: 404, app: 403 });
    await expectAll('PATCH', O, write(200, 200), { timeout: 10 });
    // transferring to oneself changes nothing; only the owner may transfer
    await expectAll('PATCH', O, write(200, 403), { owner: owner.user.username });
    await expectAll('DELETE', `${O}/dashboards/no-such-dashboard`, write(404, 404, 404));
    await expectAll('PATCH', D, write(200, 200), { name: 'Core' });
    await expectAll('POST', `${O}/invitations`, write(409, 409), { username: bob.user.username });
    await expectAll('POST', `${O}/invitations`, write(201, 403), { email: 'new-admin@example.com', role: 'admin' });
    await expectAll('POST', `${D}/members`, write(201, 201), { username: viewer.user.username, is_view_only: true });
    await expectAll('PATCH', `${D}/members/${alice.user.username}`, write(403, 200, 403), { share: 'everything' });
    await expectAll('PATCH', `${O}/members/${bob.user.username}`, write(200, 403), { role: 'member' });
    await expectAll('DELETE', `${O}/members/${owner.user.username}`, write(403, 403));
    await expectAll('POST', '/orgs', { owner: 201, admin: 201, member: 201, viewer: 201, outsider: 201, app: 403 }, { name: 'Side project' });
    await expectAll('POST', `${O}/join_link`, write(201, 201));
    await expectAll('DELETE', `${O}/join_link`, write(204, 204));
    await expectAll('POST', `${O}/dashboards`, write(201, 201), { name: 'Later', access: 'org' });
    await expectAll('DELETE', `${O}/invitations/00000000-0000-4000-8000-000000000000`, write(404, 404));
    await expectAll('POST', `${D}/requests`, { owner: 409, admin: 409, member: 409, viewer: 409, outsider: 404, app: 403 }, { kind: 'view' });
    await expectAll('DELETE', `${D}/members/nobody-here`, write(404, 404, 404));
    await expectAll('POST', `${D}/requests/00000000-0000-4000-8000-000000000000/approve`, write(404, 404));
    // two "Later" dashboards now (owner's and admin's): the others may not delete them, admins may
    for (const [who, want] of [['member', 403], ['viewer', 403], ['outsider', 404], ['app', 403], ['admin', 204], ['owner', 204], ['admin', 404]] as [Who, number][]) {
      const res = await call(who, 'DELETE', `${O}/dashboards/Later`);
      if (res.status !== want) failures.push(`${who} DELETE a dashboard: ${res.status}, want ${want}`);
    }
    expect(failures).toEqual([]);

    // what each one sees of bob (totals only) and alice (everything)
    for (const who of ['owner', 'admin', 'viewer'] as Who[]) {
      const b = await call(who, 'GET', `${D}/members/${bob.user.username}/summaries`);
      expect(b.body.data[0].grand_total.total_seconds, who).toBe(1200);
      for (const dim of ['projects', 'languages', 'editors', 'operating_systems', 'categories', 'dependencies', 'machines']) expect(b.body.data[0][dim], `${who} sees bob's ${dim}`).toBeNull();
      // a filter on what bob does not share is refused, naming it
      const f = await call(who, 'GET', `${D}/members/${bob.user.username}/summaries?project=api`);
      expect(f.status, who).toBe(403);
      expect(f.body.errors?.project ?? f.body.error).toBeTruthy();
      const a = await call(who, 'GET', `${D}/members/${alice.user.username}/summaries`);
      expect(a.body.data[0].languages[0].name).toBe('TypeScript');
      // machine names stay personal (alice, the admin here, sees her own)
      if (who === 'admin') expect(a.body.data[0].machines[0].name).toBeTruthy();
      else expect(a.body.data[0].machines).toBeNull();
      const team = await call(who, 'GET', `${D}/summary?range=Today`);
      expect(team.body.data.projects.map((p: { name: string }) => p.name)).toEqual(['web']);
    }
    const self = await call('member', 'GET', `${D}/members/${bob.user.username}/summaries`);
    expect(self.body.data[0].projects[0].name).toBe('api');
    // e-mail addresses: admins and the member themself
    const asMember = await call('member', 'GET', `${D}/members`);
    const seen = new Map(asMember.body.data.map((m: { username: string; email: string | null }) => [m.username, m.email]));
    expect(seen.get(bob.user.username)).toContain('@example.com');
    expect(seen.get(alice.user.username)).toBeNull();

    // a request to view the members-only dashboard, approved by an admin: the member may view it
    const req = await call('member', 'POST', `${S}/requests`, { kind: 'view' });
    expect(req.status).toBe(201);
    expect((await call('member', 'POST', `${S}/requests`, { kind: 'view' })).status).toBe(409);
    expect((await call('viewer', 'POST', `${S}/requests/${req.body.data.id}/approve`)).status).toBe(403);
    const listed = await call('admin', 'GET', `${S}/requests`);
    expect(listed.body.data.map((r: { username: string }) => r.username)).toEqual([bob.user.username]);
    expect((await call('admin', 'POST', `${S}/requests/${req.body.data.id}/approve`)).status).toBe(200);
    expect((await call('member', 'GET', `${S}/members`)).status).toBe(200);
    const d = await call('member', 'GET', S);
    expect(d.body.data).toMatchObject({ can_current_user_view: true, is_current_user_member: true, is_current_user_view_only: true, can_current_user_request_to_join: true });

    // an owner cannot delete their account while they own the org
    await expect(t.app.ctx.services.accountSettings.deleteAccount(owner.user.id, { confirm: owner.user.username })).rejects.toMatchObject({ kind: 'conflict', field: 'confirm' });

    // ownership moves by transfer; then the old owner may leave, the org goes with its new owner
    expect((await call('owner', 'PATCH', O, { owner: alice.user.uuid })).status).toBe(200);
    expect((await call('admin', 'GET', O)).status).toBe(200);
    const orgs = await call('admin', 'GET', '/orgs');
    expect(orgs.body.data.find((o: { id: string }) => o.id === orgId)).toMatchObject({ role: 'owner', can_current_user_delete_org: true });
    expect((await call('owner', 'DELETE', `${O}/members/current`)).status).toBe(204);
    expect((await call('owner', 'GET', O)).status).toBe(404);
    expect((await call('admin', 'DELETE', O)).status).toBe(204);
    expect((await call('member', 'GET', O)).status).toBe(404);
  });
});
