/**
 * npm run bench:ingest — sustained heartbeats/s through POST heartbeats.bulk (25 per request,
 * concurrent clients, dedup key on, a database already holding a million heartbeats) versus the
 * same work without HTTP, and their ratio; on SQLite (synchronous=FULL: durable) and PostgreSQL.
 *
 * What the two phases measure (like with like): both time normalization (domain/heartbeat.ts
 * normalizeHeartbeat, user agent parse included), the canonical hash and the HeartbeatWriter's
 * group commit, for the same kind of heartbeats. The "storage layer" phase starts from the
 * heartbeats as the route receives them (JSON already parsed, as Fastify hands them over) and
 * calls what the route calls; the HTTP phase adds what only HTTP costs: sockets, the request's
 * JSON parse and schema check, authentication, the answer's serialization, and the load
 * generator's own thread in the same process. (Until 2026-11-30 the storage phase was given
 * heartbeats already normalized and hashed, so its figure left out ~3-4 µs of the per-heartbeat
 * work the HTTP phase does, and the ratio compared unlike things.)
 *
 * Also printed per phase: commits and requests per commit (the group commit at work; on SQLite a
 * commit costs about the same for few or many requests) and the process's CPU time per heartbeat
 * (over HTTP it includes the load generator's thread). Both vary far less than heartbeats/s on a
 * shared machine.
 *
 * Knobs: BENCH_PRELOAD (1000000), BENCH_HEARTBEATS (100000 per phase), BENCH_CLIENTS (16),
 * BENCH_DIALECTS (sqlite,postgres), BENCH_CHECKPOINTER=0 (SQLite checkpoints the WAL on the event loop, as
 * before storage/sqlite-checkpointer.ts: for before/after comparisons), BENCH_ONLY=http.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { heartbeatHash, normalizeHeartbeat, type HeartbeatContext } from '../src/domain/heartbeat.js';
import { parseUserAgentOnce } from '../src/domain/user-agent.js';
import { openDatabase, type Dialect, type Storage } from '../src/storage/db.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { insertUser } from '../src/storage/users.js';
import { createApiKey } from '../src/storage/api-keys.js';
import { insertHeartbeats, type NewHeartbeatRow } from '../src/storage/heartbeats.js';
import { HeartbeatWriter, type IngestItem } from '../src/services/ingest.js';
import { benchDatabase, eachConcurrently, fmt, heartbeatRow, percentile, storedHeartbeat, wireHeartbeat } from './support.js';

const PRELOAD = Number(process.env.BENCH_PRELOAD ?? 1_000_000);
const PER_PHASE = Number(process.env.BENCH_HEARTBEATS ?? 100_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const USERS = 20;
const BATCH = 25;
const USER_AGENT = 'wakatime/v1.102.1 (linux-6.5.0-1024-oem-x86_64) go1.21.6 vscode/1.86.1 vscode-wakatime/24.4.0';
/** Issue 13: HTTP at least 0.6× the storage layer; on SQLite no slower than 23,590/s, the goal 40,000/s. */
const RATIO_TARGET = 0.6;
const SQLITE_HTTP_FLOOR = 23_590;
const SQLITE_HTTP_GOAL = 40_000;
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];

/** Commits and the requests they held, counted around HeartbeatWriter's commits. */
const commits = { n: 0, requests: 0 };
{
  const writer = HeartbeatWriter.prototype as unknown as { commit(requests: unknown[]): Promise<unknown> };
  const commit = writer.commit;
  if (typeof commit !== 'function') throw new Error('bench:ingest counts HeartbeatWriter.commit: update it');
  writer.commit = function (this: unknown, requests: unknown[]) {
    commits.n++;
    commits.requests += requests.length;
    return commit.call(this, requests);
  };
}

/**
 * The main thread's own CPU time in µs (Linux: /proc/self/task/<pid>/stat, clock ticks of 10 ms),
 * or NaN elsewhere. Unlike process.cpuUsage() it leaves out the load generator's thread and the
 * WAL checkpointer's, and unlike heartbeats/s it hardly moves when other processes take the CPU:
 * the steadiest figure on a shared machine.
 */
function mainThreadCpuUs(): number {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000; // utime + stime, at 100 ticks/s
  } catch {
    return NaN;
  }
}

