/**
 * Goals and e-mail (issue 10, part 1).
 *
 * - `goals`: a user's coding goal (the reference's fields; lists as JSON text).
 * - `goal_cache`: a goal's computed part (chart_data, statuses) as JSON, with the local date it was
 *   computed for; `dirty` = 1 when heartbeats or settings changed since (the goals.refresh job
 *   recomputes it). Derived: deleting every row only costs a recomputation.
 * - `goal_shares`: who a goal is shared with (a user, or an e-mail address no account has yet),
 *   and whether they accepted.
 * - `goal_subscribers`: who gets progress e-mails for a goal, how often, snoozed until when, and the
 *   period last reported (`last_sent_key`, claimed before sending: one e-mail per period).
 * - `password_resets`: "forgot password" tokens (sha256 only), single-use and expiring.
 * - `mail_preferences`: per-user e-mail choices (the weekly summary) and the week last summarized.
 */
import type { Dialect } from '../db.js';
import { float, withId, type AnyDB } from './helpers.js';

export function goals(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await withId(db.schema.createTable('goals'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('seconds', 'integer', (c) => c.notNull())
        .addColumn('delta', 'text', (c) => c.notNull())
        .addColumn('improve_by_percent', float)
        .addColumn('is_inverse', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('ignore_days', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('ignore_zero_days', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('languages', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('projects', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('editors', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('custom_title', 'text')
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('modified_at', float)
        .execute();
      await db.schema.createIndex('goals_user').on('goals').columns(['user_id', 'created_at']).execute();

      await db.schema
        .createTable('goal_cache')
        .addColumn('goal_id', 'integer', (c) => c.primaryKey().references('goals.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('computed_for', 'text', (c) => c.notNull())
        .addColumn('computed_at', float, (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('dirty', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('goal_cache_user').on('goal_cache').column('user_id').execute();

      await withId(db.schema.createTable('goal_shares'), dialect)
        .addColumn('goal_id', 'integer', (c) => c.notNull().references('goals.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('email', 'text')
        .addColumn('username', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('responded_at', float)
        .execute();
      await db.schema.createIndex('goal_shares_goal_user').on('goal_shares').columns(['goal_id', 'user_id']).unique().execute();
      await db.schema.createIndex('goal_shares_goal_email').on('goal_shares').columns(['goal_id', 'email']).unique().execute();
      await db.schema.createIndex('goal_shares_user').on('goal_shares').column('user_id').execute();
      await db.schema.createIndex('goal_shares_email').on('goal_shares').column('email').execute();

      await db.schema
        .createTable('goal_subscribers')
        .addColumn('goal_id', 'integer', (c) => c.notNull().references('goals.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('email_frequency', 'text', (c) => c.notNull())
        .addColumn('snooze_until', float)
        .addColumn('last_sent_key', 'text')
        .addColumn('created_at', float, (c) => c.notNull())
        .addPrimaryKeyConstraint('goal_subscribers_pk', ['goal_id', 'user_id'])
        .execute();
      await db.schema.createIndex('goal_subscribers_user').on('goal_subscribers').column('user_id').execute();

      await db.schema
        .createTable('password_resets')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('expires_at', float, (c) => c.notNull())
        .addColumn('used_at', float)
        .execute();
      await db.schema.createIndex('password_resets_user').on('password_resets').columns(['user_id', 'created_at']).execute();

      await db.schema
        .createTable('mail_preferences')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('weekly_summary', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('last_summary_key', 'text')
        .addColumn('modified_at', float)
        .execute();
    },
    async down(db: AnyDB): Promise<void> {
      for (const t of ['mail_preferences', 'password_resets', 'goal_subscribers', 'goal_shares', 'goal_cache', 'goals']) await db.schema.dropTable(t).execute();
    },
  };
}
