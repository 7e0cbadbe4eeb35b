/**
 * The write path's storage plumbing: SQLite WAL checkpoints run on a worker thread
 * (storage/sqlite-checkpointer.ts), not inside a group commit on the event loop, and with
 * synchronous=FULL a group commit's WAL flush runs on the thread pool (storage/sqlite-wal-sync.ts)
 * while the heartbeats are acknowledged only after it. On both
 * databases: a storage opened, written through the HeartbeatWriter, closed and opened again has
 * every heartbeat; on SQLite, the WAL reaches the database file without the committing
 * connection checkpointing, and close() ends the worker's connection first (the last connection
 * to close removes the WAL).
 */
import fs from 'node:fs';
import pino from 'pino';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { heartbeatHash, normalizeHeartbeat } from '../../src/domain/heartbeat.js';
import { parseUserAgentOnce } from '../../src/domain/user-agent.js';
import { HeartbeatWriter, type IngestItem } from '../../src/services/ingest.js';
import { openDatabase } from '../../src/storage/db.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { insertUser } from '../../src/storage/users.js';
import { SAFETY_NET_PAGES } from '../../src/storage/sqlite-checkpointer.js';
import { walSync } from '../../src/storage/sqlite-wal-sync.js';
import { dialects, freshDatabase } from '../helpers/harness.js';

const BATCHES = 80;
const PER_BATCH = 50;

function batch(userId: number, b: number): IngestItem[] {
  const ctx = { userAgent: 'wakatime/v1.102.1 (linux-6.5.0-x86_64) go1.21.6 vscode/1.86.1 vscode-wakatime/24.4.0', machine: 'ckpt', parseUserAgent: parseUserAgentOnce, now: Date.now() / 1000 };
  const items: IngestItem[] = [];
  for (let k = 0; k < PER_BATCH; k++) {
    const n = b * PER_BATCH + k;
    const r = normalizeHeartbeat(
      { entity: `/src/project/${'x'.repeat(200)}/file${n}.ts`, type: 'file', time: 1_700_000_000 + n * 7, project: `p${n % 5}`, language: 'TypeScript', branch: 'main', lines: n },
      ctx,
    );
    if (!r.ok) throw new Error(JSON.stringify(r));
    items.push({ heartbeat: r.heartbeat, hash: heartbeatHash(userId, r.heartbeat) });
  }
  return items;
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

for (const dialect of dialects()) {
  describe(`ingest storage: WAL checkpoints off the event loop [${dialect}]`, () => {
    it('keeps every committed heartbeat across close and reopen; on SQLite the worker moves the WAL into the database file and exits before the main connection closes', async () => {
      const fresh = await freshDatabase(dialect);
      try {
        const storage = openDatabase(fresh.url, { sqliteSynchronous: 'NORMAL', poolSize: 3 });
        await migrateToLatest(storage);
        const user = await insertUser(storage.db, { username: 'ckpt' });
        const before = dialect === 'sqlite' ? fs.statSync(fresh.url).size : 0;
        if (dialect === 'sqlite') {
          // the committing connection only checkpoints as a safety net, far above SQLite's 1000 pages
          const auto = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(storage.db);
          expect(auto.rows[0]!.wal_autocheckpoint).toBe(SAFETY_NET_PAGES);
        }
        const writer = new HeartbeatWriter(storage, pino({ level: 'silent' }));
        const failures = await Promise.all(Array.from({ length: BATCHES }, (_, b) => writer.submit({ userId: user.id, items: batch(user.id, b), ip: null, timezone: null })));
        expect(failures.flat()).toEqual([]);
        await writer.close();
        if (dialect === 'sqlite') {
          // ~4000 rows of ~300 bytes: a WAL of well under 1000 pages, which SQLite's own automatic
          // checkpoint would leave alone; the worker copies it into the database file anyway
          expect(await waitFor(() => fs.statSync(fresh.url).size >= before + 1_000_000, 5000)).toBe(true);
        }
        await storage.close();
        if (dialect === 'sqlite') expect(fs.existsSync(`${fresh.url}-wal`)).toBe(false);

        const again = openDatabase(fresh.url, { poolSize: 2 });
        try {
          const n = await again.db.selectFrom('heartbeats').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', user.id).executeTakeFirstOrThrow();
          expect(Number(n.n)).toBe(BATCHES * PER_BATCH);
        } finally {
          await again.close();
        }
      } finally {
        await fresh.drop();
      }
    }, 30_000);

    it('acknowledges a group commit only after the WAL is flushed (SQLite, synchronous=FULL: off the event loop), and leaves the connection at FULL', async () => {
      const fresh = await freshDatabase(dialect);
      const flushed: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const original = walSync.fdatasync;
      walSync.fdatasync = async (file) => {
        flushed.push(file);
        await gate;
        return original(file);
      };
      try {
        const storage = openDatabase(fresh.url, { sqliteSynchronous: 'FULL', poolSize: 3 });
        try {
          await migrateToLatest(storage);
          const user = await insertUser(storage.db, { username: 'durable' });
          const writer = new HeartbeatWriter(storage, pino({ level: 'silent' }));
          let acknowledged = false;
          const submitted = writer.submit({ userId: user.id, items: batch(user.id, 0), ip: null, timezone: null }).then((f) => {
            acknowledged = true;
            return f;
          });
          if (dialect === 'sqlite') {
            // committed, but not yet on disk: not acknowledged, and the event loop is free meanwhile
            expect(await waitFor(() => flushed.length > 0, 5000)).toBe(true);
            await new Promise((r) => setTimeout(r, 50));
            expect(acknowledged).toBe(false);
            expect(flushed[0]).toBe(`${fresh.url}-wal`);
            // other work on the connection goes on meanwhile, at the configured FULL
            const level = await sql<{ synchronous: number }>`pragma synchronous`.execute(storage.db);
            expect(level.rows[0]!.synchronous).toBe(2);
          }
          release();
          expect(await submitted).toEqual([]);
          expect(acknowledged).toBe(true);
          await writer.close();
          const n = await storage.db.selectFrom('heartbeats').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', user.id).executeTakeFirstOrThrow();
          expect(Number(n.n)).toBe(PER_BATCH);
          // PostgreSQL's commit is durable when it returns: nothing to flush here
          expect(flushed.length > 0).toBe(dialect === 'sqlite');
        } finally {
          release();
          await storage.close();
        }
      } finally {
        walSync.fdatasync = original;
        await fresh.drop();
      }
    }, 30_000);
  });
}