/** The timed part of a phase starts: count commits and CPU time from here. */
let cpuAtStart = process.cpuUsage();
let mainCpuAtStart = mainThreadCpuUs();
function startMeasuring(): void {
  commits.n = 0;
  commits.requests = 0;
  cpuAtStart = process.cpuUsage();
  mainCpuAtStart = mainThreadCpuUs();
}
interface Measured {
  commits: number;
  perCommit: number;
  /** The whole process's CPU per heartbeat (all threads). */
  cpuUs: number;
  /** The main thread's (the event loop's) CPU per heartbeat. */
  mainUs: number;
}
function measured(): Measured {
  const used = process.cpuUsage(cpuAtStart);
  return { commits: commits.n, perCommit: commits.requests / commits.n, cpuUs: (used.user + used.system) / PER_PHASE, mainUs: (mainThreadCpuUs() - mainCpuAtStart) / PER_PHASE };
}

async function preload(storage: Storage, userIds: number[]): Promise<number> {
  const t0 = performance.now();
  const per = Math.ceil(PRELOAD / userIds.length);
  const start = Date.UTC(2022, 0, 1) / 1000;
  const CHUNK = 10_000;
  let done = 0;
  for (const uid of userIds) {
    for (let i = 0; i < per && done < PRELOAD; i += CHUNK) {
      const rows: NewHeartbeatRow[] = [];
      for (let j = i; j < Math.min(per, i + CHUNK) && done + rows.length < PRELOAD; j++) {
        const h = storedHeartbeat(j, start + j * 90);
        rows.push(heartbeatRow(uid, h));
      }
      await storage.db.transaction().execute((tx) => insertHeartbeats(tx, rows));
      done += rows.length;
    }
  }
  return (performance.now() - t0) / 1000;
}

/** New heartbeats for a phase: per user, times after everything stored so far. */
function phaseTimes(phase: number): (user: number, k: number) => number {
  const base = Date.UTC(2025, 0, 1) / 1000 + phase * 10_000_000;
  return (user, k) => base + k * 2 + user * 0.001;
}

async function direct(storage: Storage, userIds: number[]): Promise<{ rate: number } & Measured> {
  const writer = new HeartbeatWriter(storage, pino({ level: 'silent' }));
  const time = phaseTimes(1);
  // the bodies as the route receives them: parsed JSON (the parse is HTTP's share of the work)
  const batches: { userId: number; body: unknown[] }[] = [];
  for (let b = 0; b < PER_PHASE / BATCH; b++) {
    const userId = userIds[b % userIds.length]!;
    const body: unknown[] = [];
    for (let k = 0; k < BATCH; k++) {
      const seq = Math.floor(b / userIds.length) * BATCH + k;
      body.push(wireHeartbeat(seq, time(userId, seq)));
    }
    batches.push({ userId, body: JSON.parse(JSON.stringify(body)) as unknown[] });
  }
  startMeasuring();
  const t0 = performance.now();
  await eachConcurrently(batches, CLIENTS, async ({ userId, body }) => {
    // what routes/heartbeats.ts does per request, without HTTP: normalize, hash, submit
    const ctx: HeartbeatContext = { userAgent: USER_AGENT, machine: 'bench-host', parseUserAgent: parseUserAgentOnce, now: Date.now() / 1000 };
    const items: IngestItem[] = [];
    for (const raw of body) {
      const r = normalizeHeartbeat(raw, ctx);
      if (!r.ok) throw new Error(`bench heartbeat refused: ${JSON.stringify(r)}`);
      items.push({ heartbeat: r.heartbeat, hash: heartbeatHash(userId, r.heartbeat) });
    }
    await writer.submit({ userId, items, ip: '127.0.0.1', timezone: null });
  });
  const s = (performance.now() - t0) / 1000;
  const m = measured();
  await writer.close();
  return { rate: PER_PHASE / s, ...m };
}

async function http(storage: Storage, url: string, keys: Map<number, string>, userIds: number[]): Promise<{ rate: number; p50: number; p99: number; failures: number } & Measured> {
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'warn', PORT: '0' });
  const app = await buildApp({ config, storage, logger: { level: 'warn' } });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const time = phaseTimes(2);
  const bodies: { auth: string; body: string }[] = [];
  for (let b = 0; b < PER_PHASE / BATCH; b++) {
    const userId = userIds[b % userIds.length]!;
    const batch = [];
    for (let k = 0; k < BATCH; k++) {
      const seq = Math.floor(b / userIds.length) * BATCH + k;
      batch.push(wireHeartbeat(seq, time(userId, seq)));
    }
    bodies.push({ auth: `Basic ${Buffer.from(keys.get(userId)!).toString('base64')}`, body: JSON.stringify(batch) });
  }
  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'x-machine-name': 'bench-host',
    timezone: 'UTC',
  };
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), {
    workerData: { url: `${address}/api/v1/users/current/heartbeats.bulk`, bodies, clients: CLIENTS, headers },
  });
  // from here: the constructor copied the 4,000 bodies to the load generator on this thread (not serving)
  startMeasuring();
  const result = await new Promise<{ ms: number; failures: number; latencies: number[] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const m = measured();
  await worker.terminate();
  await app.close();
  const lat = result.latencies.sort((a, b) => a - b);
  return { rate: PER_PHASE / (result.ms / 1000), p50: percentile(lat, 50), p99: percentile(lat, 99), failures: result.failures, ...m };
}

