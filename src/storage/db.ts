/**
 * Opens the database behind every storage module: SQLite (default, WAL) or PostgreSQL.
 * All queries go through the same Kysely code path; only DDL in migrations may branch on dialect.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { startCheckpointer } from './sqlite-checkpointer.js';

export type Dialect = 'sqlite' | 'postgres';
export type DB = Kysely<Database>;

export interface Storage {
  db: DB;
  dialect: Dialect;
  /** Human-readable description of where the data lives (no password). */
  location: string;
  /** SQLite only: the database file (null in memory) and the configured `synchronous`. */
  sqlite?: { file: string | null; synchronous: 'FULL' | 'NORMAL' };
  close(): Promise<void>;
}

export interface OpenOptions {
  /** SQLite `synchronous` pragma (default FULL). */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** SQLite: checkpoint the WAL on a worker thread (default true; storage/sqlite-checkpointer.ts). */
  sqliteCheckpointer?: boolean;
}

// int8 (bigint, count(*)) as JS numbers: every value we store fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric (sum() over bigint) as JS numbers.
pg.types.setTypeParser(1700, (v) => Number(v));

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function sqlitePath(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/i, '');
}

export function openDatabase(url: string, options: OpenOptions = {}): Storage {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
    // An idle client's error (e.g. the server restarting) must not crash the process.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const u = new URL(url);
    return {
      db,
      dialect: 'postgres',
      location: `postgres://${u.host}${u.pathname}`,
      close: () => db.destroy(),
    };
  }
  const file = sqlitePath(url);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.sqliteSynchronous ?? 'FULL'}`);
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // 16 MB of page cache: the pages are kept once read, and more held the server above its 300 MB
  // target after bench:stats (3-year user: 64 MB 327 MB RSS, 32 MB 305-306); the OS caches the
  // file beneath it, so a page SQLite dropped costs a read() from memory
  database.pragma('cache_size = -16384');
  database.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  // WAL checkpoints on a worker thread, not in the middle of a commit on the event loop
  const checkpointer = options.sqliteCheckpointer === false ? null : startCheckpointer(database, path.resolve(file), options.sqliteSynchronous ?? 'FULL');
  return {
    db,
    dialect: 'sqlite',
    location: path.resolve(file),
    sqlite: { file: database.memory ? null : path.resolve(file), synchronous: options.sqliteSynchronous ?? 'FULL' },
    close: async () => {
      await checkpointer?.close();
      await db.destroy();
    },
  };
}

/**
 * Kysely prepares every query anew; preparing is a large share of a small write's cost in
 * SQLite. Queries repeat the same SQL text (only parameters change), so keep prepared statements
 * in a bounded cache keyed by their text, least recently used out first. Bounded by their SQL's
 * length too: a prepared statement holds ~40 bytes of native memory per character of SQL (a
 * 450-row insert of 9 columns, 0.4 MB), and multi-row writes of every row count (rollup rebuilds'
 * last chunks, IN lists) filled 500 entries with megabytes each after bench:stats.
 */
const STATEMENTS_KEPT = 500;
const STATEMENT_CHARS_KEPT = 400_000;

function withStatementCache(database: BetterSqlite3.Database): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  let chars = 0;
  return new Proxy(database, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return (sqlText: string) => {
        let stmt = cache.get(sqlText);
        if (stmt) {
          // most recently used last
          cache.delete(sqlText);
          cache.set(sqlText, stmt);
          return stmt;
        }
        stmt = target.prepare(sqlText);
        // a statement longer than the whole budget is prepared for this use only
        if (sqlText.length > STATEMENT_CHARS_KEPT) return stmt;
        cache.set(sqlText, stmt);
        chars += sqlText.length;
        for (const old of cache.keys()) {
          if (cache.size <= STATEMENTS_KEPT && chars <= STATEMENT_CHARS_KEPT) break;
          cache.delete(old);
          chars -= old.length;
        }
        return stmt;
      };
    },
  });
}

/** A cheap round trip, for /healthz. */
export async function ping(storage: Storage): Promise<void> {
  await sql`select 1`.execute(storage.db);
}
