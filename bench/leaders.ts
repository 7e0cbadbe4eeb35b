/**
 * npm run bench:leaders — public leaders and aggregate stats for many users with activity.
 *
 * Data: BENCH_USERS users (10,000) in five zones, each with the last 9 local days of rollups
 * (rollup_days rows written in bulk, as the time engine would have built them: a total and
 * per-dimension seconds per day; 85 % public time, 60 % public languages) and ready rollup state
 * with the public settings (timeout 15, all heartbeats), so the stats query layer serves them from
 * rollups as it does in production. Then:
 * - the time of one full recomputation (`leaders.recompute`: every user's last 7 days through the
 *   StatsService, ranks, the per-language ranks, the last_7_days aggregate) — target < 60 s;
 * - p50 / p99 of `GET /leaders` (anonymous; signed in, with the viewer's rank; language and country
 *   filters) and `GET users/current/leaderboards/:board` (a board of 200 members) through
 *   app.inject (in-process, no sockets) — target p50 < 20 ms.
 *
 * Knobs: BENCH_USERS (10000), BENCH_DIALECTS (sqlite,postgres), BENCH_READS (300 per read).
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Dialect } from '../src/storage/db.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { createApiKey } from '../src/storage/api-keys.js';
import { benchDatabase, fmt, percentile } from './support.js';

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
const READS = Number(process.env.BENCH_READS ?? 300);
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'America/Los_Angeles'];
const LANGS = ['TypeScript', 'Python', 'Go', 'Rust', 'Java', 'Other'];
const COUNTRIES = ['US', 'DE', 'JP', 'FR', 'BR'];
const TARGET_RECOMPUTE_S = 60;
const TARGET_READ_MS = 20;

async function chunked<T>(rows: T[], size: number, insert: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

async function run(dialect: Dialect): Promise<string[][]> {
  const fresh = await benchDatabase(dialect, 'leaders');
  if (!fresh) return [];
  const storage = openDatabase(fresh.url, { sqliteSynchronous: 'NORMAL', poolSize: 8 });
  const rows: string[][] = [];
  try {
    await migrateToLatest(storage);
    const db = storage.db;
    const now = Date.now() / 1000;
    const t0 = performance.now();
    const users = Array.from({ length: USERS }, (_, i) => ({
      uuid: randomUUID(),
      username: `bench${i}`,
      email: null,
      password_hash: null,
      full_name: i % 3 ? `Bench User ${i}` : null,
      photo: null,
      website: null,
      github_username: null,
      twitter_username: null,
      linkedin_username: null,
      wonderfuldev_username: null,
      city_country_code: COUNTRIES[i % COUNTRIES.length]!,
      city_name: 'Town',
      city_state: null,
      public_email: null,
      is_email_public: 0,
      is_email_confirmed: 0,
      photo_public: 0,
      is_hireable: i % 2,
      logged_time_public: i % 7 === 0 ? 0 : 1,
      languages_used_public: i % 5 < 3 ? 1 : 0,
      editors_used_public: 1,
      categories_used_public: 1,
      os_used_public: 1,
      timezone: ZONES[i % ZONES.length]!,
      keystroke_timeout: 15,
      writes_only: 0,
      profile_range: 'last_7_days',
      last_heartbeat_at: now - 86400,
      last_plugin: null,
      last_plugin_name: null,
      last_project: null,
      last_branch: null,
      created_at: now - 90 * 86400,
      modified_at: null,
    }));
    await chunked(users, 500, (part) => db.insertInto('users').values(part).execute());
    const ids = (await db.selectFrom('users').select(['id', 'timezone']).orderBy('id').execute()) as { id: number; timezone: string }[];
    const state = ids.map((u) => ({ user_id: u.id, timezone: u.timezone, timeout: 900, writes_only: 0, status: 'ready', progress: 100, updated_at: now }));
    await chunked(state, 1000, (part) => db.insertInto('rollup_state').values(part).execute());
    // nine local days of rollups per user: a total and per-dimension rows, seconds varying by user and day
    let rollupRows = 0;
    const batch: { user_id: number; day: string; dimension: string; name: string; seconds: number }[] = [];
    const flush = async () => {
      rollupRows += batch.length;
      await chunked(batch.splice(0), 2000, (part) => db.insertInto('rollup_days').values(part).execute());
    };
    for (const u of ids) {
      const today = DateTime.fromSeconds(now, { zone: u.timezone }).startOf('day');
      for (let d = 1; d <= 9; d++) {
        if ((u.id + d) % 6 === 0) continue; // a holiday now and then
        const day = today.minus({ days: d }).toISODate()!;
        const l1 = LANGS[u.id % LANGS.length]!;
        const l2 = LANGS[(u.id + d) % LANGS.length]!;
        const s1 = 600 + ((u.id * 7919 + d * 104729) % 14_400);
        const s2 = 60 + ((u.id * 31 + d * 17) % 3600);
        const total = l1 === l2 ? s1 : s1 + s2;
        batch.push({ user_id: u.id, day, dimension: 'total', name: '', seconds: total });
        if (l1 === l2) batch.push({ user_id: u.id, day, dimension: 'languages', name: l1, seconds: s1 });
        else batch.push({ user_id: u.id, day, dimension: 'languages', name: l1, seconds: s1 }, { user_id: u.id, day, dimension: 'languages', name: l2, seconds: s2 });
        batch.push(
          { user_id: u.id, day, dimension: 'editors', name: u.id % 2 ? 'VS Code' : 'Neovim', seconds: total },
          { user_id: u.id, day, dimension: 'operating_systems', name: u.id % 3 ? 'Linux' : 'Mac', seconds: total },
          { user_id: u.id, day, dimension: 'categories', name: 'coding', seconds: total },
          { user_id: u.id, day, dimension: 'projects', name: `p${u.id % 4}`, seconds: total },
        );
      }
      if (batch.length > 20_000) await flush();
    }
    await flush();
    console.log(`[${dialect}] ${fmt(USERS)} users, ${fmt(rollupRows)} rollup rows in ${fmt((performance.now() - t0) / 1000, 1)} s`);

    const config = loadConfig({ DATABASE_URL: fresh.url, LOG_LEVEL: 'silent', BASE_URL: 'http://bench.test' });
    const app = await buildApp({ config, storage, logger: false });
    await app.ready();
    try {
      const t1 = performance.now();
      const { users: computed } = await app.ctx.services.leaders.recompute();
      const recomputeS = (performance.now() - t1) / 1000;
      console.log(`[${dialect}] recompute leaders + last_7_days aggregate: ${fmt(recomputeS, 1)} s for ${fmt(computed)} users`);
      rows.push([dialect, `recompute leaders + aggregate (${fmt(computed)} users)`, `${fmt(recomputeS, 1)} s`, '', `< ${TARGET_RECOMPUTE_S} s`, recomputeS < TARGET_RECOMPUTE_S ? 'ok' : 'MISSED']);

      // a viewer in the middle of the ranking, and a board of 200 members
      const viewer = ids[Math.floor(ids.length / 2)]!;
      const { key } = await createApiKey(db, viewer.id, 'bench');
      const auth = { authorization: `Basic ${Buffer.from(key).toString('base64')}` };
      const created = await app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards', headers: auth, payload: { name: 'bench board' } });
      const boardId = created.json().data.id as string;
      const boardDbId = (await db.selectFrom('leaderboards').select('id').where('uuid', '=', boardId).executeTakeFirstOrThrow()).id;
      const members = ids.filter((u) => u.id !== viewer.id).slice(0, 199).map((u) => ({ board_id: boardDbId, user_id: u.id, status: 'member', created_at: now }));
      await db.insertInto('leaderboard_members').values(members).execute();

      const reads: [string, string, Record<string, string>][] = [
        ['GET /leaders (anonymous, page 1)', '/api/v1/leaders', {}],
        ['GET /leaders (signed in: rank and own page)', '/api/v1/leaders', auth],
        ['GET /leaders?language=Python (signed in)', '/api/v1/leaders?language=Python', auth],
        ['GET /leaders?country_code=DE&is_hireable=true&page=3', '/api/v1/leaders?country_code=DE&is_hireable=true&page=3', {}],
        ['GET leaderboards/:board (200 members)', `/api/v1/users/current/leaderboards/${boardId}`, auth],
        ['GET leaderboards/:board?language=Go', `/api/v1/users/current/leaderboards/${boardId}?language=Go`, auth],
        ['GET /stats/last_7_days (aggregate)', '/api/v1/stats/last_7_days', {}],
      ];
      for (const [name, url, headers] of reads) {
        const lat: number[] = [];
        for (let i = 0; i < READS + 10; i++) {
          const s = performance.now();
          const res = await app.inject({ method: 'GET', url, headers });
          const ms = performance.now() - s;
          if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
          if (i >= 10) lat.push(ms); // the first ten warm up
        }
        lat.sort((a, b) => a - b);
        const p50 = percentile(lat, 50);
        console.log(`[${dialect}]   ${name}: p50 ${fmt(p50, 2)} ms, p99 ${fmt(percentile(lat, 99), 2)} ms`);
        rows.push([dialect, name, `p50 ${fmt(p50, 2)} ms`, `p99 ${fmt(percentile(lat, 99), 2)} ms`, `p50 < ${TARGET_READ_MS} ms`, p50 < TARGET_READ_MS ? 'ok' : 'MISSED']);
      }
    } finally {
      await app.close();
    }
  } finally {
    await storage.close().catch(() => undefined);
    await fresh.drop();
  }
  return rows;
}

const all: string[][] = [];
for (const dialect of DIALECTS) all.push(...(await run(dialect)));
console.log('\nbench:leaders (a shared machine: figures vary with its load)');
console.log(['database', 'what', 'measured', '', 'target', ''].join(' | '));
for (const r of all) console.log(r.join(' | '));
