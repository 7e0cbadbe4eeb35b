/**
 * A version per user and local day of the rollups (issue 8: a year of one project's summaries in
 * under 50 ms). Every write of a day's rollup rows bumps it in the same transaction
 * (storage/rollups.ts `resumMonths`, through which every day-row writer goes), and dropping a
 * user's rollups bumps them all: a per-day answer computed at a version is right for as long as the
 * version stays, on every instance (services/summaries.ts keeps past days' JSON that way). Filled
 * here for the days that have rows.
 */
import { sql } from 'kysely';
import type { Dialect } from '../db.js';
import { clustered, type AnyDB } from './helpers.js';

export function rollupDayVersions(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await clustered(
        db.schema
          .createTable('rollup_day_versions')
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('rollup_day_versions_pk', ['user_id', 'day']),
        dialect,
      ).execute();
      await sql`insert into rollup_day_versions (user_id, day, version)
        select user_id, day, 1 from (select user_id, day from rollup_days union select user_id, day from rollup_cube) as d`.execute(db);
    },
    async down(db: AnyDB): Promise<void> {
      await db.schema.dropTable('rollup_day_versions').execute();
    },
  };
}
