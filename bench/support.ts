/** Shared pieces of the benchmarks: databases to run on, realistic heartbeats, percentiles. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { DateTime } from 'luxon';
import type { Dialect, Storage } from '../src/storage/db.js';
import { heartbeatHash, type Heartbeat } from '../src/domain/heartbeat.js';
import { insertHeartbeats, type NewHeartbeatRow } from '../src/storage/heartbeats.js';
import type { ChildJob } from './load-process.js';
import type { LoadResult } from './load-worker.mjs';

export const PG_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export async function benchDatabase(dialect: Dialect, name: string): Promise<{ url: string; drop(): Promise<void> } | null> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `metronome-${name}-`));
    return { url: path.join(dir, 'bench.sqlite'), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (err) {
    console.log(`PostgreSQL unreachable at ${PG_URL} (${(err as Error).message}): skipped`);
    return null;
  }
  const db = `metronome_bench_${name}_${process.pid}`;
  await admin.query(`drop database if exists ${db} with (force)`);
  await admin.query(`create database ${db}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${db}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${db} with (force)`);
      await c.end();
    },
  };
}

const LANGS = ['TypeScript', 'Python', 'Go', 'Rust', 'Markdown', 'JSON', 'SQL', 'Other'];
export const PROJECTS = ['metronome', 'website', 'infra', 'notes', 'api-gateway', 'mobile-app'];
const BRANCHES = ['main', 'develop', 'feature/login', 'fix/timeouts'];
const DEPS = [['react', 'react-dom'], ['fastify', 'kysely'], [], ['numpy'], ['tokio', 'serde']];

/** A heartbeat as an editor plugin would send it (the JSON body form). */
export function wireHeartbeat(seq: number, time: number): Record<string, unknown> {
  const project = PROJECTS[seq % PROJECTS.length]!;
  return {
    entity: `/home/dev/src/${project}/src/module${seq % 37}/file${seq % 211}.ts`,
    type: 'file',
    category: seq % 11 === 0 ? 'debugging' : 'coding',
    time,
    project,
    project_root_count: 4,
    branch: BRANCHES[seq % BRANCHES.length],
    language: LANGS[seq % LANGS.length],
    dependencies: DEPS[seq % DEPS.length],
    lines: 200 + (seq % 900),
    lineno: 1 + (seq % 199),
    cursorpos: 1 + (seq % 80),
    is_write: seq % 4 === 0,
    user_agent: 'wakatime/v1.102.1 (linux-6.5.0-1024-oem-x86_64) go1.21.6 vscode/1.86.1 vscode-wakatime/24.4.0',
  };
}

const MAIN_LANGUAGE = ['TypeScript', 'TypeScript', 'Go', 'Markdown', 'Rust', 'Python'];

/**
 * A heartbeat of a working history (bench:stats' seeded years), shaped as editors send them: one
 * project for a stretch of 200 heartbeats (~25 minutes at one every 8 s), one branch for 400, one
 * file for 12, drawn from the ~40 a day touches in a project (the set moves from day to day);
 * a file keeps its language (mostly its project's), its category and the project's dependencies.
 * `wireHeartbeat` instead changes every field on every heartbeat: every project, file, branch and
 * language combination, the most distinct rows an ingest path can be given.
 */
export function historyHeartbeat(seq: number, time: number): Record<string, unknown> {
  const p = (Math.floor(seq / 200) * 5) % PROJECTS.length;
  const block = Math.floor(seq / 12);
  const file = (block * 7 + Math.floor(seq / 2800) * 3) % 211;
  return {
    ...wireHeartbeat(seq, time),
    entity: `/home/dev/src/${PROJECTS[p]}/src/module${file % 37}/file${file}.ts`,
    category: block % 11 === 0 ? 'debugging' : 'coding',
    project: PROJECTS[p],
    branch: BRANCHES[Math.floor(seq / 400) % BRANCHES.length],
    language: file % 9 === 0 ? 'Markdown' : file % 13 === 0 ? 'SQL' : MAIN_LANGUAGE[p],
    dependencies: DEPS[p % DEPS.length],
  };
}

/** The same heartbeat after normalization (what storage keeps). */
export function storedHeartbeat(seq: number, time: number, machine = 'bench-host', shape = wireHeartbeat): Heartbeat {
  const w = shape(seq, time);
  return {
    time,
    entity: w.entity as string,
    type: 'file',
    category: w.category as string,
    project: w.project as string,
    project_root_count: 4,
    branch: w.branch as string,
    language: w.language as string,
    dependencies: w.dependencies as string[],
    lines: w.lines as number,
    line_additions: null,
    line_deletions: null,
    lineno: w.lineno as number,
    cursorpos: w.cursorpos as number,
    is_write: w.is_write as boolean,
    ai_line_changes: null,
    human_line_changes: null,
    user_agent: w.user_agent as string,
    editor: 'VS Code',
    operating_system: 'Linux',
    plugin: 'vscode-wakatime/24.4.0',
    machine,
    extra: null,
  };
}

