/** Time engine: per-user, per-local-day, per-dimension rollups, their build state and dirty marks. */
import type { Dialect } from '../db.js';
import { clustered, float, withId, type AnyDB } from './helpers.js';

export function rollups(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await clustered(
        db.schema
          .createTable('rollup_days')
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('dimension', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('seconds', float, (c) => c.notNull())
          .addPrimaryKeyConstraint('rollup_days_pk', ['user_id', 'day', 'dimension', 'name']),
        dialect,
      ).execute();

      await db.schema
        .createTable('rollup_state')
        .addColumn('user_id', 'integer', (c) => c.primaryKey())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('timeout', 'integer', (c) => c.notNull())
        .addColumn('writes_only', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('progress', float, (c) => c.notNull())
        .addColumn('updated_at', float, (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable('rollup_dirty'), dialect)
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('hour', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rollup_dirty_user').on('rollup_dirty').columns(['user_id', 'id']).execute();
    },
    async down(db: AnyDB): Promise<void> {
      for (const t of ['rollup_dirty', 'rollup_state', 'rollup_days']) await db.schema.dropTable(t).execute();
    },
  };
}
