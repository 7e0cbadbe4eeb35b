/** `metronome app create`: registering an OAuth app from the command line (the real CLI, both databases). */
import { describe, expect, it } from 'vitest';
import { dialects, freshDatabase, uniqueName } from '../helpers/harness.js';
import { runCommand } from '../helpers/process.js';
import { openDatabase } from '../../src/storage/db.js';
import { findOauthAppByClientId } from '../../src/storage/oauth.js';
import { secretMatches } from '../../src/domain/oauth.js';
import { findUserByUsername } from '../../src/storage/users.js';

for (const dialect of dialects()) {
  describe(`metronome app create [${dialect}]`, () => {
    it('registers confidential and public apps for a user and prints their credentials', async () => {
      const db = await freshDatabase(dialect);
      const env = { DATABASE_URL: db.url };
      try {
        const name = uniqueName('cliapp');
        expect((await runCommand(['user', 'create', name], env)).code).toBe(0);

        const created = await runCommand(['app', 'create', name, '--name', 'My Dashboard', '--redirect-uri', 'https://dash.example/cb', '--redirect-uri', 'myapp://cb', '--json'], env);
        expect(created.code, created.stderr).toBe(0);
        const json = JSON.parse(created.stdout) as Record<string, unknown>;
        expect(Object.keys(json).sort()).toEqual(['client_id', 'client_secret', 'id', 'is_public', 'name', 'redirect_uris']);
        expect(json).toMatchObject({ name: 'My Dashboard', redirect_uris: ['https://dash.example/cb', 'myapp://cb'], is_public: false });
        expect(json.client_secret).toMatch(/^waka_sec_[A-Za-z0-9_-]{43}$/);
        expect(json.id).toMatch(/^[0-9a-f-]{36}$/);

        const pub = await runCommand(['app', 'create', name, '--name', 'CLI tool', '--redirect-uri', 'http://127.0.0.1:9999/cb', '--public'], env);
        expect(pub.code, pub.stderr).toBe(0);
        expect(pub.stdout).toMatch(/client_id = \S+/);
        expect(pub.stdout).toMatch(/client_secret = \(none: public app, use PKCE\)/);
        const publicClientId = /client_id = (\S+)/.exec(pub.stdout)![1]!;

        const badUri = await runCommand(['app', 'create', name, '--name', 'Bad', '--redirect-uri', 'https://x.example/cb#frag'], env);
        expect(badUri.code).toBe(2);
        expect(badUri.stderr).toMatch(/redirect-uri.*fragment/);
        expect((await runCommand(['app', 'create', 'nobody-here', '--name', 'X', '--redirect-uri', 'https://x.example/cb'], env)).code).toBe(2);

        const storage = openDatabase(db.url);
        try {
          const user = await findUserByUsername(storage.db, name);
          const app = await findOauthAppByClientId(storage.db, json.client_id as string);
          expect(app?.user_id).toBe(user!.id);
          // stored hashed only
          expect(app?.client_secret_hash).not.toContain('waka_sec_');
          expect(secretMatches(json.client_secret as string, app!.client_secret_hash)).toBe(true);
          const publicApp = await findOauthAppByClientId(storage.db, publicClientId);
          expect(publicApp).toMatchObject({ is_public: 1, client_secret_hash: null, name: 'CLI tool' });
          const count = await storage.db.selectFrom('oauth_apps').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
          expect(Number(count.n)).toBe(2);
        } finally {
          await storage.close();
        }
      } finally {
        await db.drop();
      }
    });
  });
}
