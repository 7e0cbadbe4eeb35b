/**
 * Issue 13 (reliability), input side: non-finite numbers (item 1), NUL bytes and lone surrogates
 * (item 5) and dates at the end of JavaScript's range (item 6) are a 4xx naming the field on both
 * databases, and the server keeps answering afterwards.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';
import { cookieHeader, webVisit } from '../helpers/web.js';

function expectFieldError(res: { statusCode: number; json(): any; body: string }, field: string, label = '') {
  expect(res.statusCode, `${label} ${res.body}`).toBe(400);
  expect(res.json().errors, `${label} ${res.body}`).toHaveProperty([field]);
}

describeEachDatabase('reliability: hostile input', (t) => {
  it('rejects a non-finite keystroke timeout in PATCH /users/current (issue 13 item 1) and keeps serving', async () => {
    const { apiKey } = await t.createUser();
    const headers = { ...t.auth(apiKey), 'content-type': 'application/json' };
    for (const payload of ['{"timeout":"Infinity"}', '{"timeout":"1e309"}', '{"timeout":"-Infinity"}', '{"timeout":1e309}', '{"timeout":"NaN"}', '{"timeout":-1e309}']) {
      const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers, payload });
      expectFieldError(res, 'timeout', payload);
    }
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(apiKey) });
    expect(me.json().data.timeout).toBe(15);
    // the server stays responsive: a heartbeat, then the status bar and a summary
    const now = Date.now() / 1000;
    const hb = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders(), ...t.auth(apiKey) }, payload: [{ entity: 'a.ts', time: now - 60 }, { entity: 'a.ts', time: now - 30 }] });
    expect([201, 202]).toContain(hb.statusCode);
    const bar = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/status_bar/today', headers: t.auth(apiKey) });
    expect(bar.statusCode).toBe(200);
    const sum = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?range=last_7_days', headers: t.auth(apiKey) });
    expect(sum.statusCode).toBe(200);
  });

  it('reads a stored keystroke timeout out of range as a sane one (rows written before the check)', async () => {
    const bad: [number, number][] = [[0, 1], [100000, 240], [-5, 1]];
    if (t.dialect === 'sqlite') bad.push([Infinity, 15], [-Infinity, 15]);
    for (const [stored, seen] of bad) {
      const { user, apiKey } = await t.createUser();
      await t.storage.db.updateTable('users').set({ keystroke_timeout: stored }).where('id', '=', user.id).execute();
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(apiKey) });
      expect(me.json().data.timeout, String(stored)).toBe(seen);
      const now = Date.now() / 1000;
      const hb = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders(), ...t.auth(apiKey) }, payload: [{ entity: 'a.ts', time: now - 60 }, { entity: 'a.ts', time: now - 30 }] });
      expect([201, 202]).toContain(hb.statusCode);
      const bar = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/status_bar/today', headers: t.auth(apiKey) });
      expect(bar.statusCode, String(stored)).toBe(200);
      const stats = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/last_7_days', headers: t.auth(apiKey) });
      expect(stats.json().data.timeout, String(stored)).toBe(seen);
    }
  });

  it('reads a stored profile_range that names no range as last_7_days', async () => {
    const { user, apiKey } = await t.createUser();
    await t.storage.db.updateTable('users').set({ profile_range: '+275760' }).where('id', '=', user.id).execute();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats', headers: t.auth(apiKey) });
    expect([200, 202]).toContain(res.statusCode);
    expect(res.json().data.range).toBe('last_7_days');
  });

  it('rejects non-finite numbers in query strings on every time route (issue 13 item 1)', async () => {
    const { user, apiKey } = await t.createUser();
    for (const value of ['Infinity', '-Infinity', '1e309', 'NaN']) {
      for (const url of [
        `/api/v1/users/current/summaries?range=today&timeout=${value}`,
        `/api/v1/users/current/durations?date=today&timeout=${value}`,
        `/api/v1/users/current/stats/last_7_days?timeout=${value}`,
        `/api/v1/users/${user.username}/insights/weekday/last_7_days?timeout=${value}`,
      ]) {
        expectFieldError(await t.app.inject({ method: 'GET', url, headers: t.auth(apiKey) }), 'timeout', url);
      }
    }
  });

  it('rejects NUL bytes in params, query strings and bodies with a 400 naming the field (issue 13 item 5)', async () => {
    const { apiKey } = await t.createUser();
    expectFieldError(await t.app.inject({ method: 'GET', url: '/api/v1/users/%00' }), 'user', 'path');
    expectFieldError(await t.app.inject({ method: 'GET', url: '/api/v1/users/a%00b/stats' }), 'user', 'path');
    expectFieldError(await t.app.inject({ method: 'GET', url: '/login%00' }), 'path', 'web app path');
    expectFieldError(await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects?q=a%00', headers: t.auth(apiKey) }), 'q', 'projects');
    expectFieldError(await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?range=today&project=a%00', headers: t.auth(apiKey) }), 'project', 'summaries');
    expectFieldError(await t.app.inject({ method: 'GET', url: '/oauth/authorize?client_id=%00&response_type=code&redirect_uri=http://x' }), 'client_id', 'authorize');
    expectFieldError(
      await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { full_name: 'Ada\u0000' } }),
      'full_name',
      'full_name',
    );
    expectFieldError(
      await t.app.inject({ method: 'POST', url: '/api/v1/users/current/api_keys', headers: t.auth(apiKey), payload: { name: 'ci\u0000' } }),
      'name',
      'api key',
    );
    const visit = await webVisit(t.app);
    expectFieldError(
      await t.app.inject({ method: 'POST', url: '/api/web/login', headers: { cookie: cookieHeader(visit.cookies), 'x-csrf-token': visit.csrf }, payload: { login: 'x\u0000', password: 'secret-password' } }),
      'login',
      'login',
    );
    for (const contentType of ['application/json', 'application/x-www-form-urlencoded']) {
      const payload = contentType === 'application/json' ? JSON.stringify({ grant_type: 'authorization_code', client_id: 'a\u0000', code: 'x' }) : 'grant_type=authorization_code&client_id=a%00&code=x';
      const res = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': contentType }, payload });
      expectFieldError(res, 'client_id', `token ${contentType}`);
    }
    const me = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(apiKey) })).json().data;
    expect(me.full_name).toBeNull();
  });

  it('rejects lone UTF-16 surrogates like NUL bytes, and keeps valid astral characters (issue 13 item 5)', async () => {
    const { apiKey } = await t.createUser();
    for (const bad of ['\ud800', 'a\udfffb', '\udc00\ud800']) {
      const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: { ...t.auth(apiKey), 'content-type': 'application/json' }, payload: JSON.stringify({ full_name: bad }) });
      expectFieldError(res, 'full_name', JSON.stringify(bad));
    }
    const ok = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { full_name: 'Ada 🎹 Ω' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.full_name).toBe('Ada 🎹 Ω');
    // a NUL in a field name is refused too (naming the object it is in)
    const key = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: { ...t.auth(apiKey), 'content-type': 'application/json' }, payload: '{"city_name":{"a\\u0000":1}}' });
    expect(key.statusCode).toBe(400);
  });

  it('answers a malformed URL (invalid %-escape, over-long parameter) with the usual JSON error', async () => {
    for (const url of ['/api/v1/users/%ZZ', '/api/v1/users/%E0%A4%A', `/api/v1/users/${'a'.repeat(600)}/stats`]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(Object.keys(res.json()), url).toEqual(['error']);
    }
  });

  it('leaves heartbeat bodies to the per-heartbeat checks: one odd heartbeat never sinks the batch', async () => {
    const { apiKey } = await t.createUser();
    const now = Date.now() / 1000;
    const payload = JSON.stringify([{ entity: 'a.ts', time: now - 20 }, { entity: 'b.ts', time: now - 10, custom: { 'k\u0000': ['\ud800'] } }]);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders(), ...t.auth(apiKey) }, payload });
    expect([201, 202]).toContain(res.statusCode);
    const responses = res.json().responses as [unknown, number][];
    expect(responses).toHaveLength(2);
    expect(responses[0]![1]).toBe(201);
  });

  it('rejects a NUL byte in a header value (X-Machine-Name) naming the header', async () => {
    const { apiKey } = await t.createUser();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/current/heartbeats.bulk',
      headers: { ...cliHeaders({ 'x-machine-name': 'desk\u0000top' }), ...t.auth(apiKey) },
      payload: [{ entity: 'a.ts', time: Date.now() / 1000 }],
    });
    expectFieldError(res, 'x-machine-name', 'header');
  });
});

describeEachDatabase('reliability: dates at the edges of time', (t) => {
  it('answers a date at the end of JavaScript\'s range with a 400 naming the field (issue 13 item 6)', async () => {
    const { apiKey } = await t.createUser();
    const h = t.auth(apiKey);
    for (const huge of ['%2B275760-09-13T00:00:00Z', '%2B275760-09-13', '-271821-04-20T00:00:00Z', '9999-12-31', '1999-12-31', '1970-01-01T00:00:00Z']) {
      expectFieldError(await t.app.inject({ method: 'GET', url: `/api/v1/users/current/heartbeats?date=${huge}`, headers: h }), 'date', `heartbeats ${huge}`);
      expectFieldError(await t.app.inject({ method: 'GET', url: `/api/v1/users/current/durations?date=${huge}`, headers: h }), 'date', `durations ${huge}`);
      expectFieldError(await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?start=2024-01-01&end=${huge}`, headers: h }), 'end', `summaries end ${huge}`);
      expectFieldError(await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?start=${huge}&end=2024-01-01`, headers: h }), 'start', `summaries start ${huge}`);
      const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/heartbeats.bulk', headers: h, payload: { date: decodeURIComponent(huge), ids: [] } });
      expectFieldError(del, 'date', `delete ${huge}`);
    }
    for (const range of ['1999', '1999-12', '0000', '0001-01']) {
      expectFieldError(await t.app.inject({ method: 'GET', url: `/api/v1/users/current/stats/${range}`, headers: h }), 'range', `stats ${range}`);
      expectFieldError(await t.app.inject({ method: 'GET', url: `/api/v1/users/current/insights/weekday/${range}`, headers: h }), 'range', `insights ${range}`);
    }
    // the first and last dates a request may name still work
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/durations?date=2000-01-01', headers: h })).statusCode).toBe(200);
    const ahead = new Date(Date.now() + 300 * 86400_000).toISOString().slice(0, 10);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/current/heartbeats?date=${ahead}`, headers: h })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/2000', headers: h })).statusCode).toBe(200);
  });

  it('keeps all_time within 2000-01-01..today whatever the account row says', async () => {
    const { user, apiKey } = await t.createUser();
    await t.storage.db.updateTable('users').set({ created_at: -62e9 }).where('id', '=', user.id).execute();
    const all = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/all_time_since_today', headers: t.auth(apiKey) });
    expect(all.statusCode).toBe(200);
    expect(all.json().data.range.start_date).toBe('2000-01-01');
    const stats = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/all_time', headers: t.auth(apiKey) });
    expect([200, 202]).toContain(stats.statusCode);
    expect(stats.json().data.start.slice(0, 10)).toBe('2000-01-01');
  });
});
