/**
 * What real clients and a new user hit (issue 7): arrays on users/:user/heartbeats, heartbeats
 * POSTed to the API root (the legacy CLI with api_url = …/api/v1), the day's end of GET
 * heartbeats, 401 vs 403, and `Bearer base64(api_key)`.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

type Responses = { responses: [Record<string, any>, number][] };

describeEachDatabase('client compatibility', (t) => {
  const day = '2024-05-06';
  const at = (h: number) => Date.UTC(2024, 4, 6, h) / 1000;
  /** The legacy CLI's request: a JSON array with Basic base64(bare UUID key). */
  const legacyHeaders = (apiKey: string) => ({
    ...cliHeaders({ timezone: 'UTC', 'user-agent': 'wakatime/13.1.0 (Linux-6.5.0-x86_64-with-glibc2.36) Python3.11.2.final.0 vim/9.0 vim-wakatime/9.0.0' }),
    authorization: `Basic ${Buffer.from(apiKey.replace(/^waka_/, '')).toString('base64')}`,
  });

  async function stored(apiKey: string): Promise<any[]> {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/heartbeats?date=${day}`, headers: t.auth(apiKey) });
    expect(res.statusCode).toBe(200);
    return res.json().data;
  }

  it('takes an array POSTed to users/:user/heartbeats with bulk semantics (one entry per heartbeat, bad ones their own 400)', async () => {
    const { user, apiKey } = await t.createUser();
    const batch = [
      { entity: '/p/a.py', type: 'file', time: at(9), project: 'p' },
      { entity: '/p/b.py', type: 'file', time: 'not a time' },
      { entity: '/p/c.py', type: 'file', time: at(10), project: 'p' },
    ];
    for (const handle of ['current', user.username]) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/users/${handle}/heartbeats`, headers: legacyHeaders(apiKey), payload: batch });
      expect(res.statusCode, res.body).toBe(201);
      const json = res.json() as Responses;
      expect(json.responses.map(([, s]) => s)).toEqual([201, 400, 201]);
      expect(json.responses[0]![0].data).toMatchObject({ entity: '/p/a.py', time: at(9) });
      expect(json.responses[1]![0]).toHaveProperty('errors.time');
    }
    // sent twice (current, then the username): stored once
    expect((await stored(apiKey)).map((h) => h.entity).sort()).toEqual(['/p/a.py', '/p/c.py']);
    // a single object still answers 202 with one heartbeat
    const one = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats', headers: legacyHeaders(apiKey), payload: { entity: '/p/d.py', type: 'file', time: at(11) } });
    expect(one.statusCode).toBe(202);
    expect(one.json().data).toMatchObject({ entity: '/p/d.py' });
    // arrays follow the bulk limit and another user's name is still refused
    const other = await t.createUser();
    const foreign = await t.app.inject({ method: 'POST', url: `/api/v1/users/${user.username}/heartbeats`, headers: legacyHeaders(other.apiKey), payload: batch });
    expect(foreign.statusCode).toBe(403);
  });

  it('takes a heartbeat array POSTed to the API root (/api/v1 and /api/v1/) as the key owner\'s bulk', async () => {
    const { apiKey } = await t.createUser();
    for (const [i, url] of ['/api/v1', '/api/v1/'].entries()) {
      const res = await t.app.inject({ method: 'POST', url, headers: legacyHeaders(apiKey), payload: [{ entity: `/root/${i}.py`, type: 'file', time: at(12 + i), is_write: true }] });
      expect(res.statusCode, res.body).toBe(201);
      expect((res.json() as Responses).responses).toEqual([[{ data: expect.objectContaining({ entity: `/root/${i}.py` }) }, 201]]);
    }
    expect((await stored(apiKey)).map((h) => h.entity)).toEqual(['/root/0.py', '/root/1.py']);
    // a single object there too; without a key: 401
    const single = await t.app.inject({ method: 'POST', url: '/api/v1', headers: legacyHeaders(apiKey), payload: { entity: '/root/x.py', type: 'file', time: at(14) } });
    expect(single.statusCode).toBe(201);
    const anon = await t.app.inject({ method: 'POST', url: '/api/v1', headers: cliHeaders(), payload: [{ entity: '/root/y.py', time: at(15) }] });
    expect(anon.statusCode).toBe(401);
  });

  it('answers GET heartbeats?date= with the day running until 23:59:59, like summaries', async () => {
    const { apiKey } = await t.createUser();
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/heartbeats?date=${day}&timezone=America/New_York`, headers: t.auth(apiKey) });
    expect(res.json()).toMatchObject({ start: '2024-05-06T04:00:00Z', end: '2024-05-07T03:59:59Z', timezone: 'America/New_York' });
    const summaries = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?start=${day}&end=${day}&timezone=America/New_York`, headers: t.auth(apiKey) });
    expect(summaries.json().data[0].range).toMatchObject({ start: res.json().start, end: res.json().end });
  });

  it('answers 401 to an anonymous request for a private resource, 403 to an authenticated stranger', async () => {
    const owner = await t.createUser();
    const stranger = await t.createUser();
    const paths = ['projects', 'summaries?range=Today', 'durations?date=today', 'heartbeats?date=today', 'stats/last_7_days', 'all_time_since_today', 'insights/days/last_7_days', 'machine_names'];
    for (const path of paths) {
      const url = `/api/v1/users/${owner.user.username}/${path}`;
      const anon = await t.app.inject({ method: 'GET', url });
      expect(anon.statusCode, url).toBe(401);
      expect(anon.json().error).toMatch(/Authentication required/);
      const other = await t.app.inject({ method: 'GET', url, headers: t.auth(stranger.apiKey) });
      expect(other.statusCode, url).toBe(403);
    }
    // a public profile: what it leaves out is 401 anonymously, 403 for a stranger
    await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(owner.apiKey), payload: { logged_time_public: true } });
    const publicUrl = `/api/v1/users/${owner.user.username}/insights/days/last_7_days`;
    expect((await t.app.inject({ method: 'GET', url: publicUrl })).statusCode).toBe(200);
    const hidden = `/api/v1/users/${owner.user.username}/insights/languages/last_7_days`;
    expect((await t.app.inject({ method: 'GET', url: hidden })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: hidden, headers: t.auth(stranger.apiKey) })).statusCode).toBe(403);
    // an unknown user is still 404
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/nobody-here-at-all/stats' })).statusCode).toBe(404);
  });

  it('accepts Authorization: Bearer base64(api_key), as Wakapi\'s clients send it', async () => {
    const { user, apiKey } = await t.createUser();
    for (const key of [apiKey, apiKey.replace(/^waka_/, ''), `${apiKey}:`]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { authorization: `Bearer ${Buffer.from(key).toString('base64')}` } });
      expect(res.statusCode, key).toBe(200);
      expect(res.json().data.id).toBe(user.uuid);
    }
    const post = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/current/heartbeats.bulk',
      headers: { ...cliHeaders(), authorization: `Bearer ${Buffer.from(apiKey).toString('base64')}` },
      payload: [{ entity: '/b/a.go', type: 'file', time: at(8) }],
    });
    expect(post.statusCode).toBe(201);
    // the raw key still works; an unknown key in base64 is still 401
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { authorization: `Bearer ${apiKey}` } })).statusCode).toBe(200);
    const unknown = Buffer.from('waka_00000000-0000-4000-8000-000000000000').toString('base64');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { authorization: `Bearer ${unknown}` } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { authorization: 'Bearer bm90IGEga2V5' } })).statusCode).toBe(401);
  });
});
