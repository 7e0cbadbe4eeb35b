/**
 * Durable SQLite transactions whose disk flush does not block the event loop.
 *
 * With `synchronous=FULL` SQLite fsyncs the WAL inside COMMIT, on the calling thread: for
 * better-sqlite3 that is the event loop, stopped for as long as the disk takes (0.1 ms on a quiet
 * SSD, 5-10 ms on a busy or networked disk) on every group commit. `durableTransaction` runs the
 * transaction with `synchronous=NORMAL` (the WAL frames are written, not flushed), puts the
 * connection back to its configured level before anyone else can use it, releases it, and then
 * flushes the WAL file with fdatasync on libuv's thread pool. It resolves only after that flush:
 * what the caller acknowledges afterwards is as durable as with FULL, and meanwhile the event loop
 * parses the next requests and the connection serves reads.
 *
 * Why that is as safe as FULL: in WAL mode a commit appends its frames to the `-wal` file; once
 * they are on disk the commit survives power loss. A checkpoint (storage/sqlite-checkpointer.ts,
 * or the connection's own) syncs the WAL before copying it into the database file and the
 * database file before the WAL is reused, at any `synchronous` above OFF. The directory holding
 * the WAL is synced once, as SQLite does for a new WAL file under FULL.
 *
 * PostgreSQL, in-memory SQLite and `synchronous=NORMAL` get a plain transaction.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql, type Transaction } from 'kysely';
import type { Storage } from './db.js';
import type { Database } from './schema.js';

/** How the WAL is flushed (replaceable in tests, to watch when a transaction resolves). */
export const walSync = {
  async fdatasync(file: string): Promise<void> {
    const handle = await fs.open(file, 'r');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  },
};

const syncedDirectories = new Set<string>();

async function syncDirectoryOnce(dir: string): Promise<void> {
  if (syncedDirectories.has(dir)) return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  syncedDirectories.add(dir);
}

/**
 * One transaction, durable when it resolves (per the storage's configured `synchronous`), with
 * SQLite's disk flush off the event loop. A failed flush rejects (the data may be committed but
 * not durable: the caller must not acknowledge it; a retried heartbeat is deduplicated).
 */
export async function durableTransaction<T>(storage: Storage, work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  const sqlite = storage.sqlite;
  if (!sqlite || sqlite.synchronous !== 'FULL' || sqlite.file === null) return storage.db.transaction().execute(work);
  const result = await storage.db.connection().execute(async (conn) => {
    await sql`pragma synchronous = NORMAL`.execute(conn);
    try {
      return await conn.transaction().execute(work);
    } finally {
      await sql`pragma synchronous = FULL`.execute(conn);
    }
  });
  const wal = `${sqlite.file}-wal`;
  await syncDirectoryOnce(path.dirname(wal));
  await walSync.fdatasync(wal);
  return result;
}
