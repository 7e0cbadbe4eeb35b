/**
 * OAuth 2.0 provider storage: apps, grants (what a user approved for an app), authorization codes
 * and tokens. Secrets are stored as sha256 hex only (domain/oauth.ts hashSecret). Times are epoch
 * seconds.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import {
  generateAccessToken,
  generateAuthorizationCode,
  generateClientId,
  generateClientSecret,
  generateRefreshToken,
  hashSecret,
  LAST_USED_RESOLUTION_S,
  storeScopes,
  tokenLifetime,
  type TokenFlow,
} from '../domain/oauth.js';
import type { DB } from './db.js';
import type { OauthAppsTable, OauthCodesTable, OauthGrantsTable, OauthTokensTable } from './schema.js';
import type { UserRow } from './users.js';

export type OauthAppRow = Selectable<OauthAppsTable>;
export type OauthGrantRow = Selectable<OauthGrantsTable>;
export type OauthCodeRow = Selectable<OauthCodesTable>;
export type OauthTokenRow = Selectable<OauthTokensTable>;

const nowS = () => Date.now() / 1000;

// ---------------------------------------------------------------- apps

export function appRedirectUris(app: Pick<OauthAppRow, 'redirect_uris'>): string[] {
  const v = JSON.parse(app.redirect_uris) as unknown;
  return Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string') : [];
}

/** Registers an app; returns its client secret in clear text (null for public apps): the only time anyone sees it. */
export async function createOauthApp(
  db: DB,
  input: { userId: number; name: string; redirectUris: string[]; isPublic: boolean },
  now = nowS(),
): Promise<{ app: OauthAppRow; clientSecret: string | null }> {
  const clientSecret = input.isPublic ? null : generateClientSecret();
  const app = await db
    .insertInto('oauth_apps')
    .values({
      uuid: randomUUID(),
      user_id: input.userId,
      name: input.name,
      client_id: generateClientId(),
      client_secret_hash: clientSecret ? hashSecret(clientSecret) : null,
      is_public: input.isPublic ? 1 : 0,
      redirect_uris: JSON.stringify(input.redirectUris),
      created_at: now,
      modified_at: null,
      secret_rotated_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { app, clientSecret };
}

export async function listOauthApps(db: DB, userId: number): Promise<OauthAppRow[]> {
  return db.selectFrom('oauth_apps').selectAll().where('user_id', '=', userId).orderBy('id').execute();
}

/** An app by its public id, only when `userId` owns it. */
export async function findOwnedOauthApp(db: DB, userId: number, uuid: string): Promise<OauthAppRow | undefined> {
  return db.selectFrom('oauth_apps').selectAll().where('user_id', '=', userId).where('uuid', '=', uuid).executeTakeFirst();
}

export async function findOauthAppByClientId(db: DB, clientId: string): Promise<OauthAppRow | undefined> {
  return db.selectFrom('oauth_apps').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

export async function findOauthAppById(db: DB, id: number): Promise<OauthAppRow | undefined> {
  return db.selectFrom('oauth_apps').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateOauthApp(db: DB, id: number, patch: { name?: string; redirectUris?: string[] }, now = nowS()): Promise<OauthAppRow> {
  return db
    .updateTable('oauth_apps')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.redirectUris !== undefined ? { redirect_uris: JSON.stringify(patch.redirectUris) } : {}),
      modified_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * A new client secret: the old one stops working, and every token and unused code the app holds is
 * revoked (a leaked secret must not leave live credentials behind).
 */
export async function rotateOauthAppSecret(db: DB, id: number, now = nowS()): Promise<{ app: OauthAppRow; clientSecret: string }> {
  const clientSecret = generateClientSecret();
  return db.transaction().execute(async (tx) => {
    const app = await tx
      .updateTable('oauth_apps')
      .set({ client_secret_hash: hashSecret(clientSecret), secret_rotated_at: now, modified_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await revokeAppTokens(tx, id, now);
    await tx.deleteFrom('oauth_codes').where('app_id', '=', id).execute();
    return { app, clientSecret };
  });
}

/** Deletes an app with its grants, codes and tokens. */
export async function deleteOauthApp(db: DB, id: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('oauth_tokens').where('app_id', '=', id).execute();
    await tx.deleteFrom('oauth_codes').where('app_id', '=', id).execute();
    await tx.deleteFrom('oauth_grants').where('app_id', '=', id).execute();
    await tx.deleteFrom('oauth_apps').where('id', '=', id).execute();
  });
}

// ---------------------------------------------------------------- grants

export async function findGrant(db: DB, appId: number, userId: number): Promise<OauthGrantRow | undefined> {
  return db.selectFrom('oauth_grants').selectAll().where('app_id', '=', appId).where('user_id', '=', userId).executeTakeFirst();
}

/** Records what the user approved: the scopes are stored as given (the caller merges with earlier ones). */
export async function saveGrant(db: DB, appId: number, userId: number, scopes: readonly string[], now = nowS()): Promise<void> {
  const stored = storeScopes(scopes);
  await db
    .insertInto('oauth_grants')
    .values({ uuid: randomUUID(), app_id: appId, user_id: userId, scopes: stored, created_at: now, modified_at: now })
    .onConflict((oc) => oc.columns(['app_id', 'user_id']).doUpdateSet({ scopes: stored, modified_at: now }))
    .execute();
}

export interface AuthorizedAppRow {
  grant: OauthGrantRow;
  clientId: string;
  appName: string;
  activeTokens: number;
  lastUsedAt: number | null;
}

/** The apps a user authorized, newest grant first, with their active token counts. */
export async function listAuthorizedApps(db: DB, userId: number, now = nowS()): Promise<AuthorizedAppRow[]> {
  const grants = await db
    .selectFrom('oauth_grants')
    .innerJoin('oauth_apps', 'oauth_apps.id', 'oauth_grants.app_id')
    .selectAll('oauth_grants')
    .select(['oauth_apps.client_id as client_id', 'oauth_apps.name as app_name'])
    .where('oauth_grants.user_id', '=', userId)
    .orderBy('oauth_grants.modified_at', 'desc')
    .orderBy('oauth_grants.id', 'desc')
    .execute();
  const used = await db
    .selectFrom('oauth_tokens')
    .select((eb) => ['app_id', eb.fn.max('last_used_at').as('last_used_at')])
    .where('user_id', '=', userId)
    .groupBy('app_id')
    .execute();
  const active = await db
    .selectFrom('oauth_tokens')
    .select((eb) => ['app_id', eb.fn.countAll<number>().as('n')])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .groupBy('app_id')
    .execute();
  const lastUsed = new Map(used.map((s) => [s.app_id, s.last_used_at as number | null]));
  const activeByApp = new Map(active.map((s) => [s.app_id, Number(s.n)]));
  return grants.map(({ client_id, app_name, ...grant }) => ({
    grant,
    clientId: client_id,
    appName: app_name,
    activeTokens: activeByApp.get(grant.app_id) ?? 0,
    lastUsedAt: lastUsed.get(grant.app_id) ?? null,
  }));
}

/** Deletes a user's grant (by its public id) and revokes every token of that app for the user. */
export async function revokeGrant(db: DB, userId: number, grantUuid: string, now = nowS()): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const grant = await tx.selectFrom('oauth_grants').selectAll().where('user_id', '=', userId).where('uuid', '=', grantUuid).executeTakeFirst();
    if (!grant) return false;
    await revokeUserAppTokens(tx, grant.app_id, userId, now);
    await tx.deleteFrom('oauth_codes').where('app_id', '=', grant.app_id).where('user_id', '=', userId).execute();
    await tx.deleteFrom('oauth_grants').where('id', '=', grant.id).execute();
    return true;
  });
}

// ---------------------------------------------------------------- codes

export async function createAuthorizationCode(
  db: DB,
  input: {
    appId: number;
    userId: number;
    redirectUri: string;
    /** Whether the authorize request carried redirect_uri (then the token request must repeat it); default true. */
    redirectUriRequired?: boolean;
    scopes: readonly string[];
    codeChallenge?: string | null;
    codeChallengeMethod?: string | null;
    ttl: number;
  },
  now = nowS(),
): Promise<string> {
  const code = generateAuthorizationCode();
  await db
    .insertInto('oauth_codes')
    .values({
      code_hash: hashSecret(code),
      app_id: input.appId,
      user_id: input.userId,
      redirect_uri: input.redirectUri,
      redirect_uri_required: input.redirectUriRequired === false ? 0 : 1,
      scopes: storeScopes(input.scopes),
      code_challenge: input.codeChallenge ?? null,
      code_challenge_method: input.codeChallenge ? (input.codeChallengeMethod ?? 'plain') : null,
      created_at: now,
      expires_at: now + input.ttl,
      used_at: null,
    })
    .execute();
  return code;
}

export async function findAuthorizationCode(db: DB, code: string): Promise<OauthCodeRow | undefined> {
  return db.selectFrom('oauth_codes').selectAll().where('code_hash', '=', hashSecret(code)).executeTakeFirst();
}

/** Marks a code used; false when it already was (a replay). Atomic: of two racing uses, one wins. */
export async function markCodeUsed(db: DB, codeId: number, now = nowS()): Promise<boolean> {
  const r = await db.updateTable('oauth_codes').set({ used_at: now }).where('id', '=', codeId).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Removes codes that expired before `olderThan` (kept a while after expiry so that a replay still revokes its tokens). */
export async function deleteExpiredCodes(db: DB, olderThan: number): Promise<void> {
  await db.deleteFrom('oauth_codes').where('expires_at', '<', olderThan).execute();
}

// ---------------------------------------------------------------- tokens

export interface IssuedTokens {
  row: OauthTokenRow;
  accessToken: string;
  refreshToken: string | null;
}

/**
 * Serializes token issues for one user on both databases: writes the user's row (a no-op update),
 * which holds its row lock until the transaction ends. Call first in the issuing transaction.
 */
export async function lockUserForTokenIssue(tx: DB, userId: number): Promise<void> {
  await tx.updateTable('users').set((eb) => ({ keystroke_timeout: eb.ref('keystroke_timeout') })).where('id', '=', userId).execute();
}

/** When the user's tokens created after `since` were created (any app, any state). */
export async function tokenCreationTimesSince(db: DB, userId: number, since: number): Promise<number[]> {
  const rows = await db.selectFrom('oauth_tokens').select('created_at').where('user_id', '=', userId).where('created_at', '>', since).execute();
  return rows.map((r) => r.created_at);
}

/** The ids of the user's active tokens for an app, oldest first. */
export async function activeAppTokenIds(db: DB, appId: number, userId: number, now: number): Promise<number[]> {
  const rows = await db
    .selectFrom('oauth_tokens')
    .select('id')
    .where('app_id', '=', appId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function revokeTokenIds(db: DB, ids: readonly number[], now: number): Promise<void> {
  if (ids.length) await db.updateTable('oauth_tokens').set({ revoked_at: now }).where('id', 'in', ids).execute();
}

/** Stores a new token (and, for the code flow, its refresh token); returns them in clear text, once. */
export async function insertToken(
  db: DB,
  input: { appId: number; userId: number; scopes: readonly string[]; flow: TokenFlow; codeId?: number | null },
  now = nowS(),
): Promise<IssuedTokens> {
  const accessToken = generateAccessToken();
  const refreshToken = input.flow === 'code' ? generateRefreshToken() : null;
  const row = await db
    .insertInto('oauth_tokens')
    .values({
      uuid: randomUUID(),
      app_id: input.appId,
      user_id: input.userId,
      access_hash: hashSecret(accessToken),
      refresh_hash: refreshToken ? hashSecret(refreshToken) : null,
      scopes: storeScopes(input.scopes),
      flow: input.flow,
      code_id: input.codeId ?? null,
      created_at: now,
      expires_at: now + tokenLifetime(input.flow),
      last_used_at: null,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, accessToken, refreshToken };
}

/** An active (not revoked, not expired) access token with its user. */
export async function findActiveAccessToken(db: DB, accessToken: string, now = nowS()): Promise<{ token: OauthTokenRow; user: UserRow } | undefined> {
  const token = await db
    .selectFrom('oauth_tokens')
    .selectAll()
    .where('access_hash', '=', hashSecret(accessToken))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!token) return undefined;
  const user = await db.selectFrom('users').selectAll().where('id', '=', token.user_id).executeTakeFirst();
  return user ? { token, user } : undefined;
}

/** Records a use, at most once per LAST_USED_RESOLUTION_S (callers skip the write when recent). */
export async function touchToken(db: DB, token: Pick<OauthTokenRow, 'id' | 'last_used_at'>, now = nowS()): Promise<void> {
  if (token.last_used_at !== null && now - token.last_used_at < LAST_USED_RESOLUTION_S) return;
  await db.updateTable('oauth_tokens').set({ last_used_at: now }).where('id', '=', token.id).execute();
}

/** A token of an app by its access or refresh token, whatever its state (revoked, expired). */
export async function findAppToken(db: DB, appId: number, token: string): Promise<OauthTokenRow | undefined> {
  const h = hashSecret(token);
  return db
    .selectFrom('oauth_tokens')
    .selectAll()
    .where('app_id', '=', appId)
    .where((eb) => eb.or([eb('access_hash', '=', h), eb('refresh_hash', '=', h)]))
    .executeTakeFirst();
}

/** A token row by its refresh token, whatever its state. */
export async function findByRefreshToken(db: DB, appId: number, refreshToken: string): Promise<OauthTokenRow | undefined> {
  return db.selectFrom('oauth_tokens').selectAll().where('app_id', '=', appId).where('refresh_hash', '=', hashSecret(refreshToken)).executeTakeFirst();
}

/** Revokes one token row (its access and refresh token together). */
export async function revokeToken(db: DB, id: number, now = nowS()): Promise<boolean> {
  const r = await db.updateTable('oauth_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function revokeUserAppTokens(db: DB, appId: number, userId: number, now = nowS()): Promise<number> {
  const r = await db
    .updateTable('oauth_tokens')
    .set({ revoked_at: now })
    .where('app_id', '=', appId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function revokeAppTokens(db: DB, appId: number, now = nowS()): Promise<number> {
  const r = await db.updateTable('oauth_tokens').set({ revoked_at: now }).where('app_id', '=', appId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Revokes every token issued from an authorization code (and their refreshed successors). */
export async function revokeCodeTokens(db: DB, codeId: number, now = nowS()): Promise<number> {
  const r = await db.updateTable('oauth_tokens').set({ revoked_at: now }).where('code_id', '=', codeId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Deletes tokens that expired, or were revoked, before `before`. */
export async function deleteDeadTokens(db: DB, before: number): Promise<void> {
  await db
    .deleteFrom('oauth_tokens')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .execute();
}

/** For tests and maintenance: sets a token's expiry. */
export async function setTokenExpiry(db: DB, id: number, expiresAt: number): Promise<void> {
  await db.updateTable('oauth_tokens').set({ expires_at: expiresAt }).where('id', '=', id).execute();
}

/** Tokens of a user for an app, oldest first (any state). */
export async function listUserAppTokens(db: DB, appId: number, userId: number): Promise<OauthTokenRow[]> {
  return db.selectFrom('oauth_tokens').selectAll().where('app_id', '=', appId).where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
}
