/**
 * Runs a block of tests against SQLite and against PostgreSQL, each on a fresh, migrated
 * database with the app built on it.
 *
 *   describeEachDatabase('heartbeats', (t) => {
 *     it('stores', async () => {
 *       const { apiKey } = await t.createUser();
 *       const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(apiKey) });
 *     });
 *   });
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Dialect, type Storage } from '../../src/storage/db.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createAccount } from '../../src/services/accounts.js';
import type { UserRow } from '../../src/storage/users.js';

export interface TestContext {
  dialect: Dialect;
  app: App;
  storage: Storage;
  config: Config;
  /** The database URL this context runs on (to start a second server on the same data). */
  databaseUrl: string;
  createUser(opts?: { username?: string; email?: string; password?: string }): Promise<{ user: UserRow; apiKey: string }>;
  auth(apiKey: string): Record<string, string>;
}

let counter = 0;
export function uniqueName(prefix = 'u'): string {
  return `${prefix}${process.pid}x${++counter}x${randomBytes(3).toString('hex')}`;
}

/** A fresh database: a temporary SQLite file, or a new PostgreSQL database. */
export async function freshDatabase(dialect: Dialect): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metronome-test-'));
    return { url: path.join(dir, 'test.sqlite'), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const adminUrl = inject('pgUrl');
  if (!adminUrl) throw new Error('PostgreSQL is not available');
  const name = `metronome_t_${uniqueName('').replace(/x/g, '_')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export function testConfig(databaseUrl: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', SQLITE_SYNCHRONOUS: 'NORMAL', BASE_URL: 'http://metronome.test', ...env });
}

export function basicAuth(apiKey: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(apiKey).toString('base64')}` };
}

export function dialects(): Dialect[] {
  return inject('pgUrl') ? ['sqlite', 'postgres'] : ['sqlite'];
}

export function describeEachDatabase(title: string, body: (t: TestContext) => void, options: { env?: Record<string, string> | (() => Record<string, string>) } = {}): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const skip = dialect === 'postgres' && !inject('pgUrl');
    describe.skipIf(skip)(`${title} [${dialect}]`, () => {
      const t = { dialect } as TestContext;
      let drop: (() => Promise<void>) | undefined;
      beforeAll(async () => {
        const fresh = await freshDatabase(dialect);
        drop = fresh.drop;
        t.databaseUrl = fresh.url;
        t.config = testConfig(fresh.url, typeof options.env === 'function' ? options.env() : options.env);
        t.storage = openDatabase(fresh.url, { sqliteSynchronous: 'NORMAL', poolSize: 5 });
        await migrateToLatest(t.storage);
        t.app = await buildApp({ config: t.config, storage: t.storage, logger: false });
        await t.app.ready();
        t.createUser = (opts = {}) => createAccount(t.storage, { username: opts.username ?? uniqueName(), email: opts.email ?? null, password: opts.password ?? null });
        t.auth = basicAuth;
      });
      afterAll(async () => {
        await t.app?.close();
        await t.storage?.close();
        await drop?.();
      });
      body(t);
    });
  }
}
