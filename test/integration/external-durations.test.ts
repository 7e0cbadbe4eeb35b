/**
 * External durations (issue 12): the reference's shapes field by field, upsert by external_id per
 * provider, bulk with a status per item, delete by ids for a day, and — the point — they count in
 * durations, summaries, stats and the status bar exactly, through rollups (dirty marks on create,
 * update and delete) and raw computation alike. Also the real client @nick22985/wakatime-api.
 */
import { WakaTimeApi } from '@nick22985/wakatime-api';
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { issueTokens } from '../../src/services/oauth.js';
import { createOauthApp, saveGrant } from '../../src/storage/oauth.js';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

/** The reference's fields of an external duration, in its order. */
const REFERENCE_FIELDS = ['id', 'external_id', 'entity', 'type', 'provider', 'category', 'start_time', 'end_time', 'project', 'branch', 'language', 'meta'];

describeEachDatabase('external durations', (t) => {
  it('are created, updated by external_id, listed, deleted, and counted once where heartbeats overlap', async () => {
    const { user, apiKey } = await t.createUser();
    const now = Date.now() / 1000;
    await t.storage.db.updateTable('users').set({ created_at: now - 10 * 86400 }).where('id', '=', user.id).execute();
    const day = DateTime.utc().startOf('day').minus({ days: 1 });
    const date = day.toISODate()!;
    const at = (h: number, m: number) => day.plus({ hours: h, minutes: m }).toSeconds();
    const headers = { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) };
    const beats = [0, 10, 20, 30].map((m) => ({ entity: '/src/a.ts', type: 'file', time: at(10, m), project: 'alpha', language: 'TypeScript', branch: 'main' }));
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers, payload: beats })).statusCode).toBe(201);

    const summary = async (extra = '') => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?start=${date}&end=${date}${extra}`, headers: t.auth(apiKey) });
      expect(res.statusCode).toBe(200);
      const d = res.json().data[0];
      return { total: d.grand_total.total_seconds as number, projects: Object.fromEntries(d.projects.map((p: { name: string; total_seconds: number }) => [p.name, p.total_seconds])) };
    };
    expect(await summary()).toEqual({ total: 1800, projects: { alpha: 1800 } }); // rollups built

    // create: 201 with the reference's fields exactly
    const meeting = { external_id: 'evt-1', entity: 'Daily standup', type: 'app', category: 'communicating', start_time: at(10, 15), end_time: at(10, 45), project: 'sync', branch: 'team', language: null, meta: 'Zoom', provider: 'calendar-sync' };
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/external_durations', headers, payload: meeting });
    expect(created.statusCode).toBe(201);
    const data = created.json().data;
    expect(Object.keys(data).sort()).toEqual([...REFERENCE_FIELDS].sort());
    expect(data).toEqual({ ...meeting, id: data.id, provider: 'calendar-sync' });
    expect(data.id).toMatch(/^[0-9a-f-]{36}$/);

    // counted: the meeting's span once, the heartbeat time outside it (rollups: dirty marks)
    expect(await summary()).toEqual({ total: 2700, projects: { alpha: 900, sync: 1800 } });
    // raw computation (another timeout) agrees
    expect(await summary('&timeout=20')).toEqual({ total: 2700, projects: { alpha: 900, sync: 1800 } });
    const durations = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/durations?date=${date}&slice_by=category`, headers: t.auth(apiKey) });
    expect(durations.json().data.map((d: { time: number; duration: number; project: string; category: string }) => [d.time - at(10, 0), d.duration, d.project, d.category])).toEqual([
      [0, 900, 'alpha', 'coding'],
      [900, 1800, 'sync', 'communicating'],
    ]);
    const stats = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/last_7_days', headers: t.auth(apiKey) });
    // stats leave language Other (the meeting has no language) out of total_seconds, as WakaTime does
    expect(stats.json().data).toMatchObject({ total_seconds: 900, total_seconds_including_other_language: 2700 });
    expect(stats.json().data.categories.map((c: { name: string; total_seconds: number }) => [c.name, c.total_seconds])).toEqual([
      ['communicating', 1800],
      ['coding', 900],
    ]);

    // listed for the day, with the project / branches filters
    const list = async (q = '') => (await t.app.inject({ method: 'GET', url: `/api/v1/users/current/external_durations?date=${date}${q}`, headers: t.auth(apiKey) })).json();
    const all = await list();
    expect(all).toEqual({ data: [data], start: `${date}T00:00:00Z`, end: `${date}T23:59:59Z`, timezone: 'UTC' });
    expect((await list('&project=sync')).data).toHaveLength(1);
    expect((await list('&project=alpha')).data).toHaveLength(0);
    expect((await list('&branches=x,team')).data).toHaveLength(1);
    expect((await list('&branches=main')).data).toHaveLength(0);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/current/external_durations?date=${day.minus({ days: 1 }).toISODate()}`, headers: t.auth(apiKey) })).json().data).toEqual([]);

    // the same external_id again updates the row (same id), and the rollups follow
    const updated = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/external_durations', headers, payload: { ...meeting, end_time: at(10, 30) } });
    expect(updated.statusCode).toBe(201);
    expect(updated.json().data).toMatchObject({ id: data.id, end_time: at(10, 30) });
    expect(await summary()).toEqual({ total: 1800, projects: { alpha: 900, sync: 900 } });
    // another provider with the same external_id is another duration
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/external_durations', headers, payload: { ...meeting, provider: 'other-cal', start_time: at(12, 0), end_time: at(12, 10) } });
    expect(other.json().data.id).not.toBe(data.id);
    expect(await summary()).toEqual({ total: 2400, projects: { alpha: 900, sync: 1500 } });

    // the status bar counts them (today)
    const todayStart = DateTime.utc().startOf('day').toSeconds();
    const barStart = Math.max(todayStart, Date.now() / 1000 - 300);
    const barEnd = Date.now() / 1000 - 1;
    const bar0 = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/status_bar/today', headers: t.auth(apiKey) })).json().data.grand_total.total_seconds;
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/users/current/external_durations', headers, payload: { external_id: 'now', entity: 'call', type: 'app', start_time: barStart, end_time: barEnd } })).statusCode).toBe(201);
    const bar1 = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/status_bar/today', headers: t.auth(apiKey) })).json().data.grand_total.total_seconds;
    expect(bar1 - bar0).toBeCloseTo(barEnd - barStart, 0);

    // delete by ids for the day: gone from the list and from the totals
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/external_durations.bulk', headers, payload: { date, ids: [data.id, other.json().data.id] } });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ data: {} });
    expect((await list()).data).toEqual([]);
    expect(await summary()).toEqual({ total: 1800, projects: { alpha: 1800 } });
    const badIds = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/external_durations.bulk', headers, payload: { date, ids: ['../x'] } });
    expect(badIds.statusCode).toBe(400);

    // the real client
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const client = new WakaTimeApi(apiKey, `${address}/api/v1/`);
    const viaClient = (await client.getMyExternalDurations(DateTime.utc().toISODate()! as never)) as unknown as { data: { external_id: string }[]; timezone: string };
    expect(viaClient.data.map((d) => d.external_id)).toEqual(['now']);
    expect(viaClient.timezone).toBe('UTC');
  });

  it('bulk: at most 1,000, one status per item in order; bad items name their field', async () => {
    const { user, apiKey } = await t.createUser();
    const now = Date.now() / 1000;
    await t.storage.db.updateTable('users').set({ created_at: now - 30 * 86400 }).where('id', '=', user.id).execute();
    const base = now - 5 * 86400;
    const ok = (i: number) => ({ external_id: `e${i}`, entity: `event ${i}`, type: 'app', start_time: base + i * 600, end_time: base + i * 600 + 300 });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/current/external_durations.bulk',
      headers: t.auth(apiKey),
      payload: [
        ok(1),
        { ...ok(2), entity: 'bad\u0000name' },
        { ...ok(3), start_time: now - 40 * 86400, end_time: now - 40 * 86400 + 60 },
        { ...ok(4), start_time: now - 400 * 86400, end_time: now - 400 * 86400 + 60 },
        { ...ok(5), end_time: base },
        { ...ok(6), type: 'meeting' },
        { ...ok(7), end_time: base + 7 * 600 + 2 * 86400 },
        { ...ok(8), start_time: 'soon' },
        'not an object',
        { ...ok(9), end_time: now + 3 * 86400, start_time: now + 3 * 86400 - 60 },
        ok(10),
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const responses = res.json().responses as [Record<string, unknown>, number][];
    expect(responses.map((r) => r[1])).toEqual([201, 400, 400, 400, 400, 400, 400, 400, 400, 400, 201]);
    const fields = responses.map((r) => ('errors' in r[0] ? Object.keys(r[0].errors as object) : []));
    expect(fields).toEqual([[], ['entity'], ['start_time'], ['start_time'], ['end_time'], ['type'], ['end_time'], ['start_time'], ['body'], ['end_time'], []]);
    expect((responses[0]![0] as { data: { provider: string; category: string } }).data).toMatchObject({ provider: 'default', category: 'coding' }) // the API key's name;

    // the same external_id twice in one bulk: one row, the last item's values, the same id for both
    const twice = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/external_durations.bulk', headers: t.auth(apiKey), payload: [ok(20), { ...ok(20), entity: 'renamed' }] });
    const [a, b] = twice.json().responses as [{ data: { id: string; entity: string } }, number][];
    expect([a![1], b![1]]).toEqual([201, 201]);
    expect(a![0].data.id).toBe(b![0].data.id);
    expect(b![0].data.entity).toBe('renamed');
    // a bulk of 1,000 is one transaction of a few statements
    const full = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/external_durations.bulk', headers: t.auth(apiKey), payload: Array.from({ length: 1000 }, (_, i) => ({ ...ok(100 + i), start_time: base + i * 60, end_time: base + i * 60 + 30 })) });
    expect((full.json().responses as [unknown, number][]).every((r) => r[1] === 201)).toBe(true);
    const ids = new Set((full.json().responses as [{ data: { id: string } }, number][]).map((r) => r[0].data.id));
    expect(ids.size).toBe(1000);
    const tooMany = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/external_durations.bulk', headers: t.auth(apiKey), payload: Array.from({ length: 1001 }, (_, i) => ok(i)) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error).toContain('1000');
    const single = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/external_durations', headers: t.auth(apiKey), payload: { ...ok(1), start_time: Infinity } });
    expect(single.statusCode).toBe(400);
    expect(single.json().errors.start_time).toBeDefined();
  });

  it('an OAuth app needs write_heartbeats and is always its own provider', async () => {
    const { user, apiKey } = await t.createUser();
    const { user: owner } = await t.createUser();
    const now = Date.now() / 1000;
    await t.storage.db.updateTable('users').set({ created_at: now - 30 * 86400 }).where('id', '=', user.id).execute();
    const token = async (name: string, scopes: string[]) => {
      const { app } = await createOauthApp(t.storage.db, { userId: owner.id, name, redirectUris: ['https://app.example/cb'], isPublic: false });
      return (await t.storage.db.transaction().execute((tx) => issueTokens(tx, { appId: app.id, userId: user.id, scopes, flow: 'code' }, now))).accessToken;
    };
    const item = { external_id: 'cal-1', entity: 'Planning', type: 'app', start_time: now - 7200, end_time: now - 3600, provider: 'Google Calendar' };
    const reader = await token('Reader', ['read_heartbeats']);
    const denied = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/external_durations', headers: { authorization: `Bearer ${reader}` }, payload: item });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toContain('write_heartbeats');
    const writer = await token('Calendar Bridge', ['write_heartbeats']);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/external_durations', headers: { authorization: `Bearer ${writer}` }, payload: item });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.provider).toBe('Calendar Bridge');
    // the API key naming the same provider writes its own row; nobody else's user is reachable
    const keyed = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/external_durations', headers: t.auth(apiKey), payload: item });
    expect(keyed.json().data.provider).toBe('Google Calendar');
    expect(keyed.json().data.id).not.toBe(res.json().data.id);
    const foreign = await t.app.inject({ method: 'GET', url: `/api/v1/users/${owner.username}/external_durations?date=today`, headers: t.auth(apiKey) });
    expect(foreign.statusCode).toBe(403);

    // disconnecting the app (revoking its authorization) deletes what it created, nothing else
    const bridge = await t.storage.db.selectFrom('oauth_apps').select('id').where('name', '=', 'Calendar Bridge').executeTakeFirstOrThrow();
    await saveGrant(t.storage.db, bridge.id, user.id, ['write_heartbeats']);
    const authorized = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/authorized_apps', headers: t.auth(apiKey) })).json().data as { id: string; app: { name: string } }[];
    const grant = authorized.find((a) => a.app.name === 'Calendar Bridge')!;
    const date = DateTime.fromSeconds(item.start_time, { zone: 'UTC' }).toISODate();
    const before = (await t.app.inject({ method: 'GET', url: `/api/v1/users/current/external_durations?date=${date}`, headers: t.auth(apiKey) })).json().data as { provider: string }[];
    expect(before.map((d) => d.provider).sort()).toEqual(['Calendar Bridge', 'Google Calendar']);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/authorized_apps/${grant.id}`, headers: t.auth(apiKey) })).statusCode).toBeLessThan(300);
    const after = (await t.app.inject({ method: 'GET', url: `/api/v1/users/current/external_durations?date=${date}`, headers: t.auth(apiKey) })).json().data as { provider: string }[];
    expect(after.map((d) => d.provider)).toEqual(['Google Calendar']);
  });
});
