/**
 * SQLite WAL checkpoints on a worker thread of their own, off the event loop.
 *
 * In WAL mode a commit appends pages to the `-wal` file; a checkpoint copies them back into the
 * database file and fsyncs it. By default the connection that commits runs that checkpoint
 * itself, synchronously, whenever the WAL holds 1000 pages: under ingest load every few group
 * commits stalled the event loop for a page copy and an fsync of the database file (about 2-4 µs
 * of main-thread CPU per heartbeat in bench:ingest, plus the wait for the disk).
 *
 * Here a worker thread with its own connection to the same file runs PASSIVE checkpoints (they
 * never block readers or writers, and never wait for a lock) every CHECKPOINT_EVERY_MS while the
 * data changed (`PRAGMA data_version`). The main connection keeps an automatic checkpoint at a
 * much larger WAL (SAFETY_NET_PAGES) in case the worker falls behind, and goes back to SQLite's
 * default (1000 pages) if the worker fails. Durability is unchanged: every commit still syncs the
 * WAL per the connection's `synchronous`; the worker's connection uses the same `synchronous`, so
 * its checkpoints sync the database file before the WAL is reused (SQLite's own rules).
 *
 * The worker is plain JavaScript evaluated from a string (no TypeScript loader needed in tests,
 * under tsx or from the build) and unref'd: it never keeps the process alive.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** How often the worker looks for new commits to checkpoint. */
export const CHECKPOINT_EVERY_MS = 100;
/** The main connection's own automatic checkpoint while the worker runs: a safety net only. */
export const SAFETY_NET_PAGES = 16384;
/** SQLite's default automatic checkpoint, restored when the worker fails. */
const SQLITE_DEFAULT_PAGES = 1000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('wal_autocheckpoint = 0');
let seen = -1;
let timer = null;
function tick() {
  timer = null;
  try {
    const version = db.pragma('data_version', { simple: true });
    if (version !== seen) {
      seen = version;
      db.pragma('wal_checkpoint(PASSIVE)');
    }
  } catch (err) {
    // a busy or locked database is retried at the next tick; anything else ends the worker
    if (!/^SQLITE_(BUSY|LOCKED)/.test(String(err && err.code))) throw err;
  }
  timer = setTimeout(tick, workerData.everyMs);
}
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  if (timer) clearTimeout(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } finally { db.close(); parentPort.close(); }
});
tick();
`;

export interface Checkpointer {
  /** Runs a last checkpoint, closes the worker's connection and ends the worker. */
  close(): Promise<void>;
}

/**
 * Starts the checkpointing worker for an open WAL-mode database file, or returns null when the
 * database has no WAL (in memory). `onError` hears why the worker stopped (the main connection
 * then checkpoints itself again).
 */
export function startCheckpointer(
  database: BetterSqlite3.Database,
  file: string,
  synchronous: 'FULL' | 'NORMAL',
  onError: (err: Error) => void = () => {},
): Checkpointer | null {
  if (database.memory || String(database.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null;
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, file, synchronous, everyMs: CHECKPOINT_EVERY_MS } });
  worker.unref();
  database.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.once('error', (err) => {
    if (database.open) database.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
    onError(err);
  });
  void exit.then(() => {
    exited = true;
  });
  return {
    async close() {
      if (exited) return;
      worker.postMessage('close');
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}
