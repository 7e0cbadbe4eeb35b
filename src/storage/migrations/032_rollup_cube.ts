/**
 * The rollup cube: per user and local day, the seconds of each combination of (project, language,
 * editor, operating system, machine, category, branch) — so filters and cross-breakdowns (the
 * languages of one project, the projects of one language) are answered from rollups — and per
 * combination the seconds of each entity (file) and dependency (`rollup_details`).
 * Like the per-dimension rollups, each is kept as partial rows per UTC hour (`*_hours`) re-summed
 * into the day rows. Missing values are stored as summaries name them ("Unknown Project"); no
 * branch is ''. Rollups are derived: every user rebuilds once.
 */
import type { Dialect } from '../db.js';
import { clustered, float, withId, type AnyDB } from './helpers.js';

export const CUBE_COLUMNS = ['project', 'language', 'editor', 'operating_system', 'machine', 'category', 'branch'] as const;
export const DETAIL_COLUMNS = [...CUBE_COLUMNS, 'dimension', 'name'] as const;

export function rollupCube(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      for (const [table, cols, byHour] of [
        ['rollup_cube_hours', CUBE_COLUMNS, true],
        ['rollup_cube', CUBE_COLUMNS, false],
        ['rollup_detail_hours', DETAIL_COLUMNS, true],
        ['rollup_details', DETAIL_COLUMNS, false],
      ] as const) {
        let t = db.schema.createTable(table).addColumn('user_id', 'integer', (c) => c.notNull());
        if (byHour) t = t.addColumn('hour', 'integer', (c) => c.notNull());
        t = t.addColumn('day', 'text', (c) => c.notNull());
        for (const c of cols) t = t.addColumn(c, 'text', (b) => b.notNull());
        t = t.addColumn('seconds', float, (c) => c.notNull());
        // day rows lead with the project (details: with the dimension, then the project): a filter on
        // a project reads its rows only, dependencies are read without scanning files; other reads
        // go by day (the second index)
        const key = byHour
          ? ['user_id', 'hour', 'day', ...cols]
          : table === 'rollup_details'
            ? ['user_id', 'dimension', 'project', 'day', ...CUBE_COLUMNS.slice(1), 'name']
            : ['user_id', 'project', 'day', ...CUBE_COLUMNS.slice(1)];
        await clustered(t.addPrimaryKeyConstraint(`${table}_pk`, key as never), dialect).execute();
        if (byHour) await db.schema.createIndex(`${table}_day`).on(table).columns(['user_id', 'day']).execute();
        // covering (with seconds; SQLite adds the key columns): a read by day never looks rows up
        else if (table === 'rollup_cube') await db.schema.createIndex(`${table}_day`).on(table).columns(['user_id', 'day', 'seconds']).execute();
        else await db.schema.createIndex(`${table}_day`).on(table).columns(['user_id', 'dimension', 'day', 'seconds']).execute();
      }
      // the cube's own dirty marks: it is brought up to date by upkeep and before a cube read, so a
      // write followed by a status bar read pays for the per-dimension rollups only
      await withId(db.schema.createTable('rollup_cube_dirty'), dialect)
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('hour', 'integer', (c) => c.notNull())
        .addColumn('since', 'integer')
        .execute();
      await db.schema.createIndex('rollup_cube_dirty_user').on('rollup_cube_dirty').columns(['user_id', 'id']).execute();
      // existing rollups have no cube yet: rebuild everyone's (on their next read or upkeep)
      await db.deleteFrom('rollup_state').execute();
      await db.deleteFrom('rollup_dirty').execute();
    },
    async down(db: AnyDB): Promise<void> {
      for (const t of ['rollup_cube_hours', 'rollup_cube', 'rollup_detail_hours', 'rollup_details', 'rollup_cube_dirty']) await db.schema.dropTable(t).execute();
    },
  };
}
