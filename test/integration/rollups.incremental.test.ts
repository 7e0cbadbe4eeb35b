/**
 * Incremental rollups recompute only the UTC hours a change can reach: its own hour and the
 * timeout before its earliest change. These pin the edges the property test rarely hits.
 */
import { expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

describeEachDatabase('incremental rollups', (t) => {
  const day = DateTime.utc().startOf('day').minus({ days: 1 });
  const at = (h: number, m: number) => day.plus({ hours: h, minutes: m }).toSeconds();

  async function send(apiKey: string, body: object[]) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: body });
    expect(res.statusCode).toBe(201);
  }
  async function total(apiKey: string) {
    const date = day.toISODate();
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?start=${date}&end=${date}`, headers: t.auth(apiKey) });
    expect(res.statusCode).toBe(200);
    return res.json().data[0].grand_total.total_seconds as number;
  }

  it('a batch with an early and a late change in one hour reaches back to the previous hour', async () => {
    const { user, apiKey } = await t.createUser();
    await t.storage.db.updateTable('users').set({ timezone: 'UTC' }).where('id', '=', user.id).execute();
    await send(apiKey, [{ entity: 'a', time: at(9, 55) }, { entity: 'a', time: at(10, 40) }]);
    expect(await total(apiKey)).toBe(0);
    // 10:05 gives 09:55 a credited gap (hour 9); 10:45 alone would not reach back that far
    await send(apiKey, [{ entity: 'a', time: at(10, 45) }, { entity: 'a', time: at(10, 5) }]);
    expect(await total(apiKey)).toBe(600 + 300);
  });

  it('a late heartbeat changes its predecessor hours back with a long timeout, and a delete undoes it', async () => {
    const { user, apiKey } = await t.createUser();
    await t.storage.db.updateTable('users').set({ timezone: 'UTC', keystroke_timeout: 240 }).where('id', '=', user.id).execute();
    await send(apiKey, [{ entity: 'a', time: at(7, 30) }]);
    expect(await total(apiKey)).toBe(0);
    await send(apiKey, [{ entity: 'a', time: at(10, 50) }]);
    expect(await total(apiKey)).toBe(3 * 3600 + 20 * 60);
    const listed = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/heartbeats?date=${day.toISODate()}`, headers: t.auth(apiKey) });
    const late = (listed.json().data as { id: string; time: number }[]).find((h) => h.time === at(10, 50))!;
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/heartbeats.bulk', headers: t.auth(apiKey), payload: { date: day.toISODate(), ids: [late.id] } });
    expect(del.statusCode).toBe(200);
    expect(await total(apiKey)).toBe(0);
  });
});
