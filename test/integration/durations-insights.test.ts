import { expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { WakaTimeClient } from 'wakatime-client';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';
import { SLICE_BY } from '../../src/domain/duration.js';
import { INSIGHT_TYPES } from '../../src/routes/insights.js';

describeEachDatabase('durations and insights', (t) => {
  async function send(apiKey: string, body: object[], headers: Record<string, string> = {}) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...headers, ...t.auth(apiKey) }, payload: body });
    expect(res.statusCode).toBe(201);
  }

  it('answers durations with every parameter', async () => {
    const { apiKey } = await t.createUser();
    const d = Date.UTC(2024, 1, 20, 23, 50) / 1000;
    await send(apiKey, [
      { entity: 'a.go', time: d, project: 'x', language: 'Go', branch: 'main', is_write: true, dependencies: ['fmt'] },
      { entity: 'a.go', time: d + 120, project: 'x', language: 'Go', branch: 'main' },
      { entity: 'b.py', time: d + 300, project: 'y', language: 'Python', branch: 'dev', category: 'debugging', is_write: true },
      { entity: 'b.py', time: d + 900, project: 'y', language: 'Python', branch: 'dev', category: 'debugging' },
    ]);
    const get = (qs: string) => t.app.inject({ method: 'GET', url: `/api/v1/users/current/durations?${qs}`, headers: t.auth(apiKey) });
    const day1 = (await get('date=2024-02-20')).json();
    expect(day1).toMatchObject({ start: '2024-02-20T00:00:00Z', end: '2024-02-20T23:59:59Z', timezone: 'UTC' });
    expect(day1.data.map((x: any) => [x.entity, x.project, x.time, x.duration])).toEqual([['a.go', 'x', d, 300], ['b.py', 'y', d + 300, 300]]);
    // the gap across midnight continues on the next day
    const day2 = (await get('date=2024-02-21')).json();
    expect(day2.data.map((x: any) => [x.entity, x.time, x.duration])).toEqual([['b.py', d + 600, 300]]);
    for (const by of SLICE_BY) {
      const r = await get(`date=2024-02-20&slice_by=${by}`);
      expect(r.statusCode, by).toBe(200);
      const key = by === 'os' ? 'os' : by;
      expect(r.json().data[0], by).toHaveProperty(key);
    }
    expect((await get('date=2024-02-20&slice_by=language')).json().data.map((x: any) => x.language)).toEqual(['Go', 'Python']);
    expect((await get('date=2024-02-20&project=y')).json().data.map((x: any) => x.project)).toEqual(['y']);
    expect((await get('date=2024-02-20&branches=main')).json().data.map((x: any) => x.branch)).toEqual(['main']);
    expect((await get('date=2024-02-20&timeout=3')).json().data.map((x: any) => x.duration)).toEqual([120, 0]);
    expect((await get('date=2024-02-20&writes_only=true')).json().data.map((x: any) => [x.entity, x.duration])).toEqual([['a.go', 300], ['b.py', 0]]); // the last write has no next write
    const tz = (await get('date=2024-02-21&timezone=Asia/Tokyo')).json();
    expect(tz.timezone).toBe('Asia/Tokyo');
    expect(tz.data).toHaveLength(2); // 08:50–09:05 Tokyo: both heartbeats' durations
    expect((await get('date=2024-02-20&slice_by=planet')).statusCode).toBe(400);
    expect((await get('slice_by=entity')).statusCode).toBe(400);
  });

  it('answers every insight type, with the weekday filter for days', async () => {
    const { apiKey } = await t.createUser();
    const base = DateTime.utc().startOf('day').minus({ days: 3 }).plus({ hours: 9 }).toSeconds();
    await send(apiKey, [
      { entity: 'a.go', time: base, project: 'x', language: 'Go' },
      { entity: 'a.go', time: base + 500, project: 'x', language: 'Go' },
      { entity: 'b.go', time: base + 86400, project: 'y', language: 'Rust' },
      { entity: 'b.go', time: base + 86400 + 200, project: 'y', language: 'Rust' },
    ]);
    for (const type of INSIGHT_TYPES) {
      const r = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/insights/${type}/last_7_days`, headers: t.auth(apiKey) });
      expect(r.statusCode, type).toBe(200);
      const d = r.json().data;
      expect(d, type).toHaveProperty(type);
      expect(d).toMatchObject({ range: 'last_7_days', is_up_to_date: true, timezone: 'UTC', timeout: 15 });
    }
    const get = async (type: string, qs = '') => (await t.app.inject({ method: 'GET', url: `/api/v1/users/current/insights/${type}/last_7_days${qs}`, headers: t.auth(apiKey) })).json().data;
    expect((await get('best_day')).best_day).toMatchObject({ total_seconds: 500, date: DateTime.fromSeconds(base, { zone: 'UTC' }).toISODate() });
    expect((await get('languages')).languages.map((l: any) => [l.name, l.total_seconds])).toEqual([['Go', 500], ['Rust', 200]]);
    expect((await get('daily_average')).daily_average).toMatchObject({ daily_average: 350, days_minus_holidays: 2, days_including_holidays: 7 });
    const days = (await get('days')).days;
    expect(days).toHaveLength(7);
    const weekday = DateTime.fromSeconds(base, { zone: 'UTC' }).weekday - 1;
    const filtered = (await get('days', `?weekday=${weekday}`)).days;
    expect(filtered).toEqual([{ date: DateTime.fromSeconds(base, { zone: 'UTC' }).toISODate(), total: 500, text: '8 mins' }]);
    const byName = (await get('days', `?weekday=${DateTime.fromSeconds(base, { zone: 'UTC' }).toFormat('cccc').toLowerCase()}`)).days;
    expect(byName).toEqual(filtered);
    const wd = (await get('weekday')).weekday;
    expect(wd).toHaveLength(7);
    expect(wd[weekday].total_seconds).toBe(500);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/insights/moods/last_7_days', headers: t.auth(apiKey) })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/insights/days/last_7_days?weekday=funday', headers: t.auth(apiKey) })).statusCode).toBe(400);
  });

  it('works with the npm client wakatime-client (getMySummary, getMyStats, getMyDurations)', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { apiKey } = await t.createUser();
    const base = DateTime.utc().startOf('day').minus({ days: 2 }).plus({ hours: 9 }).toSeconds();
    await send(apiKey, [
      { entity: 'a.ts', time: base, project: 'client', language: 'TypeScript', branch: 'main' },
      { entity: 'a.ts', time: base + 400, project: 'client', language: 'TypeScript', branch: 'main' },
    ]);
    const client = new WakaTimeClient(apiKey, `${address}/api/v1/`);
    const date = DateTime.fromSeconds(base, { zone: 'UTC' }).toISODate();
    const summary = await client.getMySummary({ dateRange: { startDate: date, endDate: date }, projectName: 'client' });
    expect(summary.data[0].grand_total.total_seconds).toBe(400);
    expect(summary.data[0].branches[0].name).toBe('main');
    const stats = await client.getMyStats({ range: 'LAST_7_DAYS' });
    expect(stats.data.languages[0]).toMatchObject({ name: 'TypeScript', total_seconds: 400 });
    const durations = await client.getMyDurations({ date });
    expect(durations.data).toEqual([expect.objectContaining({ project: 'client', duration: 400, entity: 'a.ts' })]);
  });
});
