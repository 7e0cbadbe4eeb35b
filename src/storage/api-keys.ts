/** Named API keys: several per user, stored hashed, revocable. */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../domain/api-key.js';
import type { DB } from './db.js';
import type { ApiKeysTable, UsersTable } from './schema.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

/** Creates a key and returns it in clear text: the only time anyone sees it. */
export async function createApiKey(db: DB, userId: number, name: string, now = Date.now() / 1000): Promise<{ key: string; row: ApiKeyRow }> {
  const key = generateApiKey();
  const row = await db
    .insertInto('api_keys')
    .values({
      uuid: randomUUID(),
      user_id: userId,
      name,
      key_hash: hashApiKey(key),
      key_prefix: apiKeyPrefix(key),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { key, row };
}

export async function listApiKeys(db: DB, userId: number): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('id').execute();
}

export async function revokeApiKey(db: DB, userId: number, uuid: string, now = Date.now() / 1000): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('uuid', '=', uuid)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Revokes every active key of a user (used by `user api-key --rotate`). */
export async function revokeAllApiKeys(db: DB, userId: number, now = Date.now() / 1000): Promise<number> {
  const r = await db.updateTable('api_keys').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The user owning an active key, or undefined. */
export async function findUserByApiKey(db: DB, key: string): Promise<{ user: Selectable<UsersTable>; keyId: number } | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.user_id')
    .selectAll('users')
    .select('api_keys.id as api_key_id')
    .where('api_keys.key_hash', '=', hashApiKey(key))
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { api_key_id, ...user } = row;
  return { user, keyId: api_key_id };
}

/**
 * Records that a key was used: sets `last_used_at` unless it was set less than `minInterval`
 * seconds ago (so several instances never write more than that either). True when it wrote.
 */
export async function touchApiKey(db: DB, keyId: number, now = Date.now() / 1000, minInterval = 60): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ last_used_at: now })
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', now - minInterval)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