/** A normalized heartbeat as a heartbeats row of `userId` (hashed as ingest hashes it). */
export function heartbeatRow(userId: number, h: Heartbeat, createdAt = Date.now() / 1000): NewHeartbeatRow {
  return {
    user_id: userId, time: h.time, hash: heartbeatHash(userId, h), entity: h.entity, type: h.type, category: h.category, project: h.project,
    project_root_count: h.project_root_count, branch: h.branch, language: h.language,
    dependencies: h.dependencies.length ? JSON.stringify(h.dependencies) : null, lines: h.lines, line_additions: null,
    line_deletions: null, lineno: h.lineno, cursorpos: h.cursorpos, is_write: h.is_write ? 1 : 0, ai_line_changes: null,
    human_line_changes: null, user_agent_id: null, editor: h.editor, operating_system: h.operating_system,
    machine_name_id: null, machine: h.machine, extra: null, created_at: createdAt,
  };
}

/**
 * A user's history, straight into storage: for every local day from `first` to `last`, the
 * heartbeats `dayHeartbeats(day, seqStart, now)` gives (seq numbers `seqPerDay` apart from day to
 * day), 20,000 rows per transaction. Returns how many were stored.
 */
export async function seedDays(
  storage: Storage,
  userId: number,
  range: { first: DateTime; last: DateTime; seqPerDay: number; now: number; shape?: (seq: number, time: number) => Record<string, unknown> },
  dayHeartbeats: (day: DateTime, seqStart: number, now: number) => { time: number; seq: number }[],
): Promise<number> {
  let rows: NewHeartbeatRow[] = [];
  let total = 0;
  let seq = 0;
  const flush = async () => {
    await storage.db.transaction().execute((tx) => insertHeartbeats(tx, rows));
    total += rows.length;
    rows = [];
  };
  for (let d = range.first; d <= range.last; d = d.plus({ days: 1 })) {
    for (const { time, seq: s } of dayHeartbeats(d, seq, range.now)) {
      rows.push(heartbeatRow(userId, storedHeartbeat(s, time, 'bench-host', range.shape), range.now));
      if (rows.length >= 20_000) await flush();
    }
    seq += range.seqPerDay;
  }
  await flush();
  return total;
}

/**
 * Starts bench/load-process.ts (under tsx) with a job: `started` resolves when its requests begin
 * (after the process started and built them), `done` with its result; `stop()` ends it early (its
 * result is then never reported).
 */
export function loadInChild(job: ChildJob): { started: Promise<void>; done: Promise<LoadResult>; stop(): void } {
  const child = fork(fileURLToPath(new URL('./load-process.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], serialization: 'advanced' });
  let stopped = false;
  let onStarted = () => {};
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  const done = new Promise<LoadResult>((resolve, reject) => {
    child.on('message', (m: { type: 'started' } | { type: 'done'; result: LoadResult }) => {
      if (m.type === 'started') onStarted();
      else resolve(m.result);
    });
    child.once('exit', (code) => {
      if (!stopped) reject(new Error(`load generator exited with ${code} before reporting`));
    });
    child.once('error', reject);
  });
  done.catch(() => undefined);
  child.send(job);
  return {
    started: Promise.race([started, done.then(() => undefined)]),
    done,
    stop() {
      stopped = true;
      child.kill('SIGKILL');
    },
  };
}

/**
 * GET `paths` (one request each) against `url` from `clients` concurrent clients (bench/load-worker.mjs,
 * in a child process): latency p50 and p99 (ms), failures.
 */
export async function timeRequests(url: string, auth: string, paths: string[], clients: number): Promise<{ p50: number; p99: number; failures: number }> {
  const r = await loadInChild({ requests: { url, method: 'GET', expect: 200, bodies: paths.map((path) => ({ auth, path })), clients, headers: {} } }).done;
  const lat = r.latencies.sort((a, b) => a - b);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), failures: r.failures };
}

/**
 * Watches the event loop: `stop()` gives the longest gap between ticks of a 5 ms interval, i.e. the
 * longest any request could have waited for the loop meanwhile (monitorEventLoopDelay missed a
 * single 6.7 s block here).
 */
export function watchStalls(): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(longest, performance.now() - last);
    },
  };
}

/** `work` on every item, from `clients` concurrent loops that each take the next item when done. */
export async function eachConcurrently<T>(items: readonly T[], clients: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        await work(items[i]!);
      }
    }),
  );
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
