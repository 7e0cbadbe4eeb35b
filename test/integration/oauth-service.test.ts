/** services/oauth.ts: the protocol speaks domain errors; the token issuing policy lives in domain/oauth.ts. */
import { describe, expect, it } from 'vitest';
import { RateLimitedError, UnauthorizedError } from '../../src/domain/errors.js';
import { MAX_ACTIVE_TOKENS_PER_APP_USER, MAX_NEW_TOKENS_PER_USER_PER_HOUR, OAuthProtocolError, planTokenIssue } from '../../src/domain/oauth.js';
import { issueTokens, OAuthService } from '../../src/services/oauth.js';
import { createOauthApp } from '../../src/storage/oauth.js';
import { describeEachDatabase } from '../helpers/harness.js';

describe('token issuing policy', () => {
  const now = 100_000;
  it('refuses while the user got the hourly maximum, saying when a slot frees', () => {
    const created = Array.from({ length: MAX_NEW_TOKENS_PER_USER_PER_HOUR }, (_, i) => now - 3000 + i);
    expect(planTokenIssue(created, [], now)).toEqual({ kind: 'rate_limited', retryAfter: 600 });
    // a token older than the hour does not count
    expect(planTokenIssue([now - 4000, ...created.slice(1)], [], now)).toEqual({ kind: 'issue', revoke: [] });
  });
  it('revokes the oldest active tokens of the app beyond the limit', () => {
    const active = Array.from({ length: MAX_ACTIVE_TOKENS_PER_APP_USER }, (_, i) => i + 1);
    expect(planTokenIssue([], active, now)).toEqual({ kind: 'issue', revoke: [1] });
    expect(planTokenIssue([], active.slice(0, MAX_ACTIVE_TOKENS_PER_APP_USER - 1), now)).toEqual({ kind: 'issue', revoke: [] });
  });
});

describeEachDatabase('OAuth service', (t) => {
  it('authenticates clients and tokens with protocol and domain errors, never HTTP ones', async () => {
    const owner = await t.createUser();
    const user = await t.createUser();
    const service = new OAuthService(t.storage);
    const { app, clientSecret } = await createOauthApp(t.storage.db, { userId: owner.user.id, name: 'svc', redirectUris: ['https://svc.example/cb'], isPublic: false });
    await expect(service.authenticateClient({ clientId: app.client_id, secret: 'wrong' })).rejects.toSatisfy((e) => e instanceof OAuthProtocolError && e.code === 'invalid_client');
    await expect(service.authenticateClient({})).rejects.toSatisfy((e) => e instanceof OAuthProtocolError && e.code === 'invalid_client');
    expect((await service.authenticateClient({ clientId: app.client_id, secret: clientSecret! })).id).toBe(app.id);

    const issued = await t.storage.db.transaction().execute((tx) => issueTokens(tx, { appId: app.id, userId: user.user.id, scopes: ['read_stats'], flow: 'code' }));
    const identity = await service.authenticateAccessToken(issued.accessToken);
    expect(identity).toMatchObject({ scopes: ['read_stats'], appId: app.id });
    expect(identity!.user.id).toBe(user.user.id);
    expect(await service.authenticateAccessToken(issued.accessToken, clientSecret!)).not.toBeNull();
    await expect(service.authenticateAccessToken(issued.accessToken, 'waka_sec_other')).rejects.toBeInstanceOf(UnauthorizedError);
    expect(await service.authenticateAccessToken('waka_tok_unknown_unknown_unknown_unknown')).toBeNull();

    await expect(service.refresh(app, { refresh_token: 'nope' })).rejects.toSatisfy((e) => e instanceof OAuthProtocolError && e.code === 'invalid_grant');
    await expect(service.exchangeCode(app, {})).rejects.toSatisfy((e) => e instanceof OAuthProtocolError && e.code === 'invalid_request');
    await expect(service.revoke(app, {})).rejects.toSatisfy((e) => e instanceof OAuthProtocolError && e.code === 'invalid_request');
  });

  it('throws RateLimitedError past the hourly token limit, changing nothing', async () => {
    const owner = await t.createUser();
    const user = await t.createUser();
    const { app } = await createOauthApp(t.storage.db, { userId: owner.user.id, name: 'svc', redirectUris: ['https://svc.example/cb'], isPublic: false });
    const now = Date.now() / 1000;
    for (let i = 0; i < MAX_NEW_TOKENS_PER_USER_PER_HOUR; i++) {
      await t.storage.db.transaction().execute((tx) => issueTokens(tx, { appId: app.id, userId: user.user.id, scopes: [], flow: 'token' }, now - 1800 + i));
    }
    const err = await t.storage.db
      .transaction()
      .execute((tx) => issueTokens(tx, { appId: app.id, userId: user.user.id, scopes: [], flow: 'token' }, now))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterSeconds).toBe(1800);
    const active = await t.storage.db.selectFrom('oauth_tokens').select('id').where('user_id', '=', user.user.id).where('revoked_at', 'is', null).execute();
    expect(active).toHaveLength(MAX_ACTIVE_TOKENS_PER_APP_USER);
  });
});
