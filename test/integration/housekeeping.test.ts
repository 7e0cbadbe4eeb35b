/** Housekeeping deletes what outlived every use, and nothing that is still alive. */
import { expect, it } from 'vitest';
import { CODE_KEPT_AFTER_EXPIRY_S, Housekeeping, TOKEN_KEPT_AFTER_END_S } from '../../src/services/housekeeping.js';
import { LOGIN_WINDOW_SECONDS } from '../../src/domain/throttle.js';
import { createAuthorizationCode, createOauthApp } from '../../src/storage/oauth.js';
import { issueTokens } from '../../src/services/oauth.js';
import { insertSession, recordLoginFailure } from '../../src/storage/sessions.js';
import { describeEachDatabase } from '../helpers/harness.js';

describeEachDatabase('housekeeping', (t) => {
  it('deletes expired sessions, old failed logins, long-expired codes and long-dead tokens only', async () => {
    const db = t.storage.db;
    const { user } = await t.createUser();
    const now = Date.now() / 1000;
    const day = 86400;
    await insertSession(db, { token: 'expired', userId: user.id, now: now - 40 * day, expiresAt: now - 1, ip: null, userAgent: null });
    await insertSession(db, { token: 'live', userId: user.id, now, expiresAt: now + day, ip: null, userAgent: null });
    await recordLoginFailure(db, ['user:old'], now - LOGIN_WINDOW_SECONDS - 10);
    await recordLoginFailure(db, ['user:recent'], now - 10);

    const { app } = await createOauthApp(db, { userId: user.id, name: 'hk', redirectUris: ['https://a.example/cb'], isPublic: false });
    const code = (ttlAgo: number) =>
      createAuthorizationCode(db, { appId: app.id, userId: user.id, redirectUri: 'https://a.example/cb', scopes: [], codeChallenge: null, codeChallengeMethod: null, ttl: 600 }, now - ttlAgo);
    await code(CODE_KEPT_AFTER_EXPIRY_S + 700); // expired more than a day ago
    await code(700); // expired a moment ago: kept, so a late second use still revokes its tokens
    const issue = (at: number) => db.transaction().execute((tx) => issueTokens(tx, { appId: app.id, userId: user.id, scopes: [], flow: 'token' }, at));
    const longExpired = await issue(now - TOKEN_KEPT_AFTER_END_S - day); // 12-hour token, expired a month ago
    const longRevoked = await issue(now - 3 * 3600);
    await db.updateTable('oauth_tokens').set({ revoked_at: now - TOKEN_KEPT_AFTER_END_S - 5 }).where('id', '=', longRevoked.row.id).execute();
    const recentlyRevoked = await issue(now - 2 * 3600);
    await db.updateTable('oauth_tokens').set({ revoked_at: now - day }).where('id', '=', recentlyRevoked.row.id).execute();
    const live = await issue(now - 3600);

    const hk = new Housekeeping(t.storage, { now: () => now * 1000 });
    await hk.sweep();

    expect((await db.selectFrom('sessions').select('user_id').execute()).length).toBe(1);
    expect((await db.selectFrom('login_failures').select('key').execute()).map((r) => r.key)).toEqual(['user:recent']);
    expect((await db.selectFrom('oauth_codes').select('id').execute()).length).toBe(1);
    const tokens = (await db.selectFrom('oauth_tokens').select('id').orderBy('id').execute()).map((r) => r.id);
    expect(tokens).toEqual([recentlyRevoked.row.id, live.row.id]);
    expect(tokens).not.toContain(longExpired.row.id);
  });
});
