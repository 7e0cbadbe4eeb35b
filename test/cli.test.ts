import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dialects, freshDatabase, uniqueName } from './helpers/harness.js';
import { runCommand } from './helpers/process.js';
import { openDatabase } from '../src/storage/db.js';
import { findUserByUsername } from '../src/storage/users.js';
import { verifyPassword } from '../src/domain/password.js';
import { findUserByApiKey } from '../src/storage/api-keys.js';

for (const dialect of dialects()) {
  describe(`metronome CLI [${dialect}]`, () => {
    it('migrates, creates users with keys in the wakatime-cli format, and rotates keys', async () => {
      const db = await freshDatabase(dialect);
      const env = { DATABASE_URL: db.url };
      try {
        const migrate = await runCommand(['migrate'], env);
        expect(migrate.code, migrate.stderr).toBe(0);
        expect(migrate.stdout).toMatch(/001_foundation/);
        if (dialect === 'postgres') {
          // the job queue's schema too, so a deploy may migrate with a role the server lacks
          const c = new pg.Client({ connectionString: db.url });
          await c.connect();
          const { rows } = await c.query<{ t: string | null }>(`select to_regclass('pgboss.job')::text as t`);
          await c.end();
          expect(rows[0]!.t).toBe('pgboss.job');
        }
        expect((await runCommand(['migrate'], env)).stdout).toMatch(/up to date/);

        const name = uniqueName('cli');
        const created = await runCommand(['user', 'create', name, '--email', `${name}@example.com`, '--password-stdin', '--json'], env, 'correct horse battery staple\n');
        expect(created.code, created.stderr).toBe(0);
        const json = JSON.parse(created.stdout) as { id: string; username: string; api_key: string };
        expect(json.username).toBe(name);
        expect(json.api_key).toMatch(/^waka_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(json.id).toMatch(/^[0-9a-f-]{36}$/);

        const dup = await runCommand(['user', 'create', name], env);
        expect(dup.code).toBe(2);
        expect(dup.stderr).toMatch(/taken/);
        const bad = await runCommand(['user', 'create', 'no spaces allowed'], env);
        expect(bad.code).toBe(2);

        const second = JSON.parse((await runCommand(['user', 'api-key', name, '--json'], env)).stdout) as { api_key: string };
        expect(second.api_key).not.toBe(json.api_key);
        const rotated = JSON.parse((await runCommand(['user', 'api-key', name, '--rotate', '--json'], env)).stdout) as { api_key: string; revoked: number };
        expect(rotated.revoked).toBe(2);
        const human = await runCommand(['user', 'api-key', name], env);
        expect(human.stdout).toMatch(/api_key = waka_/);
        expect((await runCommand(['user', 'api-key', 'nobody'], env)).code).toBe(2);

        const storage = openDatabase(db.url);
        try {
          const user = await findUserByUsername(storage.db, name);
          expect(await verifyPassword('correct horse battery staple', user!.password_hash!)).toBe(true);
          expect(await findUserByApiKey(storage.db, json.api_key)).toBeUndefined();
          expect(await findUserByApiKey(storage.db, second.api_key)).toBeUndefined();
          expect((await findUserByApiKey(storage.db, rotated.api_key))?.user.username).toBe(name);
        } finally {
          await storage.close();
        }
      } finally {
        await db.drop();
      }
    });
  });
}
