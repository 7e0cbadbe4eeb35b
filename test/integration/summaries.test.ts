import { expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders, fixture } from '../helpers/fixtures.js';

describeEachDatabase('summaries and status bar', (t) => {
  async function send(apiKey: string, body: object[], headers: Record<string, string> = {}) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...headers, ...t.auth(apiKey) }, payload: body });
    expect(res.statusCode).toBe(201);
  }

  it('serves the status bar in the shape wakatime-cli parses, current as heartbeats arrive', async () => {
    const { apiKey } = await t.createUser();
    const empty = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/statusbar/today', headers: t.auth(apiKey) });
    expect(empty.statusCode).toBe(200);
    expect(empty.json().data.grand_total.text).toBe('0 secs');
    const now = Math.floor(Date.now() / 1000);
    const start = Math.max(DateTime.utc().startOf('day').toSeconds(), now - 3600);
    await send(apiKey, [{ entity: 'a.ts', time: start, language: 'TypeScript', project: 'bar' }, { entity: 'a.ts', time: start + 20, language: 'TypeScript', project: 'bar' }]);
    for (const path of ['statusbar/today', 'status_bar/today']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/${path}`, headers: t.auth(apiKey) });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      // the keys of the fixture wakatime-cli decodes are all there
      const shape = fixture<{ data: Record<string, unknown> }>('api_statusbar_today_response.json');
      for (const key of Object.keys(shape.data)) expect(body.data).toHaveProperty(key);
      expect(body.data.grand_total.text).toBe('20 secs');
      expect(body.data.categories[0]).toMatchObject({ name: 'coding', total_seconds: 20, percent: 100, text: '20 secs' });
      expect(body.data.range).toMatchObject({ text: 'Today', timezone: 'UTC', date: DateTime.utc().toISODate() });
    }
    // a new heartbeat shows at once
    await send(apiKey, [{ entity: 'a.ts', time: start + 80, language: 'TypeScript', project: 'bar' }]);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/statusbar/today', headers: t.auth(apiKey) });
    expect(after.json().data.grand_total.total_seconds).toBe(80);
  });

  it('answers summaries by start/end and by named range, with every dimension', async () => {
    const { apiKey } = await t.createUser();
    const d1 = Date.UTC(2024, 0, 10, 10) / 1000;
    await send(apiKey, [
      { entity: '/x/a.go', time: d1, project: 'alpha', language: 'Go', branch: 'main', dependencies: ['fmt'], category: 'coding' },
      { entity: '/x/b.go', time: d1 + 600, project: 'alpha', language: 'Go', branch: 'dev', category: 'debugging' },
      { entity: '/y/c.py', time: d1 + 900, project: 'beta', language: 'Python', branch: 'main' },
      { entity: '/y/c.py', time: d1 + 1000, project: 'beta', language: 'Python', branch: 'main' },
      { entity: '/y/c.py', time: d1 + 86400, project: 'beta', language: 'Python' },
      { entity: '/y/c.py', time: d1 + 86400 + 300, project: 'beta', language: 'Python' },
    ]);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?start=2024-01-10&end=2024-01-12', headers: t.auth(apiKey) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data).toHaveLength(3);
    const [day1, day2, day3] = body.data;
    expect(day1.grand_total.total_seconds).toBe(1000);
    expect(day1.projects.map((p: any) => [p.name, p.total_seconds])).toEqual([['alpha', 900], ['beta', 100]]);
    expect(day1.languages.map((p: any) => p.name)).toEqual(['Go', 'Python']);
    expect(day1.categories.map((p: any) => [p.name, p.total_seconds])).toEqual([['coding', 700], ['debugging', 300]]);
    expect(day1.dependencies).toEqual([expect.objectContaining({ name: 'fmt', total_seconds: 600 })]);
    expect(day1.editors[0].name).toBe('VS Code');
    expect(day1.operating_systems[0].name).toBe('Linux');
    expect(day1.machines[0]).toMatchObject({ name: 'devbox', machine_name_id: expect.any(String) });
    expect(day1).not.toHaveProperty('branches');
    expect(day1.range).toMatchObject({ date: '2024-01-10', start: '2024-01-10T00:00:00Z', end: '2024-01-10T23:59:59Z', timezone: 'UTC' });
    expect(day2.grand_total.total_seconds).toBe(300);
    expect(day3.grand_total).toMatchObject({ total_seconds: 0, text: '0 secs' });
    expect(body.cumulative_total).toMatchObject({ seconds: 1300, text: '21 mins', digital: '0:21' });
    expect(body.daily_average).toMatchObject({ holidays: 1, days_including_holidays: 3, days_minus_holidays: 2, seconds: 650 });
    expect(body).toMatchObject({ start: '2024-01-10T00:00:00Z', end: '2024-01-12T23:59:59Z', timezone: 'UTC' });

    // project filter adds branches and entities; branches filter narrows
    const p = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?start=2024-01-10&end=2024-01-10&project=alpha', headers: t.auth(apiKey) })).json();
    expect(p.data[0].grand_total.total_seconds).toBe(900);
    expect(p.data[0].branches.map((b: any) => [b.name, b.total_seconds])).toEqual([['main', 600], ['dev', 300]]);
    expect(p.data[0].entities.map((b: any) => b.name)).toEqual(['/x/a.go', '/x/b.go']);
    const b = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?start=2024-01-10&end=2024-01-10&project=alpha&branches=dev', headers: t.auth(apiKey) })).json();
    expect(b.data[0].grand_total.total_seconds).toBe(300);

    // timeout and writes_only and timezone computed from heartbeats
    const t5 = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?start=2024-01-10&end=2024-01-10&timeout=5', headers: t.auth(apiKey) })).json();
    expect(t5.data[0].grand_total.total_seconds).toBe(100); // only the 100 s gap is shorter than 5 min
    const w = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?start=2024-01-10&end=2024-01-10&writes_only=true', headers: t.auth(apiKey) })).json();
    expect(w.data[0].grand_total.total_seconds).toBe(0);
    const tz = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?start=2024-01-10&end=2024-01-10&timezone=Pacific/Kiritimati', headers: t.auth(apiKey) })).json();
    expect(tz.timezone).toBe('Pacific/Kiritimati');
    expect(tz.data[0].range.start).toBe('2024-01-09T10:00:00Z');

    // named range
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?range=Last%207%20Days', headers: t.auth(apiKey) });
    expect(r.statusCode).toBe(200);
    expect(r.json().data).toHaveLength(7);
    expect(r.json().data[6].range.text).toBe('Today');
    for (const name of ['Today', 'Yesterday', 'Last 7 Days from Yesterday', 'Last 14 Days', 'Last 30 Days', 'This Week', 'Last Week', 'This Month', 'Last Month', 'last_7_days']) {
      const x = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?range=${encodeURIComponent(name)}`, headers: t.auth(apiKey) });
      expect(x.statusCode, name).toBe(200);
    }
  });

  it('rejects bad parameters with a 400 naming them, and tolerates unknown ones', async () => {
    const { apiKey } = await t.createUser();
    const get = (qs: string) => t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?${qs}`, headers: t.auth(apiKey) });
    for (const [qs, field] of [['end=2024-01-01', 'start'], ['start=2024-01-01', 'end'], ['start=nope&end=2024-01-01', 'start'], ['start=2024-01-02&end=2024-01-01', 'end'], ['range=Forever', 'range'], ['range=Today&timeout=999', 'timeout'], ['range=Today&writes_only=maybe', 'writes_only'], ['range=Today&timezone=Not/AZone', 'timezone']]) {
      const res = await get(qs!);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().errors, qs).toHaveProperty(field!);
    }
    expect((await get('range=Today&cache=false&is_including_today=true&branches=')).statusCode).toBe(200);
  });
});

describeEachDatabase('rollup maintenance', (t) => {
  it('recomputes the neighbouring day when a late heartbeat or a delete changes a gap across midnight', async () => {
    const { apiKey } = await t.createUser();
    await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { timezone: 'Europe/Berlin' } });
    const midnight = DateTime.fromISO('2024-03-05T00:00:00', { zone: 'Europe/Berlin' }).toSeconds();
    const post = async (body: object[]) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders(), ...t.auth(apiKey) }, payload: body });
      return (res.json().responses as [{ data: { id: string } }, number][]).map(([d]) => d.data.id);
    };
    const totals = async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?start=2024-03-04&end=2024-03-05', headers: t.auth(apiKey) });
      return (res.json().data as any[]).map((d) => d.grand_total.total_seconds);
    };
    await post([{ entity: 'a', time: midnight - 600 }, { entity: 'a', time: midnight - 120 }]);
    expect(await totals()).toEqual([480, 0]);
    // a late heartbeat three minutes after midnight: the 23:58 heartbeat now earns 2 min before midnight
    const [lateId] = await post([{ entity: 'a', time: midnight + 180 }]);
    expect(await totals()).toEqual([600, 180]);
    // deleting it takes both pieces back
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/heartbeats.bulk', headers: t.auth(apiKey), payload: { date: '2024-03-05', ids: [lateId] } });
    expect(del.statusCode).toBe(200);
    expect(await totals()).toEqual([480, 0]);
    // a new timeout rebuilds: 5 minutes makes the 8-minute gap count 0
    await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { timeout: 5 } });
    expect(await totals()).toEqual([0, 0]);
    await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { timeout: 15, timezone: 'UTC' } });
    const utc = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?start=2024-03-04&end=2024-03-04', headers: t.auth(apiKey) });
    expect(utc.json().data[0].grand_total.total_seconds).toBe(480);
  });
});

describeEachDatabase('heartbeats with the same time', (t) => {
  it('are ordered by id, so the answer does not depend on the order they arrived in', async () => {
    const t0 = Date.UTC(2024, 4, 6, 9) / 1000;
    const rust = { entity: 'a.rs', time: t0, language: 'Rust', project: 'p' };
    const go = { entity: 'b.go', time: t0, language: 'Go', project: 'p' };
    const later = { entity: 'b.go', time: t0 + 10, language: 'Go', project: 'p' };
    for (const order of [[[rust, go, later]], [[later], [go], [rust]], [[go], [rust, later]]]) {
      const { apiKey } = await t.createUser();
      const ids = new Map<object, string>();
      for (const batch of order) {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: batch });
        (res.json().responses as [{ data: { id: string } }, number][]).forEach(([d], i) => ids.set(batch[i]!, d.data.id));
      }
      // of the two tied heartbeats, the one with the larger id comes later and earns the 10 s
      const credited = parseInt(ids.get(rust)!, 16) > parseInt(ids.get(go)!, 16) ? 'Rust' : 'Go';
      for (const q of ['', '&timeout=15']) {
        const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?start=2024-05-06&end=2024-05-06${q}`, headers: t.auth(apiKey) });
        const day = res.json().data[0];
        expect(day.grand_total.total_seconds).toBe(10);
        expect(day.languages.map((l: { name: string; total_seconds: number }) => [l.name, l.total_seconds]), `rollups${q}`).toEqual([[credited, 10]]);
      }
    }
  });
});

