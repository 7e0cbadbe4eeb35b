/**
 * Project-name oracle (issue 13 item 9): `project=` / `branches=` filters are for viewers who may
 * see projects (the owner, or a grant covering projects). Anyone else gets 401 (anonymous) or 403,
 * naming the field, on every time route, whether the project exists or not.
 */
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { createOauthApp } from '../../src/storage/oauth.js';
import { issueTokens } from '../../src/services/oauth.js';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

describeEachDatabase('private filters', (t) => {
  it('never tells a viewer who may not see projects whether a project exists, or its time', async () => {
    const owner = await t.createUser();
    const stranger = await t.createUser();
    const day = DateTime.utc().startOf('day').minus({ days: 2 });
    const base = day.plus({ hours: 9 }).toSeconds();
    const beats = [
      { entity: '/s/a.go', type: 'file', time: base, project: 'secret-project', branch: 'main', language: 'Go' },
      { entity: '/s/a.go', type: 'file', time: base + 600, project: 'secret-project', branch: 'main', language: 'Go' },
    ];
    const sent = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(owner.apiKey) }, payload: beats });
    expect(sent.statusCode).toBe(201);
    const patch = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(owner.apiKey), payload: { timezone: 'UTC', logged_time_public: true, languages_used_public: true } });
    expect(patch.statusCode).toBe(200);

    const u = owner.user.username;
    const date = day.toISODate()!;
    const routes = [
      `all_time_since_today`,
      `stats/last_7_days`,
      `stats`,
      `insights/days/last_7_days`,
      `summaries?start=${date}&end=${date}`,
      `durations?date=${date}`,
    ];
    const withParam = (path: string, param: string) => `/api/v1/users/${u}/${path}${path.includes('?') ? '&' : '?'}${param}`;

    // public data without a filter is still public
    for (const path of ['all_time_since_today', 'stats/last_7_days']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/${u}/${path}` });
      expect(res.statusCode, path).toBe(200);
    }

    // an existing and a made-up project answer the same: 401 anonymous, 403 for a stranger, naming the field
    for (const path of routes) {
      for (const [param, field] of [['project=secret-project', 'project'], ['project=no-such-project', 'project'], ['branches=main', 'branches']] as const) {
        const url = withParam(path, param);
        const anon = await t.app.inject({ method: 'GET', url });
        expect(anon.statusCode, url).toBe(401);
        expect(anon.json().errors, url).toHaveProperty(field);
        const other = await t.app.inject({ method: 'GET', url, headers: t.auth(stranger.apiKey) });
        expect(other.statusCode, url).toBe(403);
        expect(other.json().errors, url).toHaveProperty(field);
      }
    }

    // an OAuth grant without projects may not filter by project either; one covering projects may
    const now = Date.now() / 1000;
    const token = async (scope: string, ago: number) => {
      const { app } = await createOauthApp(t.storage.db, { userId: stranger.user.id, name: `app ${scope}`, redirectUris: ['https://app.example/cb'], isPublic: false });
      const issued = await t.storage.db.transaction().execute((tx) => issueTokens(tx, { appId: app.id, userId: owner.user.id, scopes: [scope], flow: 'code' }, now - ago));
      return { authorization: `Bearer ${issued.accessToken}` };
    };
    const statsLanguages = await token('read_stats.languages', 400);
    const summariesLanguages = await token('read_summaries.languages', 300);
    for (const [path, headers] of [['all_time_since_today', statsLanguages], ['stats/last_7_days', statsLanguages], [`summaries?start=${date}&end=${date}`, summariesLanguages]] as const) {
      const plain = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/${path}`, headers });
      expect(plain.statusCode, path).toBe(200);
      const url = withParam(path, 'project=secret-project').replace(`/users/${u}/`, '/users/current/');
      const filtered = await t.app.inject({ method: 'GET', url, headers });
      expect(filtered.statusCode, url).toBe(403);
      expect(filtered.json().errors, url).toHaveProperty('project');
    }
    const projects = await token('read_summaries.projects', 200);
    const granted = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?start=${date}&end=${date}&project=secret-project`, headers: projects });
    expect(granted.statusCode).toBe(200);
    expect(granted.json().cumulative_total.seconds).toBe(600);

    // the owner filters freely
    const own = await t.app.inject({ method: 'GET', url: `/api/v1/users/${u}/all_time_since_today?project=secret-project`, headers: t.auth(owner.apiKey) });
    expect(own.statusCode).toBe(200);
    expect(own.json().data.total_seconds).toBe(600);
    const ownDurations = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/durations?date=${date}&branches=main`, headers: t.auth(owner.apiKey) });
    expect(ownDurations.statusCode).toBe(200);
    expect(ownDurations.json().data).toHaveLength(1);
  });
});
