/** Foundation: users, API keys, heartbeats and what heartbeats create (projects, machines, user agents). */
import { sql } from 'kysely';
import type { Dialect } from '../db.js';
import { clustered, float, withId, type AnyDB } from './helpers.js';

export function foundation(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await withId(db.schema.createTable('users'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('password_hash', 'text')
        .addColumn('full_name', 'text')
        .addColumn('photo', 'text')
        .addColumn('website', 'text')
        .addColumn('github_username', 'text')
        .addColumn('twitter_username', 'text')
        .addColumn('linkedin_username', 'text')
        .addColumn('wonderfuldev_username', 'text')
        .addColumn('city_country_code', 'text')
        .addColumn('city_name', 'text')
        .addColumn('city_state', 'text')
        .addColumn('public_email', 'text')
        .addColumn('is_email_public', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_email_confirmed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('photo_public', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_hireable', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('logged_time_public', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('languages_used_public', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('editors_used_public', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('categories_used_public', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('os_used_public', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('timezone', 'text')
        .addColumn('keystroke_timeout', 'integer', (c) => c.notNull().defaultTo(15))
        .addColumn('writes_only', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('profile_range', 'text', (c) => c.notNull().defaultTo('last_7_days'))
        .addColumn('last_heartbeat_at', float)
        .addColumn('last_plugin', 'text')
        .addColumn('last_plugin_name', 'text')
        .addColumn('last_project', 'text')
        .addColumn('last_branch', 'text')
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('modified_at', float)
        .execute();
      await sql`create unique index users_username_lower on users (lower(username))`.execute(db);
      await sql`create unique index users_email_lower on users (lower(email))`.execute(db);

      await withId(db.schema.createTable('api_keys'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('key_prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('last_used_at', float)
        .addColumn('revoked_at', float)
        .execute();
      await db.schema.createIndex('api_keys_user').on('api_keys').column('user_id').execute();

      // One B-tree in SQLite: rows clustered by (user, time), so a day's heartbeats are contiguous,
      // inserts append, and the primary key doubles as the dedup index (no separate hash index).
      await clustered(
        db.schema
          .createTable('heartbeats')
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('time', float, (c) => c.notNull())
          .addColumn('hash', 'bigint', (c) => c.notNull())
          .addColumn('entity', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('category', 'text', (c) => c.notNull())
          .addColumn('project', 'text')
          .addColumn('project_root_count', 'integer')
          .addColumn('branch', 'text')
          .addColumn('language', 'text')
          .addColumn('dependencies', 'text')
          .addColumn('lines', 'bigint')
          .addColumn('line_additions', 'bigint')
          .addColumn('line_deletions', 'bigint')
          .addColumn('lineno', 'bigint')
          .addColumn('cursorpos', 'bigint')
          .addColumn('is_write', 'integer', (c) => c.notNull())
          .addColumn('ai_line_changes', 'bigint')
          .addColumn('human_line_changes', 'bigint')
          .addColumn('user_agent_id', 'integer')
          .addColumn('editor', 'text')
          .addColumn('operating_system', 'text')
          .addColumn('machine_name_id', 'integer')
          .addColumn('machine', 'text')
          .addColumn('extra', 'text')
          .addColumn('created_at', float, (c) => c.notNull())
          .addPrimaryKeyConstraint('heartbeats_pk', ['user_id', 'time', 'hash']),
        dialect,
      ).execute();

      await withId(db.schema.createTable('projects'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('repository', 'text')
        .addColumn('badge', 'text')
        .addColumn('color', 'text')
        .addColumn('first_heartbeat_at', float, (c) => c.notNull())
        .addColumn('last_heartbeat_at', float, (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addUniqueConstraint('projects_user_name', ['user_id', 'name'])
        .execute();

      await withId(db.schema.createTable('machines'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('timezone', 'text')
        .addColumn('first_seen_at', float, (c) => c.notNull())
        .addColumn('last_seen_at', float, (c) => c.notNull())
        .addUniqueConstraint('machines_user_value', ['user_id', 'value'])
        .execute();

      await withId(db.schema.createTable('user_agents'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('editor', 'text')
        .addColumn('version', 'text')
        .addColumn('os', 'text')
        .addColumn('is_browser_extension', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_desktop_app', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('first_seen_at', float, (c) => c.notNull())
        .addColumn('last_seen_at', float, (c) => c.notNull())
        .addUniqueConstraint('user_agents_user_value', ['user_id', 'value'])
        .execute();
    },
    async down(db: AnyDB): Promise<void> {
      for (const t of ['user_agents', 'machines', 'projects', 'heartbeats', 'api_keys', 'users']) {
        await db.schema.dropTable(t).execute();
      }
    },
  };
}
