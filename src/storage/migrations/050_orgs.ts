/**
 * Organizations and team dashboards (issue 11), and the instance's administration:
 *
 * - `orgs`: an organization, with the settings the reference lists (timezone, timeout, writes_only,
 *   is_duration_visible); `join_token_hash` is the sha256 of its join link's token (null: no link).
 * - `org_members`: who belongs, with a role (owner, admin, member); one owner per org.
 * - `org_invitations`: pending invitations, to a user (by username) or to an e-mail address.
 * - `dashboards`: inside an org; `access` 'org' (every org member may view) or 'members' (only its
 *   members and viewers; others request to view); `timezone` null means the org's.
 * - `dashboard_members`: people on a dashboard; `is_view_only` ones may view it, their time is not
 *   shown; `share` is the member's own choice: 'everything' or 'totals'.
 * - `dashboard_requests`: requests to view or to join a dashboard, approved by an org admin.
 * - `instance_settings`: run-time settings of the instance (`allow_signup`), key → JSON value.
 * - `users.is_admin` (instance administrator: the first user, or `metronome user create --admin`)
 *   and `users.disabled_at` (a disabled user's credentials stop working).
 */
import { sql } from 'kysely';
import type { Dialect } from '../db.js';
import { float, withId, type AnyDB } from './helpers.js';

export function orgs(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await db.schema.alterTable('users').addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('users').addColumn('disabled_at', float).execute();
      // an instance that already has users: the first of them administers it
      await sql`update users set is_admin = 1 where id = (select min(id) from users)`.execute(db);

      await db.schema
        .createTable('instance_settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('modified_at', float, (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable('orgs'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('timeout', 'integer', (c) => c.notNull())
        .addColumn('writes_only', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_duration_visible', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('join_token_hash', 'text', (c) => c.unique())
        .addColumn('created_by', 'integer', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('modified_at', float, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('org_members')
        .addColumn('org_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addPrimaryKeyConstraint('org_members_pk', ['org_id', 'user_id'])
        .execute();
      await db.schema.createIndex('org_members_user').on('org_members').column('user_id').execute();

      await withId(db.schema.createTable('org_invitations'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('org_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer')
        // lowercased
        .addColumn('email', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('invited_by', 'integer', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('org_invitations_org').on('org_invitations').column('org_id').execute();
      await db.schema.createIndex('org_invitations_user').on('org_invitations').column('user_id').execute();
      await db.schema.createIndex('org_invitations_email').on('org_invitations').column('email').execute();

      await withId(db.schema.createTable('dashboards'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('org_id', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text')
        .addColumn('access', 'text', (c) => c.notNull())
        .addColumn('created_by', 'integer', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('modified_at', float, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('dashboards_org').on('dashboards').column('org_id').execute();

      await db.schema
        .createTable('dashboard_members')
        .addColumn('dashboard_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('is_view_only', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('share', 'text', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addPrimaryKeyConstraint('dashboard_members_pk', ['dashboard_id', 'user_id'])
        .execute();
      await db.schema.createIndex('dashboard_members_user').on('dashboard_members').column('user_id').execute();

      await withId(db.schema.createTable('dashboard_requests'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('dashboard_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addUniqueConstraint('dashboard_requests_once', ['dashboard_id', 'user_id', 'kind'])
        .execute();
    },
    async down(db: AnyDB): Promise<void> {
      for (const t of ['dashboard_requests', 'dashboard_members', 'dashboards', 'org_invitations', 'org_members', 'orgs', 'instance_settings']) await db.schema.dropTable(t).execute();
      await db.schema.alterTable('users').dropColumn('disabled_at').execute();
      await db.schema.alterTable('users').dropColumn('is_admin').execute();
    },
  };
}
