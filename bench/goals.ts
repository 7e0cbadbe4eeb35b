/**
 * npm run bench:goals — goals for a user with two months of heartbeats.
 *
 * Data: one user, BENCH_DAYS (60) days of heartbeats (a 4-hour session a day, one heartbeat a
 * minute, 3 projects × 4 languages), posted through the API; BENCH_GOALS (20) goals with filters
 * (none, a language, a project, two languages and an editor; day and week goals). Then:
 * - the time of one goals.refresh of all of them (the job after each heartbeat commit);
 * - p50 / p99 of `GET users/current/goals/:goal` (served from the cache) — target p50 < 20 ms —
 *   and of `GET users/current/goals` (the list) — target p50 < 50 ms;
 * - freshness: from a heartbeat POST to the goal showing it, with the job runner running —
 *   target < 5 s (the cache contract: "current within seconds").
 *
 * Knobs: BENCH_DIALECTS (sqlite,postgres), BENCH_DAYS, BENCH_GOALS, BENCH_READS (200).
 */
import { DateTime } from 'luxon';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Dialect } from '../src/storage/db.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { createAccount } from '../src/services/accounts.js';
import { benchDatabase, fmt, percentile } from './support.js';

const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
const DAYS = Number(process.env.BENCH_DAYS ?? 60);
const GOALS = Number(process.env.BENCH_GOALS ?? 20);
const READS = Number(process.env.BENCH_READS ?? 200);
const TARGET_READ_MS = 20;
const TARGET_LIST_MS = 50;
const TARGET_FRESH_S = 5;
const PROJECTS = ['metronome', 'website', 'infra'];
const LANGS = ['TypeScript', 'Python', 'Go', 'SQL'];

async function run(dialect: Dialect): Promise<string[][]> {
  const fresh = await benchDatabase(dialect, 'goals');
  if (!fresh) return [];
  const storage = openDatabase(fresh.url, { sqliteSynchronous: 'NORMAL', poolSize: 8 });
  const rows: string[][] = [];
  try {
    await migrateToLatest(storage);
    const config = loadConfig({ DATABASE_URL: fresh.url, LOG_LEVEL: 'silent', SQLITE_SYNCHRONOUS: 'NORMAL' });
    const app = await buildApp({ config, storage, logger: false });
    await app.ready();
    const { apiKey } = await createAccount(storage, { username: 'goalbench', email: 'bench@example.com', password: null });
    const headers = { authorization: `Basic ${Buffer.from(apiKey).toString('base64')}`, 'user-agent': 'wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.88.0 vscode-wakatime/24.4.0', 'content-type': 'application/json', timezone: 'UTC' };
    const today = DateTime.utc().startOf('day');
    for (let d = DAYS - 1; d >= 1; d--) {
      const start = today.minus({ days: d }).plus({ hours: 9 }).toSeconds();
      const beats = Array.from({ length: 240 }, (_, i) => ({ entity: `/p/${PROJECTS[i % 3]}/f${i % 7}`, type: 'file', time: start + i * 60, project: PROJECTS[Math.floor(i / 80)], language: LANGS[Math.floor(i / 20) % 4] }));
      for (let i = 0; i < beats.length; i += 1000) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers, payload: beats.slice(i, i + 1000) });
        if (res.statusCode !== 201) throw new Error(`heartbeats: ${res.statusCode} ${res.body}`);
      }
    }
    const shapes = [{}, { languages: ['Go'] }, { projects: ['infra'] }, { languages: ['Go', 'SQL'], editors: ['VS Code'] }];
    const ids: string[] = [];
    for (let i = 0; i < GOALS; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/users/current/goals', headers, payload: { seconds: 1800 + i * 60, delta: i % 3 ? 'day' : 'week', improve_by_percent: i % 4 ? null : 5, ...shapes[i % shapes.length] } });
      if (res.statusCode !== 201) throw new Error(`goal: ${res.statusCode} ${res.body}`);
      ids.push(res.json().data.id);
    }
    const user = await storage.db.selectFrom('users').select('id').where('username', '=', 'goalbench').executeTakeFirstOrThrow();
    let t = performance.now();
    await app.ctx.services.goals.refresh(user.id);
    rows.push([dialect, `goals.refresh (${GOALS} goals, ${DAYS} days)`, `${fmt(performance.now() - t, 1)} ms`, '']);

    const time = async (url: string) => {
      const ms: number[] = [];
      for (let i = 0; i < READS; i++) {
        const s = performance.now();
        const res = await app.inject({ method: 'GET', url, headers });
        ms.push(performance.now() - s);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
      }
      return ms.sort((a, b) => a - b);
    };
    const one = await time(`/api/v1/users/current/goals/${ids[1]}`);
    rows.push([dialect, 'GET goals/:goal p50 / p99', `${fmt(percentile(one, 50), 2)} / ${fmt(percentile(one, 99), 2)} ms`, `p50 < ${TARGET_READ_MS} ms ${percentile(one, 50) < TARGET_READ_MS ? 'OK' : 'MISSED'}`]);
    const list = await time('/api/v1/users/current/goals');
    rows.push([dialect, `GET goals (${GOALS}) p50 / p99`, `${fmt(percentile(list, 50), 2)} / ${fmt(percentile(list, 99), 2)} ms`, `p50 < ${TARGET_LIST_MS} ms ${percentile(list, 50) < TARGET_LIST_MS ? 'OK' : 'MISSED'}`]);

    await app.ctx.services.startBackground();
    const before = (await app.inject({ method: 'GET', url: `/api/v1/users/current/goals/${ids[1]}`, headers })).json().data.chart_data.at(-1).actual_seconds as number;
    const at = Math.min(today.plus({ hours: 1 }).toSeconds(), Date.now() / 1000 - 600);
    t = performance.now();
    await app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers, payload: [0, 60, 120].map((s) => ({ entity: '/p/infra/x.go', type: 'file', time: at + s, project: 'infra', language: 'Go' })) });
    let fresh_s = NaN;
    while (performance.now() - t < 30_000) {
      const now = (await app.inject({ method: 'GET', url: `/api/v1/users/current/goals/${ids[1]}`, headers })).json().data.chart_data?.at(-1)?.actual_seconds as number | undefined;
      if (now !== undefined && now > before) {
        fresh_s = (performance.now() - t) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    rows.push([dialect, 'heartbeat → goal current', `${fmt(fresh_s, 2)} s`, `< ${TARGET_FRESH_S} s ${fresh_s < TARGET_FRESH_S ? 'OK' : 'MISSED'}`]);
    await app.close();
  } finally {
    await storage.close();
    await fresh.drop();
  }
  return rows;
}

const all: string[][] = [];
for (const d of DIALECTS) all.push(...(await run(d)));
console.log('\nGoals (measured on this machine; a shared, busy one gives slower figures)\n');
for (const r of all) console.log(`${r[0]!.padEnd(9)} ${r[1]!.padEnd(40)} ${r[2]!.padEnd(22)} ${r[3]}`);
