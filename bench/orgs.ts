/**
 * npm run bench:orgs — a dashboard of 500 members with a year of activity each, then p50/p99
 * latency through HTTP of `…/dashboards/:dashboard/members` (the reference's list, first page) and
 * the team summary for Last 30 Days (every member's days, projects and languages). Target for
 * both: p50 < 100 ms.
 *
 * Data in bulk: the time engine serves dashboards from each member's day rollups (rollup_days),
 * so the year of activity is written as rollup rows directly — per active day (5 of 7) a total and
 * the day's projects, languages, editor, OS, category and machine — with the members' rollup state
 * `ready` for their settings (as after a rebuild). Members live in three zones. Heartbeats are not
 * generated: they are not read on this path (bench:stats measures the rollups' own upkeep).
 *
 * Knobs: BENCH_ORG_MEMBERS (500), BENCH_ORG_DAYS (365), BENCH_DIALECTS (sqlite,postgres),
 * BENCH_ORG_REQUESTS (200 per measurement).
 */
import { DateTime } from 'luxon';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Dialect } from '../src/storage/db.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { insertUser, updateUser } from '../src/storage/users.js';
import { createApiKey } from '../src/storage/api-keys.js';
import { insertDashboard, insertOrg, addOrgMember, putDashboardMember } from '../src/storage/orgs.js';
import { benchDatabase, fmt, PROJECTS, timeRequests } from './support.js';

const MEMBERS = Number(process.env.BENCH_ORG_MEMBERS ?? 500);
const DAYS = Number(process.env.BENCH_ORG_DAYS ?? 365);
const REQUESTS = Number(process.env.BENCH_ORG_REQUESTS ?? 200);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York'];
const LANGS = ['TypeScript', 'Python', 'Go', 'Rust', 'SQL'];
const TARGET_MS = 100;

