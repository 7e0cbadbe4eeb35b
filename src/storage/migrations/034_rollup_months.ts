/**
 * Per-month rollups (issue 8's long ranges: all_time and last_year). `rollup_months` sums
 * `rollup_days` per local month ('YYYY-MM'); `rollup_cube_months` sums the cube; and
 * `rollup_dependency_months` the dependency rows of `rollup_details` (entities are only ever read
 * per day). A range's sums read its whole months here and only its edge days from the day tables
 * (storage/rollups.ts `monthSplit`), so an all-time question reads ~30× fewer rows. They are
 * re-summed from the day rows whenever days change (`resumMonths`), and filled here from the rows
 * that exist. A partial index finds each day's total row without walking the day's other rows.
 */
import { sql } from 'kysely';
import type { Dialect } from '../db.js';
import { clustered, float, type AnyDB } from './helpers.js';

const CUBE = ['project', 'language', 'editor', 'operating_system', 'machine', 'category', 'branch'] as const;

export function rollupMonths(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      const base = (name: string) => db.schema.createTable(name).addColumn('user_id', 'integer', (c) => c.notNull()).addColumn('month', 'text', (c) => c.notNull());
      await clustered(
        base('rollup_months')
          .addColumn('dimension', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('seconds', float, (c) => c.notNull())
          .addPrimaryKeyConstraint('rollup_months_pk', ['user_id', 'month', 'dimension', 'name']),
        dialect,
      ).execute();
      for (const [table, extra] of [
        ['rollup_cube_months', [] as string[]],
        ['rollup_dependency_months', ['name']],
      ] as const) {
        let t = base(table);
        for (const c of [...CUBE, ...extra]) t = t.addColumn(c, 'text', (b) => b.notNull());
        t = t.addColumn('seconds', float, (c) => c.notNull());
        await clustered(t.addPrimaryKeyConstraint(`${table}_pk`, ['user_id', 'month', ...CUBE, ...extra] as never), dialect).execute();
      }
      await db.schema
        .createIndex('rollup_days_total')
        .on('rollup_days')
        .columns(['user_id', 'day', 'seconds'])
        .where(sql.ref('dimension'), '=', sql.lit('total'))
        .execute();
      // the months of the rollups that exist
      const month = sql`substr(day, 1, 7)`;
      await sql`insert into rollup_months (user_id, month, dimension, name, seconds)
        select user_id, ${month}, dimension, name, sum(seconds) from rollup_days group by user_id, ${month}, dimension, name`.execute(db);
      const cols = sql.join(CUBE.map((c) => sql.ref(c)));
      await sql`insert into rollup_cube_months (user_id, month, ${cols}, seconds)
        select user_id, ${month}, ${cols}, sum(seconds) from rollup_cube group by user_id, ${month}, ${cols}`.execute(db);
      await sql`insert into rollup_dependency_months (user_id, month, ${cols}, name, seconds)
        select user_id, ${month}, ${cols}, name, sum(seconds) from rollup_details where dimension = 'dependencies' group by user_id, ${month}, ${cols}, name`.execute(db);
    },
    async down(db: AnyDB): Promise<void> {
      await db.schema.dropIndex('rollup_days_total').ifExists().execute();
      for (const t of ['rollup_months', 'rollup_cube_months', 'rollup_dependency_months']) await db.schema.dropTable(t).execute();
    },
  };
}
