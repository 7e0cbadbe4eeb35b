/**
 * Issue 8's lean rollups: the hour tables are read by key within a day's hour window (no by-day
 * index, migration 033) — exact at the zones' extremes with the longest timeout, through late
 * heartbeats and deletes — and upkeep brings a user's cube up to date at most every
 * CUBE_UPKEEP_EVERY_SECONDS, while a read that needs the cube still sees every change.
 */
import { expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';
import { CUBE_UPKEEP_EVERY_SECONDS } from '../../src/services/rollups.js';
import { hasDirty } from '../../src/storage/rollups.js';

describeEachDatabase('lean rollups', (t) => {
  async function send(apiKey: string, body: object[]) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders(), ...t.auth(apiKey) }, payload: body });
    expect(res.statusCode).toBe(201);
    return (res.json().responses as [{ data: { id: string } }, number][]).map(([d]) => d.data.id);
  }
  async function get(apiKey: string, url: string) {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/${url}`, headers: t.auth(apiKey) });
    expect(res.statusCode, url).toBe(200);
    return res.json();
  }

  it('re-sums days at UTC+14 and UTC−12 from their hours, with a 240-minute timeout, through late heartbeats and deletes', async () => {
    for (const zone of ['Pacific/Kiritimati', 'Etc/GMT+12']) {
      const { user, apiKey } = await t.createUser();
      await t.storage.db.updateTable('users').set({ timezone: zone, keystroke_timeout: 240 }).where('id', '=', user.id).execute();
      const day = DateTime.now().setZone(zone).startOf('day').minus({ days: 3 });
      const at = (minutes: number) => day.plus({ minutes }).toSeconds();
      const date = day.toISODate()!;
      const before = day.minus({ days: 1 }).toISODate()!;
      // 22:00 the day before → 00:30: a credit of 150 minutes, 120 of them before midnight
      await send(apiKey, [{ entity: 'a.ts', project: 'p', time: at(-120) }, { entity: 'b.ts', project: 'p', time: at(30) }]);
      const summaries = async () => {
        const s = await get(apiKey, `summaries?start=${before}&end=${date}&project=p`);
        return (s.data as any[]).map((d) => [d.grand_total.total_seconds, (d.entities as { name: string; total_seconds: number }[]).map((e) => [e.name, e.total_seconds])]);
      };
      expect(await summaries()).toEqual([
        [7200, [['a.ts', 7200]]],
        [1800, [['a.ts', 1800]]],
      ]);
      // a late heartbeat at 23:00 splits the credit; then it is deleted again
      const [late] = await send(apiKey, [{ entity: 'c.ts', project: 'p', time: at(-60) }]);
      expect(await summaries()).toEqual([
        [7200, [['a.ts', 3600], ['c.ts', 3600]]],
        [1800, [['c.ts', 1800]]],
      ]);
      const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/heartbeats.bulk', headers: t.auth(apiKey), payload: { date: before, ids: [late] } });
      expect(del.statusCode).toBe(200);
      expect(await summaries()).toEqual([
        [7200, [['a.ts', 7200]]],
        [1800, [['a.ts', 1800]]],
      ]);
      // the unfiltered rollups agree
      const all = await get(apiKey, `summaries?start=${before}&end=${date}`);
      expect((all.data as any[]).map((d) => d.grand_total.total_seconds)).toEqual([7200, 1800]);
    }
  });

  it('upkeep brings a cube up to date at most every so often; a cube read never waits for it', async () => {
    const { user, apiKey } = await t.createUser();
    await t.storage.db.updateTable('users').set({ timezone: 'UTC' }).where('id', '=', user.id).execute();
    const t0 = DateTime.utc().startOf('day').minus({ days: 1 }).plus({ hours: 10 }).toSeconds();
    const date = DateTime.fromSeconds(t0, { zone: 'UTC' }).toISODate()!;
    const rollups = t.app.ctx.services.rollups;
    const now = Date.now() / 1000;
    await send(apiKey, [{ entity: 'a', project: 'p', time: t0 }, { entity: 'a', project: 'p', time: t0 + 60 }]);
    await rollups.runUpkeep(now);
    expect(await hasDirty(t.storage.db, user.id, 'rollup_cube_dirty')).toBe(false);
    await send(apiKey, [{ entity: 'a', project: 'p', time: t0 + 120 }]);
    await rollups.runUpkeep(now + 1);
    // the per-dimension rollups are current, the cube waits for its next turn
    expect(await hasDirty(t.storage.db, user.id)).toBe(false);
    expect(await hasDirty(t.storage.db, user.id, 'rollup_cube_dirty')).toBe(true);
    // a filtered read (the cube) brings it up to date itself
    const s = await get(apiKey, `summaries?start=${date}&end=${date}&project=p`);
    expect(s.data[0].grand_total.total_seconds).toBe(120);
    expect(await hasDirty(t.storage.db, user.id, 'rollup_cube_dirty')).toBe(false);
    await send(apiKey, [{ entity: 'a', project: 'p', time: t0 + 180 }]);
    await rollups.runUpkeep(now + 2);
    expect(await hasDirty(t.storage.db, user.id, 'rollup_cube_dirty')).toBe(true);
    await rollups.runUpkeep(now + CUBE_UPKEEP_EVERY_SECONDS + 1);
    expect(await hasDirty(t.storage.db, user.id, 'rollup_cube_dirty')).toBe(false);
    const s2 = await get(apiKey, `stats/all_time?project=p`);
    expect(s2.data.total_seconds_including_other_language).toBe(180);
  });
});

describeEachDatabase('per-month rollups', (t) => {
  it('long ranges read whole months from the month tables and edge days from the days: the same sums as the days, through changes', async () => {
    const { user, apiKey } = await t.createUser();
    await t.storage.db.updateTable('users').set({ timezone: 'America/New_York' }).where('id', '=', user.id).execute();
    const zone = 'America/New_York';
    const today = DateTime.now().setZone(zone).startOf('day');
    const first = today.minus({ days: 110 }); // (a history up to 120 days is rebuilt at once)
    const body: object[] = [];
    // every 9th day: a session of three projects, languages and dependencies, around local midnight too
    for (let d = 0; d <= 110; d += 9) {
      const day = first.plus({ days: d });
      for (let k = 0; k < 12; k++) {
        body.push({
          entity: `f${k % 3}.ts`,
          project: ['p', 'q', 'r'][k % 3],
          language: ['Go', 'Rust'][k % 2],
          branch: k % 4 === 0 ? 'main' : 'dev',
          dependencies: k % 2 ? ['dep-a', 'dep-b'] : ['dep-c'],
          category: k % 5 === 0 ? 'debugging' : 'coding',
          time: day.plus({ hours: 23, minutes: 30 + k * 4 }).toSeconds(),
        });
      }
    }
    for (let i = 0; i < body.length; i += 100) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: zone }), ...t.auth(apiKey) }, payload: body.slice(i, i + 100) });
      expect(res.statusCode).toBe(201);
    }
    const get = async (url: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/${url}`, headers: t.auth(apiKey) });
      expect(res.statusCode, url).toBe(200);
      return res.json();
    };
    const check = async (filter: string) => {
      // the days (summaries, ≤ 366 days per request) against the range sums (stats: months + edges)
      const start = first.minus({ days: 1 }).toISODate();
      const days = (await get(`summaries?start=${start}&end=${today.toISODate()}${filter}`)).data as any[];
      const want = new Map<string, Map<string, number>>();
      let total = 0;
      for (const day of days) {
        total += day.grand_total.total_seconds;
        for (const dim of ['projects', 'languages', 'dependencies', 'categories']) {
          const m = want.get(dim) ?? new Map<string, number>();
          want.set(dim, m);
          for (const item of day[dim]) m.set(item.name, (m.get(item.name) ?? 0) + item.total_seconds);
        }
      }
      expect(total).toBeGreaterThan(0);
      const stats = (await get(`stats/all_time?${filter.slice(1)}`)).data;
      expect(stats.total_seconds_including_other_language, filter).toBeCloseTo(total, 0);
      for (const [dim, m] of want) {
        for (const [name, seconds] of m) expect((stats[dim] as any[]).find((x) => x.name === name)?.total_seconds ?? 0, `${filter} ${dim} ${name}`).toBeCloseTo(seconds, 0);
        expect((stats[dim] as any[]).length, `${filter} ${dim}`).toBe(m.size);
      }
      // a range whose edges cut months: stats for a custom range go through the same split
      const ly = (await get(`stats/last_year?${filter.slice(1)}`)).data;
      expect(ly.total_seconds_including_other_language, filter).toBeCloseTo(total, 0);
    };
    await check('');
    await check('&project=q');
    await check('&language=Rust');
    // a late heartbeat in an old month and a delete: the months follow
    const late = first.plus({ days: 27 }).plus({ hours: 10 }).toSeconds();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/current/heartbeats.bulk',
      headers: { ...cliHeaders({ timezone: zone }), ...t.auth(apiKey) },
      payload: [{ entity: 'x.ts', project: 'q', language: 'Rust', dependencies: ['dep-z'], time: late }, { entity: 'x.ts', project: 'q', language: 'Rust', time: late + 600 }],
    });
    expect(res.statusCode).toBe(201);
    await check('');
    await check('&project=q');
    const date = DateTime.fromSeconds(late, { zone }).toISODate()!;
    const listed = (await get(`heartbeats?date=${date}`)).data as { id: string; time: number }[];
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/heartbeats.bulk', headers: t.auth(apiKey), payload: { date, ids: listed.filter((h) => h.time === late).map((h) => h.id) } });
    expect(del.statusCode).toBe(200);
    await check('');
    await check('&language=Rust');
    // months exist for the months the history covers
    const months = await t.storage.db.selectFrom('rollup_months').select('month').distinct().where('user_id', '=', user.id).execute();
    expect(months.length).toBeGreaterThanOrEqual(4);
  });
});
