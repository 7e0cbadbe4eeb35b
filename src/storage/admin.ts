/** The instance's administration: users with their activity, run-time settings (migration 050). */
import { sql } from 'kysely';
import type { DB } from './db.js';

export interface AdminUserRow {
  id: number;
  uuid: string;
  username: string;
  email: string | null;
  full_name: string | null;
  created_at: number;
  last_heartbeat_at: number | null;
  last_plugin_name: string | null;
  is_admin: number;
  disabled_at: number | null;
  heartbeats: number;
}

/** A page of users (by username, optionally those whose username or e-mail contains `q`), with their heartbeat counts. */
export async function listUsersForAdmin(db: DB, page: { offset: number; limit: number; q?: string }): Promise<{ rows: AdminUserRow[]; total: number }> {
  let base = db.selectFrom('users');
  if (page.q) {
    const like = `%${page.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where((eb) => eb.or([eb(sql<string>`lower(username)`, 'like', sql<string>`${like} escape '\\'`), eb(sql<string>`lower(coalesce(email, ''))`, 'like', sql<string>`${like} escape '\\'`)]));
  }
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const users = await base
    .select(['id', 'uuid', 'username', 'email', 'full_name', 'created_at', 'last_heartbeat_at', 'last_plugin_name', 'is_admin', 'disabled_at'])
    .orderBy(sql`lower(username)`)
    .orderBy('id')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  const counts = new Map<number, number>();
  if (users.length > 0) {
    const rows = await db.selectFrom('heartbeats').select((eb) => ['user_id', eb.fn.countAll<number>().as('n')]).where('user_id', 'in', users.map((u) => u.id)).groupBy('user_id').execute();
    for (const r of rows) counts.set(r.user_id, Number(r.n));
  }
  return { rows: users.map((u) => ({ ...u, heartbeats: counts.get(u.id) ?? 0 })), total };
}

export async function setUserFlags(db: DB, userId: number, patch: { is_admin?: number; disabled_at?: number | null }): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', userId).execute();
}

/** Administrators that are not disabled. */
export async function activeAdminCount(db: DB): Promise<number> {
  return Number((await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('is_admin', '=', 1).where('disabled_at', 'is', null).executeTakeFirstOrThrow()).n);
}

export async function getInstanceSetting(db: DB, key: string): Promise<string | undefined> {
  return (await db.selectFrom('instance_settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
}

export async function putInstanceSetting(db: DB, key: string, value: string, now: number): Promise<void> {
  await db
    .insertInto('instance_settings')
    .values({ key, value, modified_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, modified_at: now }))
    .execute();
}

/** One user as the admin page lists them. */
export async function adminUser(db: DB, id: number): Promise<AdminUserRow | undefined> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'uuid', 'username', 'email', 'full_name', 'created_at', 'last_heartbeat_at', 'last_plugin_name', 'is_admin', 'disabled_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!user) return undefined;
  const n = await db.selectFrom('heartbeats').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', id).executeTakeFirstOrThrow();
  return { ...user, heartbeats: Number(n.n) };
}