describeEachDatabase('computing from raw heartbeats over a long range', (t) => {
  it('is exact across the slices it works in (a session across the 31st midnight of the range)', async () => {
    const { apiKey } = await t.createUser();
    // the range starts 2024-01-01; its 31-day slices meet at midnight between 01-31 and 02-01
    const boundary = Date.UTC(2024, 1, 1) / 1000;
    const session = Array.from({ length: 25 }, (_, i) => ({ entity: 'a.ts', time: boundary - 3600 + i * 300, language: 'TypeScript', project: 'p' }));
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: session });
    expect(res.statusCode).toBe(201);
    // timeout=14 differs from the user's 15: computed from raw heartbeats, not rollups
    for (const q of ['timeout=14', 'timeout=15']) {
      const sum = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?start=2024-01-01&end=2024-02-09&${q}`, headers: t.auth(apiKey) });
      expect(sum.statusCode).toBe(200);
      const byDate = Object.fromEntries((sum.json().data as any[]).filter((d) => d.grand_total.total_seconds > 0).map((d) => [d.range.date, d.grand_total.total_seconds]));
      expect(byDate, q).toEqual({ '2024-01-31': 3600, '2024-02-01': 3600 });
      expect(sum.json().cumulative_total.seconds).toBe(7200);
    }
  });
});
