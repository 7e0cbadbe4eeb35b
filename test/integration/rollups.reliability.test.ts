/**
 * The rollup engine survives garbage: settings in the users row that no API would accept
 * (Infinity, negative or huge timeouts, an unknown zone) never make a loop spin, and a heartbeat
 * row that cannot be rolled up (NUL on PostgreSQL, or any injected failure) never blocks the
 * user's other days nor another user's upkeep.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { DateTime } from 'luxon';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';
import { insertHeartbeats } from '../../src/storage/heartbeats.js';
import { RollupService } from '../../src/services/rollups.js';

describeEachDatabase('rollup engine reliability', (t) => {
  const today = DateTime.utc().startOf('day');
  const at = (minutes: number, daysAgo = 0) => today.minus({ days: daysAgo }).plus({ minutes }).toSeconds();

  async function send(apiKey: string, body: object[]) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: body });
    expect(res.statusCode).toBe(201);
  }
  async function statusBar(apiKey: string) {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/status_bar/today', headers: t.auth(apiKey) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data;
  }
  async function day(apiKey: string, date: string) {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?start=${date}&end=${date}`, headers: t.auth(apiKey) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data[0];
  }
  async function dirtyMarks(userId: number) {
    return (await t.storage.db.selectFrom('rollup_dirty').select('id').where('user_id', '=', userId).execute()).length;
  }

  afterEach(() => vi.restoreAllMocks());

  /** A heartbeat row written straight through storage, bypassing the API's validation. */
  const rawRow = (userId: number, time: number, hash: number, dependencies: string[]) => ({
    user_id: userId, time, hash, entity: 'b.go', type: 'file', category: 'coding', project: 'p', project_root_count: null,
    branch: null, language: 'Go', dependencies: JSON.stringify(dependencies), lines: null, line_additions: null,
    line_deletions: null, lineno: null, cursorpos: null, is_write: 0, ai_line_changes: null, human_line_changes: null, user_agent_id: null,
    editor: null, operating_system: null, machine_name_id: null, machine: null, extra: null, created_at: time,
  });

  // what the column can hold: SQLite keeps ±Infinity in an integer column, PostgreSQL does not
  const badTimeouts = (): [number, number][] =>
    t.dialect === 'sqlite'
      ? [[Infinity, 15], [-Infinity, 15], [-5, 1], [0, 1], [2147483647, 240]]
      : [[-5, 1], [0, 1], [2147483647, 240]];

  it('clamps a garbage timeout or zone read from the users row: reads answer and upkeep finishes', async () => {
    for (const [bad, effective] of badTimeouts()) {
      const { user, apiKey } = await t.createUser();
      await t.storage.db.updateTable('users').set({ timezone: 'UTC' }).where('id', '=', user.id).execute();
      await send(apiKey, [{ entity: 'a.go', time: at(10), language: 'Go' }, { entity: 'a.go', time: at(13), language: 'Go' }]);
      await statusBar(apiKey); // rollups built with the sane settings

      // garbage written behind the API's back
      await t.storage.db.updateTable('users').set({ keystroke_timeout: bad, timezone: 'Nowhere/Atlantis' }).where('id', '=', user.id).execute();
      // as after a restart (or the credential cache's 5 s): requests now see the stored row
      t.app.ctx.services.apiKeys.forget(user.id);
      await send(apiKey, [{ entity: 'a.go', time: at(16), language: 'Go' }]);
      const data = await statusBar(apiKey);
      // gaps of 180 s: credited under a clamped timeout of 15 or 240 minutes, not under 1 minute
      expect(data.grand_total.total_seconds, `timeout ${bad}`).toBe(effective > 3 ? 360 : 0);
      expect((await day(apiKey, today.toISODate()!)).grand_total.total_seconds).toBe(effective > 3 ? 360 : 0);
      const stats = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/last_7_days', headers: t.auth(apiKey) });
      expect(stats.statusCode).toBe(200);
      expect(stats.json().data.timeout).toBe(effective);

      await send(apiKey, [{ entity: 'a.go', time: at(19), language: 'Go' }]);
      await t.app.ctx.services.rollups.runUpkeep();
      expect(await dirtyMarks(user.id)).toBe(0);
    }
  });

  it('rebuilds despite a heartbeat row at an absurd time, and ignores absurd dirty marks', async () => {
    const { user, apiKey } = await t.createUser();
    await t.storage.db.updateTable('users').set({ timezone: 'UTC' }).where('id', '=', user.id).execute();
    await send(apiKey, [{ entity: 'a.go', time: at(10) }, { entity: 'a.go', time: at(12) }]);
    await t.storage.db.transaction().execute((tx) => insertHeartbeats(tx, [rawRow(user.id, 1e13, 99, [])]));
    await t.storage.db.insertInto('rollup_dirty').values([{ user_id: user.id, hour: -2147483648 }, { user_id: user.id, hour: 2147483647 }]).execute();
    expect((await day(apiKey, today.toISODate()!)).grand_total.total_seconds).toBe(120);
    expect((await statusBar(apiKey)).grand_total.total_seconds).toBe(120);
    await t.app.ctx.services.rollups.runUpkeep();
    expect(await dirtyMarks(user.id)).toBe(0);
  });

  it('stores a dependency with NUL (inserted behind validation) without failing the day', async () => {
    const { user, apiKey } = await t.createUser();
    await t.storage.db.updateTable('users').set({ timezone: 'UTC' }).where('id', '=', user.id).execute();
    await send(apiKey, [{ entity: 'a.go', time: at(10), language: 'Go' }]);
    await statusBar(apiKey);
    await t.storage.db.transaction().execute((tx) =>
      insertHeartbeats(tx, [rawRow(user.id, at(11), 4242, ['x\u0000y', 'lone\uD800', 'ok'])]),
    );
    await t.storage.db.insertInto('rollup_dirty').values({ user_id: user.id, hour: Math.floor(at(11) / 3600) }).execute();
    await send(apiKey, [{ entity: 'a.go', time: at(12), language: 'Go' }]);

    const data = await statusBar(apiKey);
    expect(data.grand_total.total_seconds).toBe(120);
    const summary = await day(apiKey, today.toISODate()!);
    expect(Object.fromEntries(summary.dependencies.map((d: any) => [d.name, d.total_seconds]))).toEqual({ xy: 60, 'lone\uFFFD': 60, ok: 60 });
    for (const path of ['stats/last_7_days', 'all_time_since_today', 'insights/days/last_7_days']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/${path}`, headers: t.auth(apiKey) });
      expect(res.statusCode, path).toBeLessThan(300);
    }
    await t.app.ctx.services.rollups.runUpkeep();
    expect(await dirtyMarks(user.id)).toBe(0);
    expect(t.app.ctx.services.rollups.failing(user.id)).toEqual([]);
  });

  it('counts a heartbeat whose stored dependencies are not a JSON list (inserted behind validation)', async () => {
    const { user, apiKey } = await t.createUser();
    await t.storage.db.updateTable('users').set({ timezone: 'UTC' }).where('id', '=', user.id).execute();
    await send(apiKey, [{ entity: 'a.go', time: at(10), language: 'Go' }]);
    await statusBar(apiKey);
    await t.storage.db.transaction().execute((tx) =>
      insertHeartbeats(tx, [{ ...rawRow(user.id, at(11), 7, []), dependencies: '["unterminated' }, { ...rawRow(user.id, at(12), 8, []), dependencies: '{"a":1}' }]),
    );
    await t.storage.db.insertInto('rollup_dirty').values({ user_id: user.id, hour: Math.floor(at(11) / 3600) }).execute();
    await send(apiKey, [{ entity: 'a.go', time: at(13), language: 'Go' }]);
    expect((await statusBar(apiKey)).grand_total.total_seconds).toBe(180);
    expect(t.app.ctx.services.rollups.failing(user.id)).toEqual([]);
  });

  it('skips a day whose recomputation fails, keeps the rest current, retries it later with backoff', async () => {
    const rollups = t.app.ctx.services.rollups;
    const a = await t.createUser();
    const b = await t.createUser();
    for (const u of [a, b]) {
      await t.storage.db.updateTable('users').set({ timezone: 'UTC' }).where('id', '=', u.user.id).execute();
      await send(u.apiKey, [{ entity: 'a.go', time: at(600, 1) }, { entity: 'a.go', time: at(601, 1) }, { entity: 'a.go', time: at(10) }, { entity: 'a.go', time: at(11) }]);
      await statusBar(u.apiKey);
    }
    const yesterday = today.minus({ days: 1 }).toISODate()!;
    const original = RollupService.prototype['recomputeUnit' as keyof RollupService] as unknown as (...args: unknown[]) => Promise<Iterable<string>>;
    // yesterday's hours (UTC) fail for user a: whole-day units and hour runs alike
    const [yFrom, yTo] = [today.minus({ days: 1 }).toSeconds() / 3600, today.toSeconds() / 3600 - 1];
    const poisoned: unknown[] = [];
    vi.spyOn(rollups as any, 'recomputeUnit').mockImplementation(function (this: RollupService, ...args: unknown[]) {
      const [, userId, unit] = args as [unknown, number, { dates?: string[]; hours?: [number, number] }];
      const hit = unit.dates ? unit.dates.includes(yesterday) : unit.hours![0] <= yTo && unit.hours![1] >= yFrom;
      if (userId === a.user.id && hit) {
        poisoned.push(unit);
        return Promise.reject(new Error('injected: this day cannot be written'));
      }
      return original.apply(this, args);
    });

    for (const u of [a, b]) await send(u.apiKey, [{ entity: 'a.go', time: at(602, 1) }, { entity: 'a.go', time: at(12) }]);
    // the read answers, with today current; yesterday keeps its last good rows
    expect((await statusBar(a.apiKey)).grand_total.total_seconds).toBe(120);
    expect((await day(a.apiKey, yesterday)).grand_total.total_seconds).toBe(60);
    const failing = rollups.failing(a.user.id);
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.every((f) => f.startsWith('hours'))).toBe(true);
    expect(await dirtyMarks(a.user.id)).toBe(0);
    // upkeep keeps the other user current, and does not hot-loop on the failing day
    const tries = poisoned.length;
    await rollups.runUpkeep();
    await rollups.runUpkeep();
    expect(poisoned.slice(tries), JSON.stringify(poisoned)).toEqual([]);
    expect(await dirtyMarks(b.user.id)).toBe(0);
    expect((await day(b.apiKey, yesterday)).grand_total.total_seconds).toBe(120);
    // once due, the retry recomputes it (here: the failure is gone)
    await rollups.runUpkeep(Date.now() / 1000 + 3600);
    expect(poisoned.length).toBe(tries + failing.length);
    vi.restoreAllMocks();
    await rollups.runUpkeep(Date.now() / 1000 + 3 * 3600);
    expect(rollups.failing(a.user.id)).toEqual([]);
    expect((await day(a.apiKey, yesterday)).grand_total.total_seconds).toBe(120);
  });

  it('a read arriving while a refresh runs waits for one that covers its own changes', async () => {
    const rollups = t.app.ctx.services.rollups;
    const { user, apiKey } = await t.createUser();
    await t.storage.db.updateTable('users').set({ timezone: 'UTC' }).where('id', '=', user.id).execute();
    await send(apiKey, [{ entity: 'a.go', time: at(10) }, { entity: 'a.go', time: at(11) }]);
    await statusBar(apiKey);
    await send(apiKey, [{ entity: 'a.go', time: at(12) }]);
    // the running refresh has read its marks and committed, but has not returned yet
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const original = (rollups as any).refreshDirty.bind(rollups);
    vi.spyOn(rollups as any, 'refreshDirty').mockImplementationOnce(async (userId: unknown) => {
      await original(userId);
      await gate;
    });
    const running = rollups.refresh(user.id);
    await new Promise((r) => setTimeout(r, 50));
    await send(apiKey, [{ entity: 'a.go', time: at(13) }]);
    const read = day(apiKey, today.toISODate()!);
    await new Promise((r) => setTimeout(r, 20));
    release();
    expect((await read).grand_total.total_seconds).toBe(180);
    await running;
  });
});
