/** Share links (badges and embeds): rows by owner, by token hash, revocation. */
import type { Selectable } from 'kysely';
import type { DB } from './db.js';
import type { ShareLinksTable } from './schema.js';
import type { UserRow } from './users.js';

export type ShareLinkRow = Selectable<ShareLinksTable>;

export async function insertShareLink(db: DB, row: Omit<ShareLinkRow, 'id' | 'last_used_at' | 'revoked_at'>): Promise<ShareLinkRow> {
  return db.insertInto('share_links').values({ ...row, last_used_at: null, revoked_at: null }).returningAll().executeTakeFirstOrThrow();
}

/** A user's live links, newest first. */
export async function listShareLinks(db: DB, userId: number): Promise<ShareLinkRow[]> {
  return db.selectFrom('share_links').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export async function countShareLinks(db: DB, userId: number): Promise<number> {
  const row = await db.selectFrom('share_links').select((eb) => eb.fn.countAll<string | number>().as('n')).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The live link with this token hash and its owner (none when the owner's account is disabled). */
export async function findShareLink(db: DB, tokenHash: string): Promise<{ link: ShareLinkRow; user: UserRow } | undefined> {
  const link = await db.selectFrom('share_links').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
  if (!link) return undefined;
  const user = await db.selectFrom('users').selectAll().where('id', '=', link.user_id).executeTakeFirst();
  // a disabled account's links stop working like its other credentials
  return user && user.disabled_at == null ? { link, user } : undefined;
}

/** Revokes one of the user's links by its public id; false when there is no such live link. */
export async function revokeShareLink(db: DB, userId: number, uuid: string, now: number): Promise<boolean> {
  const r = await db.updateTable('share_links').set({ revoked_at: now }).where('user_id', '=', userId).where('uuid', '=', uuid).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function touchShareLink(db: DB, id: number, now: number): Promise<void> {
  await db.updateTable('share_links').set({ last_used_at: now }).where('id', '=', id).execute();
}
