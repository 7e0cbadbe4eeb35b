/**
 * npm run bench:transfer — data transfer figures beside their targets, per database:
 *
 * - export: a `heartbeats` data dump of BENCH_EXPORT heartbeats (default 3,000,000) — heartbeats/s
 *   and the process's peak RSS while exporting (target: growth under 150 MB, whatever the size);
 * - import from that dump file (the CLI's path: stream-parsed, through ingest) — heartbeats/s and
 *   peak RSS (BENCH_IMPORT of them, default 1,000,000; the file holds the first BENCH_IMPORT);
 * - import from another instance (a second Metronome on HTTP, day by day) — heartbeats/s
 *   (BENCH_REMOTE heartbeats, default 100,000);
 * - relay: ingest through the HeartbeatWriter (16 concurrent clients, 25 per batch) with every user
 *   relaying to a second instance versus no relay (target ≥ 0.9×; three alternating rounds each,
 *   medians compared), and the relay's delivery
 *   throughput (heartbeats/s until the outbox is empty).
 *
 * Knobs: BENCH_EXPORT, BENCH_IMPORT, BENCH_REMOTE, BENCH_RELAY (60,000 per mode, in three rounds),
 * BENCH_DIALECTS (sqlite,postgres). Figures from a shared machine vary: compare ratios, not runs.
 */
import fs from 'node:fs';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { heartbeatHash } from '../src/domain/heartbeat.js';
import { openDatabase, type Dialect, type Storage } from '../src/storage/db.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { createAccount } from '../src/services/accounts.js';
import { insertHeartbeats, type NewHeartbeatRow } from '../src/storage/heartbeats.js';
import { createServices } from '../src/services/index.js';
import { InProcessJobRunner } from '../src/services/jobs.js';
import type { IngestItem } from '../src/services/ingest.js';
import { benchDatabase, eachConcurrently, fmt, heartbeatRow, storedHeartbeat } from './support.js';

const EXPORT = Number(process.env.BENCH_EXPORT ?? 3_000_000);
const IMPORT = Math.min(EXPORT, Number(process.env.BENCH_IMPORT ?? 1_000_000));
const REMOTE = Number(process.env.BENCH_REMOTE ?? 100_000);
const RELAY = Number(process.env.BENCH_RELAY ?? 60_000);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
const CLIENTS = 16;
const BATCH = 25;
const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;

// a full GC before a measured phase, so its RSS starts from what is live (tsx passes no --expose-gc)
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Peak RSS while `fn` runs (sampled every 20 ms), from a full GC. */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number; startMb: number }> {
  gc();
  const startMb = process.memoryUsage().rss / 2 ** 20;
  let peak = startMb;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss / 2 ** 20)), 20);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss / 2 ** 20);
    return { value, peakMb: peak, startMb };
  } finally {
    clearInterval(timer);
  }
}

function row(uid: number, seq: number, time: number): NewHeartbeatRow {
  return heartbeatRow(uid, storedHeartbeat(seq, time, seq % 3 === 0 ? 'laptop' : 'desktop'));
}

/** n heartbeats for a user, the j-th at `time(j)` (default 30 s apart from 2019 on), straight into storage: seeding, not measured. */
async function seed(storage: Storage, uid: number, n: number, time = (j: number) => Date.UTC(2019, 0, 1) / 1000 + j * 30): Promise<void> {
  for (let i = 0; i < n; i += 10_000) {
    const rows: NewHeartbeatRow[] = [];
    for (let j = i; j < Math.min(n, i + 10_000); j++) rows.push(row(uid, j, time(j)));
    await storage.db.transaction().execute((tx) => insertHeartbeats(tx, rows));
  }
}

