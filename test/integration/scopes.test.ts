/**
 * The scope matrix (issue 4): every endpoint family × every OAuth scope of the reference —
 * allowed, narrowed or 403 naming the scope — and no token ever reaches another user's private data.
 * The expectations below restate the reference's scope list by hand; they do not reuse the code
 * under test.
 */
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { SCOPES } from '../../src/domain/oauth.js';
import { createOauthApp } from '../../src/storage/oauth.js';
import { issueTokens } from '../../src/services/oauth.js';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

const DIMS = ['categories', 'dependencies', 'editors', 'languages', 'machines', 'operating_systems', 'projects'] as const;
type Dim = (typeof DIMS)[number];

/** What a scope lets an app see of summaries or stats: everything, some dimensions, or nothing (403). */
type View = { kind: 'all' } | { kind: 'some'; dims: Dim[]; bestDay: boolean } | { kind: 'none' };

function summariesView(scope: string): View {
  if (scope === 'read_heartbeats' || scope === 'read_summaries') return { kind: 'all' };
  const m = /^read_summaries\.(\w+)$/.exec(scope);
  return m ? { kind: 'some', dims: [m[1] as Dim], bestDay: false } : { kind: 'none' };
}

function statsView(scope: string): View {
  if (scope === 'read_heartbeats' || scope === 'read_summaries' || scope === 'read_stats') return { kind: 'all' };
  if (scope === 'read_stats.best_day') return { kind: 'some', dims: [], bestDay: true };
  const m = /^read_(summaries|stats)\.(\w+)$/.exec(scope);
  return m ? { kind: 'some', dims: [m[2] as Dim], bestDay: false } : { kind: 'none' };
}

/** projects, machine_names and user_agents: the raw records behind one dimension. */
function recordAllowed(scope: string, dim: Dim): boolean {
  return ['read_heartbeats', 'read_summaries', 'read_stats', `read_summaries.${dim}`, `read_stats.${dim}`].includes(scope);
}

