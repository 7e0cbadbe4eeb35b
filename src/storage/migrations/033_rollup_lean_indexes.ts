/**
 * Leaner rollup storage (issue 8's size and write targets). On SQLite a secondary index of a
 * WITHOUT ROWID table repeats every primary-key column, so each `(user_id, day)` index of the
 * hourly partial tables and the `(user_id, dimension, day, seconds)` index of rollup_details were
 * a full second copy of their tables — the largest tables of the database (a file per heartbeat
 * on a busy day). Reads and re-sums of the hour tables now go by their primary key (the UTC hours
 * a local day can draw from, storage/rollups.ts `hourWindow`), entity rows are always read with
 * their project (the primary key's lead), and only dependency rows keep a by-day index (a partial
 * one: few rows). Nothing is rebuilt: the rows stay as they are.
 */
import { sql } from 'kysely';
import type { Dialect } from '../db.js';
import type { AnyDB } from './helpers.js';

export function rollupLeanIndexes(_dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      for (const index of ['rollup_hours_day', 'rollup_cube_hours_day', 'rollup_detail_hours_day', 'rollup_details_day']) await db.schema.dropIndex(index).ifExists().execute();
      await db.schema
        .createIndex('rollup_details_dependencies_day')
        .on('rollup_details')
        .columns(['user_id', 'day', 'seconds'])
        .where(sql.ref('dimension'), '=', sql.lit('dependencies'))
        .execute();
    },
    async down(db: AnyDB): Promise<void> {
      await db.schema.dropIndex('rollup_details_dependencies_day').ifExists().execute();
      await db.schema.createIndex('rollup_hours_day').on('rollup_hours').columns(['user_id', 'day']).execute();
      await db.schema.createIndex('rollup_cube_hours_day').on('rollup_cube_hours').columns(['user_id', 'day']).execute();
      await db.schema.createIndex('rollup_detail_hours_day').on('rollup_detail_hours').columns(['user_id', 'day']).execute();
      await db.schema.createIndex('rollup_details_day').on('rollup_details').columns(['user_id', 'dimension', 'day', 'seconds']).execute();
    },
  };
}
