/**
 * A filter on a dimension other than the project (`language=Go`, `editors=…`) asks the cube for
 * each day's total under it (best day, daily averages): one index per such dimension, leading with
 * it, finds those rows instead of walking every combination of every day. The cube is small
 * (tens of rows per active day), so the indexes are too.
 */
import type { Dialect } from '../db.js';
import type { AnyDB } from './helpers.js';

const FILTERED = ['language', 'editor', 'operating_system', 'machine', 'category', 'branch'] as const;

export function rollupCubeFilters(_dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      for (const c of FILTERED) await db.schema.createIndex(`rollup_cube_${c}`).on('rollup_cube').columns(['user_id', c, 'day', 'seconds']).execute();
    },
    async down(db: AnyDB): Promise<void> {
      for (const c of FILTERED) await db.schema.dropIndex(`rollup_cube_${c}`).ifExists().execute();
    },
  };
}