describeEachDatabase('scope matrix', (t) => {
  it('answers every endpoint family for every scope as the reference says', async () => {
    const { user, apiKey } = await t.createUser({ email: 'owner@example.com' });
    const { user: other, apiKey: otherKey } = await t.createUser({ email: 'other@example.com' });
    const day = DateTime.utc().startOf('day').minus({ days: 2 });
    const date = day.toISODate()!;
    const base = day.plus({ hours: 9 }).toSeconds();
    const beats = [
      { entity: '/p/a.ts', type: 'file', time: base, project: 'alpha', language: 'TypeScript', dependencies: ['react'], is_write: true },
      { entity: '/p/a.ts', type: 'file', time: base + 600, project: 'alpha', language: 'TypeScript', dependencies: ['react'] },
      { entity: '/p/b.py', type: 'file', time: base + 700, project: 'alpha', language: 'Python' },
    ];
    for (const key of [apiKey, otherKey]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(key) }, payload: beats });
      expect(res.statusCode).toBe(201);
    }

    // one app per scope (8 active tokens per app and user), tokens issued an hour apart (10 per hour)
    const now = Date.now() / 1000;
    const tokens = new Map<string, string>();
    const names = SCOPES.map((s) => s.name);
    expect(names).toHaveLength(25);
    for (const [i, scope] of names.entries()) {
      const { app } = await createOauthApp(t.storage.db, { userId: other.id, name: `app ${scope}`, redirectUris: ['https://app.example/cb'], isPublic: false });
      const issued = await t.storage.db.transaction().execute((tx) => issueTokens(tx, { appId: app.id, userId: user.id, scopes: [scope], flow: 'code' }, now - 3600 * (names.length - i)));
      tokens.set(scope, issued.accessToken);
    }

    const call = (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) }, payload: payload as never });

    const ownBoard: string = (await t.app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards', headers: t.auth(apiKey), payload: { name: 'mine' } })).json().data.id;
    const failures: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok) failures.push(what);
    };
    const expectStatus = async (scope: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, allowed: boolean, okStatus = 200, payload?: unknown) => {
      const res = await call(tokens.get(scope)!, method, url, payload);
      const want = allowed ? okStatus : 403;
      check(res.statusCode === want, `${scope} ${method} ${url}: ${res.statusCode}, want ${want} ${res.body.slice(0, 120)}`);
      if (!allowed && res.statusCode === 403) check(typeof res.json().error === 'string' && res.json().error.length > 0, `${scope} ${url}: 403 without an error message`);
      return res;
    };

    for (const scope of names) {
      // the user resource: always, the private email only with `email`
      const me = await expectStatus(scope, 'GET', '/users/current', true);
      check(me.json().data?.email === (scope === 'email' ? 'owner@example.com' : null), `${scope}: email ${me.json().data?.email}`);

      // heartbeats and durations
      await expectStatus(scope, 'GET', `/users/current/heartbeats?date=${date}`, scope === 'read_heartbeats');
      await expectStatus(scope, 'GET', `/users/current/durations?date=${date}`, scope === 'read_heartbeats');
      await expectStatus(scope, 'POST', '/users/current/heartbeats', scope === 'write_heartbeats', 202, { entity: 'x.ts', type: 'file', time: base - 86400 * 30, project: 'w' });
      await expectStatus(scope, 'DELETE', '/users/current/heartbeats.bulk', scope === 'write_heartbeats', 200, { date, ids: ['0'] });
      // external durations (issue 12): read with read_heartbeats, written with write_heartbeats
      // (an empty item: authorized → 400 naming its fields, so the data of later checks is unchanged)
      await expectStatus(scope, 'GET', `/users/current/external_durations?date=${date}`, scope === 'read_heartbeats');
      await expectStatus(scope, 'POST', '/users/current/external_durations', scope === 'write_heartbeats', 400, { entity: 'standup' });
      await expectStatus(scope, 'POST', '/users/current/external_durations.bulk', scope === 'write_heartbeats', 201, [{ entity: 'standup' }]);
      await expectStatus(scope, 'DELETE', '/users/current/external_durations.bulk', scope === 'write_heartbeats', 200, { date, ids: [] });

      // goals (issue 10): reads need read_goals; writes are never for an app
      await expectStatus(scope, 'GET', '/users/current/goals', scope === 'read_goals');
      await expectStatus(scope, 'POST', '/users/current/goals', false, 201, { seconds: 600, delta: 'day' });

      // summaries and the status bar
      const sv = summariesView(scope);
      const sum = await expectStatus(scope, 'GET', `/users/current/summaries?start=${date}&end=${date}`, sv.kind !== 'none');
      if (sv.kind !== 'none' && sum.statusCode === 200) {
        const d = sum.json().data[0];
        check(d.grand_total.total_seconds === 700, `${scope}: summaries total ${d.grand_total.total_seconds}`);
        for (const dim of DIMS) {
          const visible = sv.kind === 'all' || sv.dims.includes(dim);
          check(visible ? Array.isArray(d[dim]) && d[dim].length > 0 : d[dim] === null, `${scope}: summaries ${dim} ${JSON.stringify(d[dim])?.slice(0, 60)}`);
        }
      }
      // the dashboard's activity calendar: day totals, like summaries
      const activity = await expectStatus(scope, 'GET', '/users/current/activity', sv.kind !== 'none');
      if (sv.kind !== 'none' && activity.statusCode === 200) check(activity.json().data.total_seconds === 700, `${scope}: activity total ${activity.json().data.total_seconds}`);
      const bar = await expectStatus(scope, 'GET', '/users/current/status_bar/today', sv.kind !== 'none');
      if (sv.kind !== 'none' && bar.statusCode === 200) {
        for (const dim of DIMS) {
          const visible = sv.kind === 'all' || sv.dims.includes(dim);
          const v = bar.json().data[dim];
          check(visible ? Array.isArray(v) : v === null, `${scope}: status bar ${dim} ${JSON.stringify(v)}`);
        }
      }

      // stats, insights, all time
      const st = statsView(scope);
      const stats = await expectStatus(scope, 'GET', '/users/current/stats/last_7_days', st.kind !== 'none');
      if (st.kind !== 'none' && stats.statusCode === 200) {
        const d = stats.json().data;
        check(d.total_seconds === 700, `${scope}: stats total ${d.total_seconds}`);
        for (const dim of DIMS) {
          const visible = st.kind === 'all' || st.dims.includes(dim);
          check(visible ? Array.isArray(d[dim]) && d[dim].length > 0 : d[dim] === null, `${scope}: stats ${dim} ${JSON.stringify(d[dim])?.slice(0, 60)}`);
        }
        const bestDay = st.kind === 'all' || st.bestDay;
        check(bestDay ? d.best_day?.date === date : d.best_day === null, `${scope}: stats best_day ${JSON.stringify(d.best_day)}`);
      }
      await expectStatus(scope, 'GET', '/users/current/insights/weekday/last_7_days', st.kind !== 'none');
      await expectStatus(scope, 'GET', '/users/current/insights/languages/last_7_days', st.kind === 'all' || (st.kind === 'some' && st.dims.includes('languages')));
      await expectStatus(scope, 'GET', '/users/current/all_time_since_today', st.kind !== 'none');

      // what heartbeats create
      await expectStatus(scope, 'GET', '/users/current/projects', recordAllowed(scope, 'projects'));
      await expectStatus(scope, 'GET', '/users/current/machine_names', recordAllowed(scope, 'machines'));
      await expectStatus(scope, 'GET', '/users/current/user_agents', recordAllowed(scope, 'editors'));
      // commits (issue 12) show a project's time: the scopes that show projects (alpha has none yet: an empty page)
      await expectStatus(scope, 'GET', '/users/current/projects/alpha/commits', recordAllowed(scope, 'projects'), 200);
      await expectStatus(scope, 'GET', '/users/current/projects/alpha/commit_webhook', false);

      // leaders are public; private leaderboards need read_/write_private_leaderboards
      await expectStatus(scope, 'GET', '/leaders', true);
      await expectStatus(scope, 'GET', '/users/current/leaderboards', scope === 'read_private_leaderboards');
      const created = await expectStatus(scope, 'POST', '/users/current/leaderboards', scope === 'write_private_leaderboards', 201, { name: `board ${scope}` });
      const boardId: string = created.statusCode === 201 ? created.json().data.id : ownBoard;
      await expectStatus(scope, 'GET', `/users/current/leaderboards/${ownBoard}`, scope === 'read_private_leaderboards');
      await expectStatus(scope, 'PATCH', `/users/current/leaderboards/${boardId}`, scope === 'write_private_leaderboards', 200, { name: 'renamed' });
      await expectStatus(scope, 'DELETE', `/users/current/leaderboards/${boardId === ownBoard ? '00000000-0000-4000-8000-000000000000' : boardId}`, scope === 'write_private_leaderboards', 204);

      // account management is never an app's business
      await expectStatus(scope, 'PATCH', '/users/current', false, 200, { timeout: 20 });
      await expectStatus(scope, 'GET', '/users/current/api_keys', false);
      await expectStatus(scope, 'GET', '/users/current/oauth_apps', false);
      await expectStatus(scope, 'GET', '/users/current/authorized_apps', false);
      await expectStatus(scope, 'GET', '/users/current/share_links', false);

      // organizations and dashboards: read_orgs reads, write_orgs changes; instance administration: never an app's
      await expectStatus(scope, 'GET', '/users/current/orgs', scope === 'read_orgs');
      await expectStatus(scope, 'GET', '/users/current/teams', scope === 'read_orgs');
      await expectStatus(scope, 'POST', '/users/current/orgs', scope === 'write_orgs', 201, { name: `org of ${scope}` });
      await expectStatus(scope, 'GET', '/admin/users', false);

      // data dumps hold every heartbeat: read_heartbeats; imports and relay targets are account management
      await expectStatus(scope, 'GET', '/users/current/data_dumps', scope === 'read_heartbeats');
      await expectStatus(scope, 'GET', '/users/current/data_dump', scope === 'read_heartbeats');
      await expectStatus(scope, 'GET', '/users/current/imports', false);
      await expectStatus(scope, 'GET', '/users/current/relay_targets', false);

      // another user's private data, whatever the scope: never
      for (const url of [`/users/${other.username}/data_dumps`, `/users/${other.username}/heartbeats?date=${date}`, `/users/${other.username}/summaries?start=${date}&end=${date}`, `/users/${other.username}/stats/last_7_days`, `/users/${other.username}/durations?date=${date}`, `/users/${other.uuid}/projects`, `/users/${other.username}/leaderboards`, `/users/${other.username}/activity`]) {
        const res = await call(tokens.get(scope)!, 'GET', url);
        check(res.statusCode === 403, `${scope} reached ${url}: ${res.statusCode}`);
      }
      const profile = await call(tokens.get(scope)!, 'GET', `/users/${other.username}`);
      check(profile.statusCode === 200 && profile.json().data.email === null && profile.json().data.timeout === undefined, `${scope}: other user's profile leaks private fields`);
    }
    expect(failures).toEqual([]);

    // a missing scope is named in the 403
    const denied = await call(tokens.get('read_goals')!, 'GET', `/users/current/heartbeats?date=${date}`);
    expect(denied.json().error).toContain('read_heartbeats');

    // an API key has every scope
    for (const url of [`/users/current/heartbeats?date=${date}`, `/users/current/durations?date=${date}`, `/users/current/summaries?start=${date}&end=${date}`, '/users/current/stats/last_7_days', '/users/current/projects', '/users/current/api_keys', '/users/current/oauth_apps']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: t.auth(apiKey) });
      expect(res.statusCode, url).toBe(200);
    }
  });
});
