/** Users and their preferences. */
import { randomUUID } from 'node:crypto';
import { sql, type Selectable, type Updateable } from 'kysely';
import type { DB } from './db.js';
import type { UsersTable } from './schema.js';

export type UserRow = Selectable<UsersTable>;
export type UserPatch = Omit<Updateable<UsersTable>, 'id' | 'uuid' | 'created_at'>;

export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$';

export async function insertUser(
  db: DB,
  input: { username: string; email?: string | null; passwordHash?: string | null; now?: number },
): Promise<UserRow> {
  const now = input.now ?? Date.now() / 1000;
  const row = await db
    .insertInto('users')
    .values({
      uuid: randomUUID(),
      username: input.username,
      email: input.email ?? null,
      password_hash: input.passwordHash ?? null,
      full_name: null,
      photo: null,
      website: null,
      github_username: null,
      twitter_username: null,
      linkedin_username: null,
      wonderfuldev_username: null,
      city_country_code: null,
      city_name: null,
      city_state: null,
      public_email: null,
      is_email_public: 0,
      is_email_confirmed: 0,
      photo_public: 0,
      is_hireable: 0,
      logged_time_public: 0,
      languages_used_public: 0,
      editors_used_public: 0,
      categories_used_public: 0,
      os_used_public: 0,
      timezone: null,
      keystroke_timeout: 15,
      writes_only: 0,
      profile_range: 'last_7_days',
      last_heartbeat_at: null,
      last_plugin: null,
      last_plugin_name: null,
      last_project: null,
      last_branch: null,
      created_at: now,
      modified_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return row;
}

export async function findUserById(db: DB, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByUsername(db: DB, username: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
}

export async function findUserByEmail(db: DB, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

/** `:user` in a path: a username or a public user id. */
export async function findUserByHandle(db: DB, handle: string): Promise<UserRow | undefined> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(handle)) {
    const byId = await db.selectFrom('users').selectAll().where('uuid', '=', handle.toLowerCase()).executeTakeFirst();
    if (byId) return byId;
  }
  return findUserByUsername(db, handle);
}

export async function updateUser(db: DB, id: number, patch: UserPatch, now = Date.now() / 1000): Promise<UserRow> {
  return db
    .updateTable('users')
    .set({ ...patch, modified_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The first Timezone header a plugin sends sets the user's zone, only if they never chose one. */
export async function setTimezoneIfUnset(db: DB, id: number, timezone: string): Promise<void> {
  await db.updateTable('users').set({ timezone }).where('id', '=', id).where('timezone', 'is', null).execute();
}
