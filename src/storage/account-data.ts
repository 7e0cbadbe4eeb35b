/**
 * Everything stored about one user, for deleting an account: every table of the application's
 * schema with a `user_id` column (found in the catalog, so tables added by later migrations are
 * included without a list to keep), then the users row (foreign keys cascade from there).
 */
import { sql } from 'kysely';
import type { DB, Storage } from './db.js';

/** The application's tables with a user_id column (pg-boss's own schema excluded). */
export async function tablesWithUserId(storage: Storage, db: DB = storage.db): Promise<string[]> {
  if (storage.dialect === 'postgres') {
    const { rows } = await sql<{ table_name: string }>`
      SELECT c.table_name FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.column_name = 'user_id' AND c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name`.execute(db);
    return rows.map((r) => r.table_name);
  }
  const { rows } = await sql<{ name: string }>`
    SELECT m.name AS name FROM sqlite_master m, pragma_table_info(m.name) p
    WHERE m.type = 'table' AND p.name = 'user_id' ORDER BY m.name`.execute(db);
  return rows.map((r) => r.name);
}

/** Deletes every row of the user in one transaction; false when there was no such user. */
export async function deleteUserData(storage: Storage, userId: number): Promise<boolean> {
  return storage.db.transaction().execute(async (tx) => {
    const tables = await tablesWithUserId(storage, tx);
    // rows that point at rows of the user's (e.g. a grant pointing at the user's OAuth app) go with
    // them through ON DELETE CASCADE; the rest by user_id, then the user row
    for (const table of tables) await sql`DELETE FROM ${sql.table(table)} WHERE user_id = ${userId}`.execute(tx);
    const gone = await tx.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
    return Number(gone.numDeletedRows) > 0;
  });
}

/** Sets a user's password hash and ends their other browser sessions (all but `keepTokenHash`). */
export async function replacePasswordHash(db: DB, userId: number, passwordHash: string, now: number, keepTokenHash: string | null): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ password_hash: passwordHash, modified_at: now }).where('id', '=', userId).execute();
    let q = tx.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepTokenHash) q = q.where('token_hash', '<>', keepTokenHash);
    await q.execute();
  });
}
