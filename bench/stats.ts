/**
 * npm run bench:stats — a user with ~3 years of realistic activity (~3 million heartbeats), then
 * p50/p99 latency through HTTP of: status_bar/today (50 concurrent clients), summaries of 7 days,
 * stats last_year and all_time — served from rollups, and computed from raw heartbeats (the same
 * request with a timeout other than the user's, which bypasses rollups) — and the ratio.
 *
 * Then status_bar/today again while 16 clients write heartbeats.bulk batches (25 heartbeats) as
 * fast as the server takes them, for 16 users — the reader's own user gets every 16th batch: each
 * of them drops its cached status bar and dirties the hours it touched, so reads after it
 * recompute (incrementally: the dirty UTC hours ± timeout, then the day re-summed from its hours).
 * Target: p50 < 5 ms. Before it, without the load: a batch for the user, then its status bar, in
 * turn (every read recomputes: the cost of the incremental recomputation itself). Each user's stream is live activity at the history's density (a heartbeat
 * every 8 s) starting now; it runs ahead of the clock, and wraps (interleaved) before midnight.
 *
 * Issue 8 (the rollup cube): filtered and cross-breakdown questions (one project's summaries and
 * stats over last_year and all_time, the languages of one project, the projects of one language)
 * with their targets beside them; a custom-timeout all_time (raw heartbeats) answering 202 at once
 * and completing in the background; rollup rows per active day; the database size per million
 * heartbeats; the server process's RSS after the run (the load generators run in child processes).
 * A year of one project's summaries is timed three ways: its first ask (every day computed), the
 * steady state (past days' JSON kept, services/summaries.ts: the p50 against its target), and the
 * ask after a late heartbeat of 100 days ago (that day computed again).
 *
 * The history's heartbeats are shaped as editors send them (support.ts historyHeartbeat: a project
 * for ~25 minutes, a file for ~1.5, ~40 files a day per project); the live writers below change
 * every field on every heartbeat (wireHeartbeat), the most distinct rows for ingest and upkeep.
 *
 * Knobs: BENCH_YEARS (3), BENCH_PER_DAY (2800 heartbeats on a working day), BENCH_DIALECTS
 * (sqlite,postgres), BENCH_READS_UNDER_WRITES (3000 status bar reads, 16 clients), BENCH_ONLY=status_bar
 * (only the two status bar phases).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Dialect } from '../src/storage/db.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { insertUser, updateUser } from '../src/storage/users.js';
import { createApiKey } from '../src/storage/api-keys.js';
import { benchDatabase, fmt, loadInChild, percentile, historyHeartbeat, PROJECTS, seedDays, timeRequests, watchStalls, wireHeartbeat } from './support.js';

const YEARS = Number(process.env.BENCH_YEARS ?? 3);
const PER_DAY = Number(process.env.BENCH_PER_DAY ?? 2800);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
const ZONE = 'Europe/Berlin';
const READS_UNDER_WRITES = Number(process.env.BENCH_READS_UNDER_WRITES ?? 3000);
const WRITERS = 16;
const TARGET_UNDER_WRITES_MS = 5;

/** A working day: two sessions, a heartbeat every ~8 s with pauses; weekends lighter. */
function dayHeartbeats(day: DateTime, seqStart: number, now: number): { time: number; seq: number }[] {
  const weekend = day.weekday >= 6;
  const count = weekend ? Math.floor(PER_DAY / 5) : PER_DAY;
  const out: { time: number; seq: number }[] = [];
  let t = day.plus({ hours: 9 }).toSeconds();
  for (let i = 0; i < count; i++) {
    t += 6 + ((seqStart + i) * 7919) % 5 + (i % 400 === 399 ? 1800 : 0) + (i === Math.floor(count / 2) ? 3600 : 0);
    if (t > now) break;
    out.push({ time: t, seq: seqStart + i });
  }
  return out;
}