console.log(`bench:orgs — a dashboard of ${fmt(MEMBERS)} members with ${DAYS} days of activity each (rollups written in bulk)`);
for (const dialect of DIALECTS) {
  const db = await benchDatabase(dialect, 'orgs');
  if (!db) continue;
  const storage = openDatabase(db.url, { sqliteSynchronous: 'NORMAL', poolSize: 10 });
  try {
    await migrateToLatest(storage);
    let t0 = performance.now();
    const now = Date.now() / 1000;
    const owner = await insertUser(storage.db, { username: 'owner', now });
    await updateUser(storage.db, owner.id, { timezone: 'UTC' });
    const { key } = await createApiKey(storage.db, owner.id, 'bench');
    const org = await insertOrg(storage.db, { name: 'Bench Corp', timezone: 'UTC', timeout: 15, writesOnly: false, isDurationVisible: true, createdBy: owner.id, now });
    const dashboardId = await insertDashboard(storage.db, { orgId: org.id, name: 'Everyone', timezone: null, access: 'org', createdBy: owner.id, now });
    const dashboard = await storage.db.selectFrom('dashboards').select('uuid').where('id', '=', dashboardId).executeTakeFirstOrThrow();

    let rows: { user_id: number; day: string; dimension: string; name: string; seconds: number }[] = [];
    let written = 0;
    const flush = async () => {
      for (let i = 0; i < rows.length; i += 2000) await storage.db.insertInto('rollup_days').values(rows.slice(i, i + 2000)).execute();
      written += rows.length;
      rows = [];
    };
    for (let m = 0; m < MEMBERS; m++) {
      const zone = ZONES[m % ZONES.length]!;
      const user = await insertUser(storage.db, { username: `member${m}`, now });
      await updateUser(storage.db, user.id, { timezone: zone, keystroke_timeout: 15 });
      await storage.db.transaction().execute(async (tx) => {
        await addOrgMember(tx, org.id, user.id, 'member', now);
        await putDashboardMember(tx, { dashboardId, userId: user.id, isViewOnly: false, share: m % 4 === 3 ? 'totals' : 'everything', now });
      });
      await storage.db.insertInto('rollup_state').values({ user_id: user.id, timezone: zone, timeout: 900, writes_only: 0, status: 'ready', progress: 100, updated_at: now }).execute();
      const today = DateTime.fromSeconds(now, { zone }).startOf('day');
      for (let d = 0; d < DAYS; d++) {
        const day = today.minus({ days: d });
        if ((d + m) % 7 >= 5) continue; // two days off a week
        const date = day.toISODate()!;
        const total = 3600 + ((m * 7919 + d * 104729) % 18000);
        const p1 = PROJECTS[(m + d) % PROJECTS.length]!;
        const p2 = PROJECTS[(m + d + 1) % PROJECTS.length]!;
        const l1 = LANGS[m % LANGS.length]!;
        const l2 = LANGS[(m + 2) % LANGS.length]!;
        const a = Math.round(total * 0.7);
        rows.push(
          { user_id: user.id, day: date, dimension: 'total', name: '', seconds: total },
          { user_id: user.id, day: date, dimension: 'projects', name: p1, seconds: a },
          { user_id: user.id, day: date, dimension: 'projects', name: p2, seconds: total - a },
          { user_id: user.id, day: date, dimension: 'languages', name: l1, seconds: a },
          { user_id: user.id, day: date, dimension: 'languages', name: l2, seconds: total - a },
          { user_id: user.id, day: date, dimension: 'editors', name: 'VS Code', seconds: total },
          { user_id: user.id, day: date, dimension: 'operating_systems', name: 'Linux', seconds: total },
          { user_id: user.id, day: date, dimension: 'categories', name: 'coding', seconds: total },
          { user_id: user.id, day: date, dimension: 'machines', name: `host-${m}`, seconds: total },
        );
      }
      if (rows.length >= 50_000) await flush();
    }
    await flush();
    if (dialect === 'postgres') await storage.db.executeQuery({ sql: 'analyze', parameters: [], query: { kind: 'RawNode' } as never, queryId: { queryId: 'analyze' } as never });
    console.log(`[${dialect}] ${fmt(MEMBERS)} members, ${fmt(written)} rollup rows in ${fmt((performance.now() - t0) / 1000, 1)} s`);

    const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
    const app = await buildApp({ config, storage, logger: { level: 'warn' } });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const auth = `Basic ${Buffer.from(key).toString('base64')}`;
    const base = `/api/v1/users/current/orgs/${org.uuid}/dashboards/${dashboard.uuid}`;
    const check = await fetch(`${address}${base}/summary?range=Last%2030%20Days`, { headers: { authorization: auth } });
    const body = (await check.json()) as { data: { members: unknown[]; grand_total: { text: string }; projects: unknown[] } };
    console.log(`[${dialect}] team summary: ${body.data.members.length} members, ${body.data.grand_total.text} in Last 30 Days, ${body.data.projects.length} projects`);

    // wall-clock latency, and the server process's CPU per request (this process: the server and,
    // on SQLite, the database engine; the load generator's thread is a small share): on a machine
    // shared with other work the wall clock mostly measures waiting for a core, the CPU time does not
    const measure = async (label: string, path: string) => {
      await timeRequests(address, auth, Array.from({ length: Math.min(20, REQUESTS) }, () => path), 1); // warm-up, not counted
      const c0 = process.cpuUsage();
      const r = await timeRequests(address, auth, Array.from({ length: REQUESTS }, () => path), 1);
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1000 / REQUESTS;
      const verdict = r.p50 < TARGET_MS ? 'meets' : 'MISSES';
      console.log(`[${dialect}]   ${label}: p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms, CPU ${fmt(cpu, 1)} ms/request (${REQUESTS} requests, 1 client)   target p50 < ${TARGET_MS} ms: ${verdict}${r.failures ? `   WARNING: ${r.failures} non-200` : ''}`);
    };
    await measure('…/members (first page of 100)', `${base}/members`);
    await measure('team summary, Last 30 Days', `${base}/summary?range=Last%2030%20Days`);
    await measure('member summaries, Last 30 Days', `${base}/members/member7/summaries?range=Last%2030%20Days`);
    t0 = performance.now();
    await app.close();
  } finally {
    await storage.close();
    if (!process.env.BENCH_KEEP) await db.drop();
    else console.log(`kept ${db.url}`);
  }
}