async function count(storage: Storage, uid: number): Promise<number> {
  return Number((await storage.db.selectFrom('heartbeats').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', uid).executeTakeFirstOrThrow()).n);
}

async function instance(dialect: Dialect, name: string, env: Record<string, string> = {}): Promise<{ app: App; storage: Storage; url: string; close(): Promise<void> } | null> {
  const db = await benchDatabase(dialect, name);
  if (!db) return null;
  const storage = openDatabase(db.url, { sqliteSynchronous: 'NORMAL', poolSize: 8 });
  await migrateToLatest(storage);
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', SQLITE_SYNCHRONOUS: 'NORMAL', BASE_URL: `http://127.0.0.1:${port}`, ...env });
  const app = await buildApp({ config, storage, logger: false });
  await app.listen({ port, host: '127.0.0.1' });
  return { app, storage, url: `http://127.0.0.1:${port}`, close: async () => { await app.close(); await storage.close(); await db.drop(); } };
}

async function exportAndImport(dialect: Dialect): Promise<void> {
  const a = await instance(dialect, 'transfer_a');
  if (!a) return;
  try {
    const { user } = await createAccount(a.storage, { username: 'exporter', email: null, password: null });
    let t0 = performance.now();
    await seed(a.storage, user.id, EXPORT);
    console.log(`  seeded ${fmt(EXPORT)} heartbeats in ${fmt((performance.now() - t0) / 1000, 1)} s`);

    // export: the job's work, timed, with the process's peak RSS
    const dumps = a.app.ctx.services.dataDumps;
    const d = await dumps.create(user, 'heartbeats', false);
    t0 = performance.now();
    const exp = await peakRss(() => dumps.generate(d.id, new AbortController().signal));
    const exportS = (performance.now() - t0) / 1000;
    const done = (await dumps.list(user.id)).find((x) => x.id === d.id)!;
    if (done.status !== 'completed') throw new Error(`export ${done.status}: ${done.error}`);
    console.log(`  export:  ${fmt(EXPORT / exportS)} heartbeats/s (${fmt(exportS, 1)} s, ${fmt(done.bytes / 2 ** 20, 1)} MB gzip), peak RSS ${fmt(exp.peakMb)} MB (from ${fmt(exp.startMb)} MB)   target: growth < 150 MB whatever the size`);

    // the file (first IMPORT heartbeats only when smaller: a second, shorter export)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metronome-transfer-'));
    const file = path.join(dir, 'heartbeats.json.gz');
    let source = done;
    if (IMPORT < EXPORT) {
      const { user: small } = await createAccount(a.storage, { username: 'small', email: null, password: null });
      await seed(a.storage, small.id, IMPORT);
      const s = await dumps.create(small, 'heartbeats', false);
      await dumps.generate(s.id, new AbortController().signal);
      source = (await dumps.list(small.id))[0]!;
    }
    await pipeline(dumps.stream(source), fs.createWriteStream(file));

    // import from the file, into a fresh user, through ingest (the CLI's path)
    const { user: target } = await createAccount(a.storage, { username: 'importer', email: null, password: null });
    const imports = a.app.ctx.services.imports;
    const imp = await imports.create(target.id, { type: 'file' }, { localFile: file });
    t0 = performance.now();
    const run = await peakRss(() => imports.run(imp.id, { localFile: file }));
    const importS = (performance.now() - t0) / 1000;
    const stored = await count(a.storage, target.id);
    console.log(`  import (file): ${fmt(IMPORT / importS)} heartbeats/s (${fmt(importS, 1)} s, ${fmt(stored)} stored, status ${run.value?.status}), peak RSS ${fmt(run.peakMb)} MB (from ${fmt(run.startMb)} MB)   target: growth < 150 MB whatever the size`);
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    await a.close();
  }
}

async function remoteImport(dialect: Dialect): Promise<void> {
  const a = await instance(dialect, 'transfer_ra');
  const b = a && (await instance(dialect, 'transfer_rb'));
  if (!a || !b) return void (await a?.close());
  try {
    const { user: remote, apiKey } = await createAccount(b.storage, { username: 'remote', email: null, password: null });
    // REMOTE heartbeats over the last days (dense: ~2,000 a day)
    const days = Math.max(1, Math.ceil(REMOTE / 2000));
    const start = Math.floor(Date.now() / 1000 / 86400 - days - 1) * 86400;
    await seed(b.storage, remote.id, REMOTE, (j) => start + (j * days * 86400) / REMOTE);
    await b.storage.db.updateTable('users').set({ timezone: 'UTC', created_at: start - 86400 }).where('id', '=', remote.id).execute();
    const { user } = await createAccount(a.storage, { username: 'local', email: null, password: null });
    const imports = a.app.ctx.services.imports;
    const imp = await imports.create(user.id, { type: 'server', url: b.url, api_key: apiKey, method: 'days' });
    const t0 = performance.now();
    const end = await imports.run(imp.id, { takeOver: true });
    const s = (performance.now() - t0) / 1000;
    console.log(`  import (another instance, day by day): ${fmt(REMOTE / s)} heartbeats/s (${fmt(s, 1)} s, ${days} days, ${fmt(Number(end?.imported))} imported, status ${end?.status})`);
  } finally {
    await b.close();
    await a.close();
  }
}

async function relay(dialect: Dialect): Promise<void> {
  const a = await instance(dialect, 'transfer_la');
  const b = a && (await instance(dialect, 'transfer_lb'));
  if (!a || !b) return void (await a?.close());
  try {
    // the writer and hooks of a full service set, jobs not started (delivery is run by hand below)
    const jobs = new InProcessJobRunner(log);
    const services = createServices({ config: a.app.ctx.config, storage: a.storage, log, jobs });
    const users: { id: number }[] = [];
    for (let u = 0; u < 20; u++) users.push((await createAccount(a.storage, { username: `r${u}`, email: null, password: null })).user);
    const { apiKey } = await createAccount(b.storage, { username: 'sink', email: null, password: null });
    const phase = async (n: number, base: number) => {
      const batches: { userId: number; items: IngestItem[] }[] = [];
      for (let k = 0; k < n / BATCH; k++) {
        const uid = users[k % users.length]!.id;
        const items: IngestItem[] = [];
        for (let j = 0; j < BATCH; j++) {
          const seq = k * BATCH + j;
          const h = storedHeartbeat(seq, base + seq * 2);
          items.push({ heartbeat: h, hash: heartbeatHash(uid, h) });
        }
        batches.push({ userId: uid, items });
      }
      const t0 = performance.now();
      await eachConcurrently(batches, CLIENTS, (batch) => services.heartbeats.submit({ ...batch, ip: null, timezone: null }));
      return n / ((performance.now() - t0) / 1000);
    };
    const base = Date.UTC(2025, 0, 1) / 1000;
    await phase(2000, base - 100_000); // warm-up
    for (const u of users) await services.relay.create(u.id, { url: b.url, api_key: apiKey });
    const setRelay = (on: boolean) => a.storage.db.updateTable('relay_targets').set({ enabled: on ? 1 : 0 }).execute();
    // alternating rounds (off, on, off, on …): a shared machine's drift hits both alike; medians compared
    const offs: number[] = [];
    const ons: number[] = [];
    for (let round = 0; round < 6; round++) {
      const on = round % 2 === 1;
      await setRelay(on);
      (on ? ons : offs).push(await phase(RELAY / 3, base + (round + 1) * 1_000_000));
    }
    await setRelay(true);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const off = median(offs);
    const on = median(ons);
    console.log(`  ingest, relay off: ${fmt(off)} heartbeats/s (${offs.map((x) => fmt(x)).join(', ')}); relay on: ${fmt(on)} heartbeats/s (${ons.map((x) => fmt(x)).join(', ')}) = ${fmt(on / off, 2)}×   target: ≥ 0.90×`);
    const t0 = performance.now();
    await services.relay.deliver();
    const s = (performance.now() - t0) / 1000;
    const delivered = Number((await a.storage.db.selectFrom('relay_targets').select((eb) => eb.fn.sum<number>('delivered').as('n')).executeTakeFirstOrThrow()).n);
    console.log(`  relay delivery: ${fmt(delivered / s)} heartbeats/s (${fmt(delivered)} to another instance in ${fmt(s, 1)} s)`);
    await services.close();
  } finally {
    await b.close();
    await a.close();
  }
}

for (const dialect of DIALECTS) {
  console.log(`\n[${dialect}] export ${fmt(EXPORT)}, import ${fmt(IMPORT)}, remote ${fmt(REMOTE)}, relay ${fmt(RELAY)} per phase`);
  await exportAndImport(dialect);
  await remoteImport(dialect);
  await relay(dialect);
}