if (DIALECTS.length > 1) {
  // each database in a process of its own: the RSS after its run is that database's alone
  for (const d of DIALECTS) {
    const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, BENCH_DIALECTS: d } });
    if (child.status !== 0) process.exitCode = child.status ?? 1;
  }
} else console.log(`bench:stats — ${YEARS} years of activity, up to ${fmt(PER_DAY)} heartbeats per working day, zone ${ZONE}`);
for (const dialect of DIALECTS.length > 1 ? [] : DIALECTS) {
  const db = await benchDatabase(dialect, 'stats');
  if (!db) continue;
  const storage = openDatabase(db.url, { sqliteSynchronous: 'NORMAL', poolSize: 10, sqliteCheckpointer: process.env.BENCH_CHECKPOINTER !== '0' });
  try {
    await migrateToLatest(storage);
    const user = await insertUser(storage.db, { username: 'bench' });
    await updateUser(storage.db, user.id, { timezone: ZONE, keystroke_timeout: 15 });
    const { key } = await createApiKey(storage.db, user.id, 'bench');
    const now = Date.now() / 1000;
    const today = DateTime.fromSeconds(now, { zone: ZONE }).startOf('day');
    let t0 = performance.now();
    const total = await seedDays(storage, user.id, { first: today.minus({ years: YEARS }), last: today, seqPerDay: PER_DAY, now, shape: historyHeartbeat }, dayHeartbeats);
    console.log(`[${dialect}] stored ${fmt(total)} heartbeats in ${fmt((performance.now() - t0) / 1000, 1)} s`);

    const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
    const app = await buildApp({ config, storage, logger: { level: 'warn' } });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const auth = `Basic ${Buffer.from(key).toString('base64')}`;

    // build the rollups (a full rebuild, as after a change of settings), and wait for them
    t0 = performance.now();
    const fresh = await (await import('../src/storage/users.js')).findUserById(storage.db, user.id);
    // the rebuild runs beside requests: how long it held the event loop at a time
    const stalls = watchStalls();
    for (;;) {
      const f = await app.ctx.services.rollups.ensureFresh(fresh!);
      if (f.ready) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`[${dialect}] rollups rebuilt from scratch in ${fmt((performance.now() - t0) / 1000, 1)} s; the longest the event loop was held meanwhile: ${fmt(stalls.stop(), 0)} ms`);
    {
      // a backlog of dirty marks, as an import of 30 days leaves them: recomputed a day's worth per
      // transaction, the event loop free between them
      const marks = [];
      for (let h = Math.floor(today.minus({ days: 30 }).toSeconds() / 3600); h <= Math.floor(now / 3600); h++) marks.push({ user_id: user.id, hour: h, since: 0 });
      for (let i = 0; i < marks.length; i += 500) {
        await storage.db.insertInto('rollup_dirty').values(marks.slice(i, i + 500)).execute();
        await storage.db.insertInto('rollup_cube_dirty').values(marks.slice(i, i + 500)).execute();
      }
      const backlogStalls = watchStalls();
      const t1 = performance.now();
      await app.ctx.services.rollups.ensureFresh(fresh!, { cube: true });
      await new Promise((r) => setTimeout(r, 20));
      console.log(`[${dialect}] a backlog of ${fmt(marks.length)} dirty hours (30 days, as after an import) recomputed in ${fmt((performance.now() - t1) / 1000, 1)} s; the longest the event loop was held meanwhile: ${fmt(backlogStalls.stop(), 0)} ms`);
    }
    // PostgreSQL plans by table statistics; autovacuum gathers them within a minute of a bulk load
    // like this one on a live server: the bench does not wait for it
    if (dialect === 'postgres') await sql`analyze`.execute(storage.db);

    const base = `${address}/api/v1/users/current`;
    let underWrites: { p50: number; p99: number; written: number; seconds: number } | null = null;
    const rows2: [string, string, number, number][] = [];
    const verdict = (p50: number, target?: number) => (target === undefined ? '' : `   target p50 < ${target} ms: ${p50 < target ? 'meets' : 'MISSES'}`);
    const measure = async (label: string, path: string, n: number, clients: number, target?: number) => {
      const r = await timeRequests(`${base}${path}`, auth, Array.from({ length: n }, () => new URL(`${base}${path}`).pathname + new URL(`${base}${path}`).search), clients);
      if (r.failures) console.log(`[${dialect}] WARNING: ${r.failures} non-200 answers for ${label}`);
      // the answer's size: what building and sending it costs grows with it
      const size = (await (await fetch(`${base}${path}`, { headers: { authorization: auth } })).arrayBuffer()).byteLength;
      rows2.push([label, `${n} requests, ${clients} client${clients > 1 ? 's' : ''}, ${fmt(size / 1e3, 0)} kB${verdict(r.p50, target)}`, r.p50, r.p99]);
      console.log(`[${dialect}]   … ${label}: p50 ${fmt(r.p50, 1)} ms${verdict(r.p50, target)}`);
      return r;
    };
    // steady state, as a long-running server sees it: JIT warm-up requests first, not counted
    await timeRequests(`${base}/status_bar/today`, auth, Array.from({ length: 3000 }, () => '/api/v1/users/current/status_bar/today'), 50);
    await measure('status_bar/today', '/status_bar/today', 10000, 50, 2);
    {
      // the floor on this machine: 50 closed-loop clients wait p50 ≈ 50 / throughput (Little's law),
      // so a bare node:http server answering the same body, from the same load generator, bounds
      // what any server in Node could show here
      const body = await (await fetch(`${base}/status_bar/today`, { headers: { authorization: auth } })).text();
      const bare = http.createServer((_req, res) => {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(body);
      });
      await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
      const port = (bare.address() as { port: number }).port;
      const floor = await timeRequests(`http://127.0.0.1:${port}/`, auth, Array.from({ length: 10000 }, () => '/'), 50);
      await new Promise((resolve) => bare.close(resolve));
      rows2.push(['  floor: a bare node:http server', '10000 requests, 50 clients, the same body', floor.p50, floor.p99]);
      console.log(`[${dialect}]   … floor here: a bare node:http server answering the same body to the same 50 clients: p50 ${fmt(floor.p50, 1)} ms`);
      // and the framework's own share: a bare Fastify 5 route answering the same body
      const bareFastify = Fastify({ logger: false });
      bareFastify.get('/', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
      const fastifyAddress = await bareFastify.listen({ port: 0, host: '127.0.0.1' });
      await timeRequests(`${fastifyAddress}/`, auth, Array.from({ length: 3000 }, () => '/'), 50);
      const framework = await timeRequests(`${fastifyAddress}/`, auth, Array.from({ length: 10000 }, () => '/'), 50);
      await bareFastify.close();
      rows2.push(['  floor: a bare Fastify route', '10000 requests, 50 clients, the same body', framework.p50, framework.p99]);
      console.log(`[${dialect}]   … a bare Fastify route answering the same body to the same 50 clients: p50 ${fmt(framework.p50, 1)} ms`);
    }
    const onlyStatusBar = process.env.BENCH_ONLY === 'status_bar';
    let ratios = '';
    if (!onlyStatusBar) {
      await measure('summaries, last 7 days', '/summaries?range=last_7_days', 100, 1);
      const ly = await measure('stats last_year (rollups)', '/stats/last_year', 30, 1);
      const all = await measure('stats all_time (rollups)', '/stats/all_time', 30, 1, 20);
      // the raw path's own cost: synchronous here (it runs as a background job otherwise, below)
      const time = app.ctx.services.time;
      const syncDays = time.rawSyncDays;
      time.rawSyncDays = Infinity;
      const lyRaw = await measure('stats last_year (raw heartbeats)', '/stats/last_year?timeout=14', 3, 1);
      const allRaw = await measure('stats all_time (raw heartbeats)', '/stats/all_time?timeout=14', 2, 1);
      time.rawSyncDays = syncDays;
      // filtered by one project and cross-breakdowns, from the rollup cube (issue 8)
      const project = encodeURIComponent(PROJECTS[0]!);
      const yearAgo = today.minus({ years: 1 }).toISODate();
      await measure('all_time_since_today, one project', `/all_time_since_today?project=${project}`, 30, 1);
      {
        // past days' JSON is kept while their rollups are unchanged (services/summaries.ts): the
        // first ask computes every day, later ones only what changed since
        const path = `/summaries?start=${yearAgo}&end=${today.toISODate()}&project=${project}`;
        const once = async () => {
          const t1 = performance.now();
          const res = await fetch(`${base}${path}`, { headers: { authorization: auth } });
          await res.arrayBuffer();
          if (res.status !== 200) console.log(`[${dialect}] WARNING: ${res.status} for ${path}`);
          return performance.now() - t1;
        };
        const cold = await once();
        rows2.push(['summaries 365 days, one project: first ask', '1 request, every day computed', cold, cold]);
        console.log(`[${dialect}]   … summaries 365 days, one project, first ask (every day computed): ${fmt(cold, 1)} ms`);
        await measure('summaries 365 days, one project', path, 10, 1, 50);
        // an offline backlog arrives: a heartbeat of 100 days ago (the next ask computes that day)
        const late = today.minus({ days: 100 }).plus({ hours: 12 }).toSeconds();
        const res = await fetch(`${base}/heartbeats.bulk`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json', 'user-agent': 'wakatime/v1.90.0 (linux-6.1.0-amd64) go1.21.0 vscode/1.85.0 vscode-wakatime/24.4.0' },
          body: JSON.stringify([{ ...historyHeartbeat(0, late), project: PROJECTS[0] }, { ...historyHeartbeat(1, late + 60), project: PROJECTS[0] }]),
        });
        if (res.status !== 201) console.log(`[${dialect}] WARNING: ${res.status} for a late heartbeat`);
        const after = await once();
        rows2.push(['summaries 365 days, one project: after a late heartbeat', '1 request, that day computed', after, after]);
        console.log(`[${dialect}]   … the same after a late heartbeat of 100 days ago: ${fmt(after, 1)} ms`);
      }
      await measure('stats last_year, one project', `/stats/last_year?project=${project}`, 20, 1, 50);
      await measure('stats all_time, one project', `/stats/all_time?project=${project}`, 20, 1, 50);
      await measure('languages of one project, all_time', `/insights/languages/all_time?project=${project}`, 20, 1, 50);
      await measure('stats all_time, one language', `/stats/all_time?language=Go`, 20, 1, 50);
      await measure('summaries 365 days, project+branch', `/summaries?start=${yearAgo}&end=${today.toISODate()}&project=${project}&branches=main`, 10, 1, 50);
      ratios = `last_year ${fmt(lyRaw.p50 / ly.p50, 0)}× faster, all_time ${fmt(allRaw.p50 / all.p50, 0)}× faster (p50)`;

      // a custom timeout over all_time: raw heartbeats, in the background; 202 at once, then done
      {
        const url = `${base}/stats/all_time?timeout=13`;
        const get = async () => {
          const t1 = performance.now();
          const res = await fetch(url, { headers: { authorization: auth } });
          const body = (await res.json()) as { data?: { is_up_to_date?: boolean; percent_calculated?: number } };
          return { status: res.status, ms: performance.now() - t1, percent: body.data?.percent_calculated };
        };
        const jobStalls = watchStalls();
        const t1 = performance.now();
        const first = await get();
        let last = first;
        let polls = 0;
        while (last.status === 202 && polls++ < 100_000) {
          await new Promise((r) => setTimeout(r, 100));
          last = await get();
        }
        const total = (performance.now() - t1) / 1000;
        const longestStall = jobStalls.stop();
        console.log(
          `[${dialect}] custom-timeout all_time: first answer ${first.status} in ${fmt(first.ms, 1)} ms (percent_calculated ${first.percent}); ${last.status} after ${fmt(total, 1)} s in the background (the event loop held at most ${fmt(longestStall, 0)} ms at a time meanwhile) — target: 202 at once, then 200: ${first.status === 202 && last.status === 200 ? 'meets' : 'MISSES'}`,
        );
        const cached = await get();
        console.log(`[${dialect}] custom-timeout all_time again (cached): ${cached.status} in ${fmt(cached.ms, 1)} ms`);
      }
    }

    // the recomputation alone: a batch for the user, then its status bar (which must show it), in turn
    {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const call = (method: string, path: string, body?: string) =>
        new Promise<number>((resolve, reject) => {
          const u = new URL(`${base}${path}`);
          const headers: Record<string, string> = { authorization: auth, 'content-type': 'application/json', 'user-agent': 'wakatime/v1.102.1 (linux-6.5.0-1024-oem-x86_64) go1.21.6 vscode/1.86.1 vscode-wakatime/24.4.0', timezone: ZONE };
          const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method, agent, headers }, (res) => {
            res.on('data', () => {});
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end(body);
        });
      const lat: number[] = [];
      const t0s = Math.ceil(Date.now() / 1000);
      for (let i = 0; i < 300; i++) {
        const batch = Array.from({ length: 25 }, (_, k) => wireHeartbeat(i * 25 + k, t0s - 3600 + (i * 25 + k) * 4));
        if ((await call('POST', '/heartbeats.bulk', JSON.stringify(batch))) !== 201) console.log(`[${dialect}] WARNING: a write failed`);
        const t1 = performance.now();
        if ((await call('GET', '/status_bar/today')) !== 200) console.log(`[${dialect}] WARNING: a status bar read failed`);
        lat.push(performance.now() - t1);
      }
      agent.destroy();
      lat.sort((a, b) => a - b);
      rows2.push(['status_bar/today after an own write', '300 write-then-read turns, 1 client', percentile(lat, 50), percentile(lat, 99)]);
      console.log(`[${dialect}]   … status_bar/today after an own write: p50 ${fmt(percentile(lat, 50), 1)} ms`);
    }

    // status bar while 16 clients write batches for 16 users, the reader's own user among them
    {
      const writerAuths = [auth];
      for (let u = 1; u < WRITERS; u++) {
        const other = await insertUser(storage.db, { username: `writer${u}` });
        await updateUser(storage.db, other.id, { timezone: ZONE });
        writerAuths.push(`Basic ${Buffer.from((await createApiKey(storage.db, other.id, 'bench')).key).toString('base64')}`);
      }
      const start = Math.ceil(Date.now() / 1000) + 5;
      const endOfToday = DateTime.fromSeconds(start, { zone: ZONE }).endOf('day').toSeconds() - 60;
      // every writer's heartbeats, the reader's user's among them (a sixteenth of them)
      const countAll = async () => Number((await storage.db.selectFrom('heartbeats').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await countAll();
      // each user's live stream: a heartbeat every 8 s (as the history above), wrapping before midnight;
      // 8,000 batches of 25, more than the reads last (the writers are stopped when they are done)
      const writer = loadInChild({
        writers: {
          url: `${base}/heartbeats.bulk`, auths: writerAuths, start, span: Math.max(600, endOfToday - start), batches: 8000, perBatch: 25,
          headers: { 'content-type': 'application/json', 'user-agent': 'wakatime/v1.102.1 (linux-6.5.0-1024-oem-x86_64) go1.21.6 vscode/1.86.1 vscode-wakatime/24.4.0', 'x-machine-name': 'bench-host', timezone: ZONE },
        },
      });
      await writer.started;
      const writeStart = performance.now();
      await new Promise((r) => setTimeout(r, 1000)); // writers at full speed before reads start
      const r = await timeRequests(`${base}/status_bar/today`, auth, Array.from({ length: READS_UNDER_WRITES }, () => '/api/v1/users/current/status_bar/today'), 16);
      writer.stop();
      const writeSeconds = (performance.now() - writeStart) / 1000;
      const after = await countAll();
      if (r.failures) console.log(`[${dialect}] WARNING: ${r.failures} non-200 answers for status_bar under writes`);
      rows2.push([`status_bar/today, ${WRITERS} writers`, `${READS_UNDER_WRITES} requests, 16 clients`, r.p50, r.p99]);
      underWrites = { p50: r.p50, p99: r.p99, written: after - before, seconds: writeSeconds };
    }
    for (const [label, what, p50, p99] of rows2) console.log(`[${dialect}] ${label.padEnd(34)} p50 ${fmt(p50, 1).padStart(8)} ms   p99 ${fmt(p99, 1).padStart(8)} ms   (${what})`);
    if (underWrites) {
      const ok = underWrites.p50 < TARGET_UNDER_WRITES_MS ? 'meets' : 'MISSES';
      console.log(`[${dialect}] status_bar/today with ${WRITERS} concurrent writers: p50 ${fmt(underWrites.p50, 1)} ms, p99 ${fmt(underWrites.p99, 1)} ms — target p50 < ${TARGET_UNDER_WRITES_MS} ms: ${ok}   (${fmt(underWrites.written)} heartbeats written by the 16 writers meanwhile, ${fmt(underWrites.written / underWrites.seconds)} /s)`);
    }
    if (ratios) console.log(`[${dialect}] rollups vs raw: ${ratios}`);
    // size: rollup rows per active day, database size per million heartbeats
    {
      const count = async (table: 'rollup_days' | 'rollup_hours' | 'rollup_cube' | 'rollup_cube_hours' | 'rollup_details' | 'rollup_detail_hours') =>
        Number((await storage.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', user.id).executeTakeFirstOrThrow()).n);
      const active = Number(
        (await storage.db.selectFrom('rollup_days').select((eb) => eb.fn.count<number>('day').distinct().as('n')).where('user_id', '=', user.id).executeTakeFirstOrThrow()).n,
      );
      const parts: string[] = [];
      for (const table of ['rollup_days', 'rollup_hours', 'rollup_cube', 'rollup_cube_hours', 'rollup_details', 'rollup_detail_hours'] as const) parts.push(`${table} ${fmt((await count(table)) / Math.max(1, active), 1)}`);
      console.log(`[${dialect}] rollup rows per active day (${fmt(active)} days): ${parts.join(', ')}`);
      const heartbeats = Number((await storage.db.selectFrom('heartbeats').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      let bytes: number;
      if (dialect === 'sqlite') {
        await sql`pragma wal_checkpoint(truncate)`.execute(storage.db);
        bytes = fs.statSync(db.url).size;
      } else {
        bytes = Number((await sql<{ n: string }>`select pg_database_size(current_database()) as n`.execute(storage.db)).rows[0]!.n);
      }
      console.log(`[${dialect}] database ${fmt(bytes / 1e6, 0)} MB for ${fmt(heartbeats)} heartbeats: ${fmt(bytes / 1e6 / (heartbeats / 1e6), 0)} MB per million heartbeats`);
    }
    const peak = process.memoryUsage().rss / 1e6;
    // after the run: a full collection first (what a long-running server's idle GC does; tsx does
    // not pass --expose-gc, so the flag is set at run time), with the app still open
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    await new Promise((r) => setTimeout(r, 500));
    gc();
    // V8 hands freed pages back to the system on background threads after a collection: read the
    // RSS once that settled, as an idle server's would be
    await new Promise((r) => setTimeout(r, 3000));
    const mem = process.memoryUsage();
    const rss = mem.rss / 1e6;
    // where it is: anonymous memory (heaps, SQLite's page cache) and mapped files (code, ICU data)
    const status = fs.existsSync('/proc/self/status') ? fs.readFileSync('/proc/self/status', 'utf8') : '';
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1e3;
    console.log(
      `[${dialect}] RSS of the server process after the run (after a full GC; load generators in child processes): ${fmt(rss, 0)} MB (${fmt(peak, 0)} MB before it), JS heap used ${fmt(mem.heapUsed / 1e6, 0)} MB of ${fmt(mem.heapTotal / 1e6, 0)} MB held, external ${fmt(mem.external / 1e6, 0)} MB, anonymous ${fmt(kb('RssAnon'), 0)} MB, files ${fmt(kb('RssFile'), 0)} MB — target < 300 MB: ${rss < 300 ? 'meets' : 'MISSES'}`,
    );
    await app.close();
  } finally {
    await storage.close();
    await db.drop();
  }
}
