/**
 * Real clients against the leader, leaderboard and aggregate routes, unmodified (only the base URL
 * changes): wakatime-client getLeaders, @nick22985/wakatime-api getLeaders / getPrivateLeaderboards
 * (it asks with a trailing slash) / getPrivateLeaderboardsLeaders / getStatsAggregated, and the
 * wakatime_exporter binary's leader collector.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { WakaTimeApi } from '@nick22985/wakatime-api';
import { WakaTimeClient } from 'wakatime-client';
import { expect, it } from 'vitest';
import { describeEachDatabase, type TestContext } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';
import { freePort, ROOT } from '../helpers/process.js';

const EXPORTER = process.env.WAKATIME_EXPORTER ?? path.resolve(ROOT, '../shared/clients/wakatime-exporter/wakatime_exporter');

async function activeUser(t: TestContext, address: string, minutes: number, language: string) {
  const { user, apiKey } = await t.createUser();
  const base = DateTime.utc().startOf('day').minus({ days: 2 }).plus({ hours: 10 }).toSeconds();
  const beats = Array.from({ length: minutes + 1 }, (_, i) => ({ entity: '/p/a', type: 'file', time: base + i * 60, project: 'p', language }));
  const res = await fetch(`${address}/api/v1/users/current/heartbeats.bulk`, { method: 'POST', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, body: JSON.stringify(beats) });
  expect(res.status).toBe(201);
  const patch = await fetch(`${address}/api/v1/users/current`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...t.auth(apiKey) },
    body: JSON.stringify({ logged_time_public: true, languages_used_public: true, city_country_code: 'NZ', is_hireable: true }),
  });
  expect(patch.status).toBe(200);
  return { user, apiKey };
}

describeEachDatabase('leaders: real clients', (t) => {
  let listening: string | undefined;
  const listen = async () => (listening ??= await t.app.listen({ port: 0, host: '127.0.0.1' }));

  it('wakatime-client and @nick22985/wakatime-api read leaders, private leaderboards and aggregate stats', async () => {
    const address = await listen();
    const a = await activeUser(t, address, 50, 'Python');
    const b = await activeUser(t, address, 30, 'Rust');
    await t.app.ctx.services.leaders.recompute();

    const legacy = new WakaTimeClient(b.apiKey, `${address}/api/v1/`);
    const leaders = await legacy.getLeaders();
    expect(leaders.data.map((d: { user: { username: string } }) => d.user.username)).toEqual([a.user.username, b.user.username]);
    expect(leaders.current_user).toMatchObject({ rank: 2, page: 1 });
    const python = await legacy.getLeaders({ language: 'Python', pageNumber: 1 });
    expect(python.data).toHaveLength(1);
    expect(python.data[0].running_total).toMatchObject({ total_seconds: 3000, languages: [{ name: 'Python', total_seconds: 3000 }] });

    const api = new WakaTimeApi(a.apiKey, `${address}/api/v1/`);
    const hired = (await api.getLeaders(undefined as never, true, 'nz', 1)) as unknown as { data: { rank: number }[]; country_code: string; is_hireable: boolean };
    expect(hired).toMatchObject({ country_code: 'NZ', is_hireable: true });
    expect(hired.data.map((d) => d.rank)).toEqual([1, 2]);

    const created = await fetch(`${address}/api/v1/users/current/leaderboards`, { method: 'POST', headers: { 'content-type': 'application/json', ...t.auth(a.apiKey) }, body: JSON.stringify({ name: 'pair' }) });
    const board = ((await created.json()) as { data: { id: string; join_url: string } }).data;
    const join = await fetch(`${address}/api/v1/users/current/leaderboards/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.auth(b.apiKey) },
      body: JSON.stringify({ code: board.join_url.split('/').pop() }),
    });
    expect(join.status).toBe(200);
    const boards = (await api.getMyPrivateLeaderboards()) as unknown as { data: { id: string; members_count: number }[]; total: number };
    expect(boards).toMatchObject({ total: 1, data: [{ id: board.id, members_count: 2 }] });
    const ranked = (await api.getMyPrivateLeaderboardsLeaders(board.id)) as unknown as { data: { rank: number; user: { username: string } }[] };
    expect(ranked.data.map((d) => [d.rank, d.user.username])).toEqual([
      [1, a.user.username],
      [2, b.user.username],
    ]);
    const rust = (await api.getPrivateLeaderboardsLeaders(a.user.username, board.id, 'rust', undefined as never, undefined as never)) as unknown as { data: { user: { username: string } }[] };
    expect(rust.data.map((d) => d.user.username)).toEqual([b.user.username]);

    const agg = (await api.getStatsAggregated('last_7_days' as never)) as unknown as { data: { total: { sum: { seconds: number }; count: { text: string } }; languages: { name: string }[] } };
    expect(agg.data.total).toMatchObject({ sum: { seconds: 4800 }, count: { text: '2' } });
    expect(agg.data.languages.map((l) => l.name)).toEqual(['Python', 'Rust']);
  });

  it.skipIf(!fs.existsSync(EXPORTER))("wakatime_exporter's leader collector succeeds", async () => {
    const address = await listen();
    const a = await activeUser(t, address, 20, 'Go');
    await t.app.ctx.services.leaders.recompute();
    const port = await freePort();
    const child = spawn(EXPORTER, [`--wakatime.scrape-uri=${address}/api/v1`, `--wakatime.api-key=${a.apiKey}`, `--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.leader'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (d) => (output += d));
    try {
      let metrics = '';
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/metrics`);
          if (r.ok) {
            metrics = await r.text();
            break;
          }
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(metrics, output).toMatch(/wakatime_scrape_collector_success\{collector="leader"\} 1/);
      // the user is third of three (the first test's two users coded longer)
      const rank = metrics.split('\n').find((l) => !l.startsWith('#') && /rank/.test(l));
      expect(rank, metrics).toMatch(/ 3$/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
