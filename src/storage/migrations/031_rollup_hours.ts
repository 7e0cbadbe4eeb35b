/**
 * Time engine, incremental: per UTC hour partial rollups. A row holds the seconds credited to the
 * heartbeats of one UTC hour (by their time), per local day the credit falls on, dimension and
 * name; a local day's rollup is the sum of its hours' rows, so a change recomputes only the hours
 * it touches (± timeout) and re-sums the days. Rollups are derived: every user rebuilds once.
 */
import type { Dialect } from '../db.js';
import { clustered, float, type AnyDB } from './helpers.js';

export function rollupHours(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await clustered(
        db.schema
          .createTable('rollup_hours')
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('hour', 'integer', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('dimension', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('seconds', float, (c) => c.notNull())
          .addPrimaryKeyConstraint('rollup_hours_pk', ['user_id', 'hour', 'day', 'dimension', 'name']),
        dialect,
      ).execute();
      await db.schema.createIndex('rollup_hours_day').on('rollup_hours').columns(['user_id', 'day']).execute();
      // where in the hour the earliest change is (seconds, 0–3599): a change late in an hour does not
      // reach back into the previous one when the timeout is shorter than its offset
      await db.schema.alterTable('rollup_dirty').addColumn('since', 'integer').execute();
      // existing rollups have no hours yet: rebuild everyone's (on their next read or upkeep)
      await db.deleteFrom('rollup_state').execute();
      await db.deleteFrom('rollup_dirty').execute();
    },
    async down(db: AnyDB): Promise<void> {
      await db.schema.dropTable('rollup_hours').execute();
      await db.schema.alterTable('rollup_dirty').dropColumn('since').execute();
    },
  };
}
