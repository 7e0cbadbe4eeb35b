import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dialects, freshDatabase, testConfig, uniqueName } from '../helpers/harness.js';
import { webLogin } from '../helpers/web.js';
import { buildApp } from '../../src/app.js';
import { runCommand } from '../helpers/process.js';
import { openDatabase } from '../../src/storage/db.js';
import { findUserByUsername } from '../../src/storage/users.js';
import { verifyPassword } from '../../src/domain/password.js';
import { findUserByApiKey } from '../../src/storage/api-keys.js';

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

    it('gives a user made without a password one with user set-password, so they can log in to the web app', async () => {
      const db = await freshDatabase(dialect);
      const env = { DATABASE_URL: db.url };
      try {
        const name = uniqueName('pw');
        const created = await runCommand(['user', 'create', name], env);
        expect(created.code, created.stderr).toBe(0);
        // the output says how to get a web password
        expect(created.stdout).toContain(`metronome user set-password ${name} --password-stdin`);

        const missingFlag = await runCommand(['user', 'set-password', name], env, 'a long enough password\n');
        expect(missingFlag.code).toBe(2);
        expect(missingFlag.stderr).toMatch(/--password-stdin/);
        const short = await runCommand(['user', 'set-password', name, '--password-stdin'], env, 'short\n');
        expect(short.code).toBe(2);
        expect(short.stderr).toMatch(/password: Must be 8/);
        const nobody = await runCommand(['user', 'set-password', 'nobody-here', '--password-stdin'], env, 'a long enough password\n');
        expect(nobody.code).toBe(2);

        const set = await runCommand(['user', 'set-password', name, '--password-stdin'], env, 'a long enough password\n');
        expect(set.code, set.stderr).toBe(0);
        expect(set.stdout).toMatch(/password set/);

        const storage = openDatabase(db.url);
        const app = await buildApp({ config: testConfig(db.url), storage, logger: false });
        try {
          const session = await webLogin(app, name, 'a long enough password');
          const me = await app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { cookie: session.cookie } });
          expect(me.json().data.username).toBe(name);
          // a new password ends the browser sessions made with the old one
          const again = await runCommand(['user', 'set-password', name, '--password-stdin'], env, 'another long password\n');
          expect(again.code, again.stderr).toBe(0);
          const after = await app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { cookie: session.cookie } });
          expect(after.statusCode).toBe(401);
          await expect(webLogin(app, name, 'a long enough password')).rejects.toThrow(/401/);
          await webLogin(app, name, 'another long password');
        } finally {
          await app.close();
          await storage.close();
        }
      } finally {
        await db.drop();
      }
    });
  });
}
