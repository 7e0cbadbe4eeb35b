/** Password reset tokens and per-user e-mail preferences (migration 040_goals). */
import { createHash } from 'node:crypto';
import type { DB } from './db.js';

export function hashResetToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function insertPasswordReset(db: DB, row: { token: string; userId: number; now: number; expiresAt: number }): Promise<void> {
  await db.insertInto('password_resets').values({ token_hash: hashResetToken(row.token), user_id: row.userId, created_at: row.now, expires_at: row.expiresAt, used_at: null }).execute();
}

export async function resetsSince(db: DB, userId: number, since: number): Promise<number> {
  const r = await db.selectFrom('password_resets').select((eb) => eb.fn.countAll<string | number>().as('n')).where('user_id', '=', userId).where('created_at', '>=', since).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Spends a reset token: true for exactly one caller, and only while it is unused and unexpired
 * (a conditional update, so two concurrent uses cannot both pass). Returns the user id.
 */
export async function spendPasswordReset(db: DB, token: string, now: number): Promise<number | null> {
  const row = await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('token_hash', '=', hashResetToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/** After a reset: every other outstanding token of the user is void. */
export async function deletePasswordResets(db: DB, userId: number): Promise<void> {
  await db.deleteFrom('password_resets').where('user_id', '=', userId).execute();
}

export async function deleteExpiredPasswordResets(db: DB, before: number): Promise<void> {
  await db.deleteFrom('password_resets').where('expires_at', '<', before).execute();
}

export async function mailPreferences(db: DB, userId: number): Promise<{ weekly_summary: boolean }> {
  const row = await db.selectFrom('mail_preferences').select('weekly_summary').where('user_id', '=', userId).executeTakeFirst();
  return { weekly_summary: row ? !!row.weekly_summary : true };
}

export async function setMailPreferences(db: DB, userId: number, prefs: { weekly_summary: boolean }, now: number): Promise<void> {
  const v = prefs.weekly_summary ? 1 : 0;
  await db
    .insertInto('mail_preferences')
    .values({ user_id: userId, weekly_summary: v, last_summary_key: null, modified_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ weekly_summary: v, modified_at: now }))
    .execute();
}

/**
 * Claims the weekly summary of `key` (a week) for a user: true for exactly one caller across
 * instances, never when the user turned the summary off.
 */
export async function claimWeeklySummary(db: DB, userId: number, key: string, now: number): Promise<{ claimed: boolean; previous: string | null }> {
  const before = await db.selectFrom('mail_preferences').select(['weekly_summary', 'last_summary_key']).where('user_id', '=', userId).executeTakeFirst();
  if (before && (!before.weekly_summary || before.last_summary_key === key)) return { claimed: false, previous: before.last_summary_key };
  if (!before) {
    const r = await db.insertInto('mail_preferences').values({ user_id: userId, weekly_summary: 1, last_summary_key: key, modified_at: now }).onConflict((oc) => oc.column('user_id').doNothing()).executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 1) return { claimed: true, previous: null };
    return claimWeeklySummary(db, userId, key, now);
  }
  const r = await db
    .updateTable('mail_preferences')
    .set({ last_summary_key: key })
    .where('user_id', '=', userId)
    .where('weekly_summary', '=', 1)
    .where((eb) => (before.last_summary_key === null ? eb('last_summary_key', 'is', null) : eb('last_summary_key', '=', before.last_summary_key)))
    .executeTakeFirst();
  return { claimed: Number(r.numUpdatedRows) === 1, previous: before.last_summary_key };
}

export async function releaseWeeklySummary(db: DB, userId: number, key: string, previous: string | null): Promise<void> {
  await db.updateTable('mail_preferences').set({ last_summary_key: previous }).where('user_id', '=', userId).where('last_summary_key', '=', key).execute();
}

/** Users with an e-mail address and activity since `since`, by id after `afterId` (a page). */
export async function activeUsersWithEmail(db: DB, since: number, afterId: number, limit: number) {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', 'is not', null)
    .where('last_heartbeat_at', '>=', since)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}