async function count(storage: Storage): Promise<number> {
  const r = await storage.db.selectFrom('heartbeats').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

console.log(`bench:ingest — preload ${fmt(PRELOAD)} heartbeats, ${fmt(PER_PHASE)} per phase, ${BATCH} per request, ${CLIENTS} concurrent clients, ${USERS} users`);
for (const dialect of DIALECTS) {
  const db = await benchDatabase(dialect, 'ingest');
  if (!db) continue;
  const storage = openDatabase(db.url, { sqliteSynchronous: 'FULL', poolSize: 10, sqliteCheckpointer: process.env.BENCH_CHECKPOINTER !== '0' });
  try {
    await migrateToLatest(storage);
    // before/after: the WAL's fsync inside COMMIT on the event loop, as before storage/sqlite-wal-sync.ts
    if (process.env.BENCH_WAL_SYNC === 'inline') delete (storage as { sqlite?: unknown }).sqlite;
    const keys = new Map<number, string>();
    const userIds: number[] = [];
    for (let u = 0; u < USERS; u++) {
      const user = await insertUser(storage.db, { username: `bench${u}` });
      keys.set(user.id, (await createApiKey(storage.db, user.id, 'bench')).key);
      userIds.push(user.id);
    }
    const preloadS = await preload(storage, userIds);
    console.log(`[${dialect}] preloaded ${fmt(await count(storage))} heartbeats in ${fmt(preloadS, 1)} s (${fmt(PRELOAD / preloadS)} /s in 10k-row transactions)`);
    const d = process.env.BENCH_ONLY === 'http' ? { rate: NaN, commits: 0, perCommit: NaN, cpuUs: NaN, mainUs: NaN } : await direct(storage, userIds);
    const directRate = d.rate;
    console.log(`[${dialect}] storage layer (normalize + hash + HeartbeatWriter, no HTTP): ${fmt(directRate)} heartbeats/s (${fmt(d.commits)} commits, ${fmt(d.perCommit, 1)} requests each, CPU ${fmt(d.cpuUs, 1)} µs/heartbeat, main thread ${fmt(d.mainUs, 1)})`);
    const h = await http(storage, db.url, keys, userIds);
    console.log(`[${dialect}] HTTP heartbeats.bulk: ${fmt(h.rate)} heartbeats/s (${fmt(h.rate / BATCH)} requests/s, p50 ${fmt(h.p50, 1)} ms, p99 ${fmt(h.p99, 1)} ms, non-201: ${h.failures}; ${fmt(h.commits)} commits, ${fmt(h.perCommit, 1)} requests each, CPU ${fmt(h.cpuUs, 1)} µs/heartbeat incl. the load generator, main thread ${fmt(h.mainUs, 1)})`);
    const ratio = h.rate / directRate;
    const target = dialect === 'sqlite' ? `   target ≥ ${RATIO_TARGET} and HTTP ≥ ${fmt(SQLITE_HTTP_FLOOR)}/s (goal ${fmt(SQLITE_HTTP_GOAL)}/s): ${ratio >= RATIO_TARGET && h.rate >= SQLITE_HTTP_FLOOR ? 'meets' : 'MISSES'}` : `   target ≥ ${RATIO_TARGET}: ${ratio >= RATIO_TARGET ? 'meets' : 'MISSES'}`;
    console.log(`[${dialect}] ratio HTTP / storage: ${fmt(ratio, 2)}${target}   (durable: ${dialect === 'sqlite' ? 'synchronous=FULL, WAL' : 'commit before answer'})`);
    // the same ratio in main-thread CPU: what HTTP adds per heartbeat, steady on a busy machine
    console.log(`[${dialect}] main-thread CPU per heartbeat: storage ${fmt(d.mainUs, 1)} µs, HTTP ${fmt(h.mainUs, 1)} µs (ratio ${fmt(d.mainUs / h.mainUs, 2)}; HTTP's own share ${fmt(h.mainUs - d.mainUs, 1)} µs)`);
    const expected = PRELOAD + 2 * PER_PHASE;
    const stored = await count(storage);
    if (stored !== expected) console.log(`[${dialect}] WARNING: ${fmt(stored)} heartbeats stored, expected ${fmt(expected)}`);
  } finally {
    await storage.close();
    await db.drop();
  }
}
