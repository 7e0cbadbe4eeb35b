/**
 * Public leaders, private leaderboards and aggregate stats (issue 10):
 * - `leader_totals` / `leader_languages`: each user's time over a leaderboard range (public settings:
 *   timeout 15, all heartbeats) computed by the `leaders.recompute` job, with the stored public rank;
 * - `leader_runs`: when each range was computed and which dates it covered;
 * - `leaderboards` / `leaderboard_members`: private leaderboards, their members and invitations;
 * - `aggregate_stats`: the aggregate over all users who allow it, per range, as computed JSON.
 */
import type { Dialect } from '../db.js';
import { float, withId, type AnyDB } from './helpers.js';

export function leaderboards(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await db.schema
        .createTable('leader_totals')
        .addColumn('range', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('total_seconds', float, (c) => c.notNull())
        .addColumn('daily_average', float, (c) => c.notNull())
        // JSON [[language, seconds], …], most time first, without Other
        .addColumn('languages', 'text', (c) => c.notNull())
        // place among public users (logged_time_public when computed), null for others
        .addColumn('rank', 'integer')
        .addPrimaryKeyConstraint('leader_totals_pk', ['range', 'user_id'])
        .execute();
      await db.schema.createIndex('leader_totals_rank').on('leader_totals').columns(['range', 'rank']).execute();
      await db.schema.createIndex('leader_totals_user').on('leader_totals').columns(['user_id']).execute();

      await db.schema
        .createTable('leader_languages')
        .addColumn('range', 'text', (c) => c.notNull())
        // lower case: filters match names case-insensitively through the key
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('seconds', float, (c) => c.notNull())
        // place among users whose time and languages are public, null for others
        .addColumn('rank', 'integer')
        .addPrimaryKeyConstraint('leader_languages_pk', ['range', 'language', 'user_id'])
        .execute();
      await db.schema.createIndex('leader_languages_rank').on('leader_languages').columns(['range', 'language', 'rank']).execute();
      await db.schema.createIndex('leader_languages_user').on('leader_languages').columns(['user_id']).execute();

      await db.schema
        .createTable('leader_runs')
        .addColumn('range', 'text', (c) => c.primaryKey())
        .addColumn('first_date', 'text', (c) => c.notNull())
        .addColumn('last_date', 'text', (c) => c.notNull())
        .addColumn('computed_at', float, (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable('leaderboards'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('time_range', 'text', (c) => c.notNull())
        // the secret of the join link (anyone holding it may join)
        .addColumn('join_code', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('modified_at', float, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('leaderboards_owner').on('leaderboards').column('owner_id').execute();

      await db.schema
        .createTable('leaderboard_members')
        .addColumn('board_id', 'integer', (c) => c.notNull().references('leaderboards.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        // 'owner', 'member' or 'invited' (asked by the owner, not accepted yet)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addPrimaryKeyConstraint('leaderboard_members_pk', ['board_id', 'user_id'])
        .execute();
      await db.schema.createIndex('leaderboard_members_user').on('leaderboard_members').columns(['user_id', 'status']).execute();

      await db.schema
        .createTable('aggregate_stats')
        .addColumn('range', 'text', (c) => c.primaryKey())
        .addColumn('first_date', 'text', (c) => c.notNull())
        .addColumn('last_date', 'text', (c) => c.notNull())
        // the computed aggregate (domain/leaders.ts Aggregate) as JSON
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('is_up_to_date', 'integer', (c) => c.notNull())
        .addColumn('computed_at', float, (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDB): Promise<void> {
      for (const t of ['aggregate_stats', 'leaderboard_members', 'leaderboards', 'leader_runs', 'leader_languages', 'leader_totals']) await db.schema.dropTable(t).execute();
    },
  };
}
