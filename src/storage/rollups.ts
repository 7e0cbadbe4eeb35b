/** Rollup rows: seconds per user, local day, dimension and name. */
import type { Selectable, Transaction } from 'kysely';
import { emptyDay, ROLLUP_DIMENSIONS, type DayTotals, type Dimension } from '../domain/duration.js';
import type { ActivityHeartbeat } from '../domain/heartbeat.js';
import type { DB } from './db.js';
import type { Database, RollupStateTable } from './schema.js';

type Tx = Transaction<Database> | DB;
export type RollupState = Selectable<RollupStateTable>;
export const TOTAL = 'total';

export async function getState(db: Tx, userId: number): Promise<RollupState | undefined> {
  return db.selectFrom('rollup_state').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function putState(db: Tx, state: RollupState): Promise<void> {
  await db
    .insertInto('rollup_state')
    .values(state)
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        timezone: state.timezone,
        timeout: state.timeout,
        writes_only: state.writes_only,
        status: state.status,
        progress: state.progress,
        updated_at: state.updated_at,
      }),
    )
    .execute();
}

/** Takes the user's state row lock until the transaction ends (PostgreSQL; SQLite has one writer). */
export async function lockState(tx: Tx, userId: number): Promise<void> {
  await tx.updateTable('rollup_state').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('user_id', '=', userId).execute();
}

/** lockState and getState in one round trip: the locked row (undefined when the user has none). */
export async function lockAndGetState(tx: Tx, userId: number): Promise<RollupState | undefined> {
  return tx.updateTable('rollup_state').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('user_id', '=', userId).returningAll().executeTakeFirst();
}

export async function markDirty(tx: Tx, marks: { user_id: number; hour: number; since?: number | null }[]): Promise<void> {
  for (let i = 0; i < marks.length; i += 500) await tx.insertInto('rollup_dirty').values(marks.slice(i, i + 500)).execute();
}

export async function readDirty(tx: Tx, userId: number): Promise<{ id: number; hour: number; since: number | null }[]> {
  return tx.selectFrom('rollup_dirty').select(['id', 'hour', 'since']).where('user_id', '=', userId).orderBy('id').limit(10000).execute();
}

export async function hasDirty(db: Tx, userId: number): Promise<boolean> {
  return !!(await db.selectFrom('rollup_dirty').select('id').where('user_id', '=', userId).limit(1).executeTakeFirst());
}

export async function clearDirty(tx: Tx, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) await tx.deleteFrom('rollup_dirty').where('id', 'in', ids.slice(i, i + 500)).execute();
}

export async function usersWithDirty(db: Tx, limit: number, except: number[] = []): Promise<number[]> {
  let q = db.selectFrom('rollup_dirty').select('user_id').distinct();
  if (except.length) q = q.where('user_id', 'not in', except.slice(0, 1000));
  const rows = await q.limit(limit).execute();
  return rows.map((r) => r.user_id);
}

/** A stored dependencies list, tolerant of what no API would have stored (bad JSON, not a list). */
function dependencyList(text: string | null): string[] {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((d) => d !== null && d !== undefined).map(String) : [];
  } catch {
    return [];
  }
}

/**
 * The heartbeats of [start, end) with only what rollups count (no entity, type or branch: rollup
 * recomputation is on the read path, and those are the longest columns), in time then hash order
 * like every other time computation.
 */
export async function loadForRollups(db: Tx, userId: number, start: number, end: number, writesOnly: boolean): Promise<ActivityHeartbeat[]> {
  let q = db
    .selectFrom('heartbeats')
    .select(['time', 'category', 'project', 'language', 'dependencies', 'editor', 'operating_system', 'machine', 'is_write'])
    .where('user_id', '=', userId)
    .where('time', '>=', start)
    .where('time', '<', end);
  if (writesOnly) q = q.where('is_write', '=', 1);
  const rows = await q.orderBy('time').orderBy('hash').execute();
  const out = new Array<ActivityHeartbeat>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out[i] = {
      time: r.time, entity: '', type: 'file', category: r.category, project: r.project, branch: null, language: r.language,
      dependencies: dependencyList(r.dependencies), editor: r.editor, operating_system: r.operating_system, machine: r.machine, is_write: r.is_write === 1,
    };
  }
  return out;
}

/**
 * A dimension value as rollups store it: without NUL (PostgreSQL text cannot hold it) and with
 * lone UTF-16 surrogates replaced by U+FFFD, so one odd heartbeat can never fail a day's write.
 */
export function rollupName(name: string): string {
  if (typeof name !== 'string') return String(name);
  // eslint-disable-next-line no-control-regex
  return name.replace(/\u0000/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Replaces the rows of these days with the given totals (days absent from `totals` become empty). */
export async function replaceDays(tx: Tx, userId: number, dates: string[], totals: Map<string, DayTotals>): Promise<void> {
  for (let i = 0; i < dates.length; i += 200) {
    await tx.deleteFrom('rollup_days').where('user_id', '=', userId).where('day', 'in', dates.slice(i, i + 200)).execute();
  }
  const rows: Row[] = [];
  for (const date of dates) {
    const day = totals.get(date);
    if (!day || day.total <= 0) continue;
    dayRows(userId, date, day, rows);
  }
  for (let i = 0; i < rows.length; i += 1000) await tx.insertInto('rollup_days').values(rows.slice(i, i + 1000)).execute();
}

export async function deleteAllDays(tx: Tx, userId: number): Promise<void> {
  await tx.deleteFrom('rollup_days').where('user_id', '=', userId).execute();
  await tx.deleteFrom('rollup_hours').where('user_id', '=', userId).execute();
}

type Row = { user_id: number; day: string; dimension: string; name: string; seconds: number };

/** The rows of one day's totals (a TOTAL row, then every name of every dimension), names sanitized. */
function dayRows(userId: number, date: string, day: DayTotals, out: Row[]): void {
  out.push({ user_id: userId, day: date, dimension: TOTAL, name: '', seconds: day.total });
  for (const dim of ROLLUP_DIMENSIONS) {
    // sanitizing can merge names ("a\u0000" and "a"): their seconds add up
    const clean = new Map<string, number>();
    for (const [name, seconds] of day.dims[dim]) {
      const n = rollupName(name);
      clean.set(n, (clean.get(n) ?? 0) + seconds);
    }
    for (const [name, seconds] of clean) out.push({ user_id: userId, day: date, dimension: dim, name, seconds });
  }
}

/**
 * Replaces the partial rows of the UTC hours [fromHour, toHour] with `hours` (hour → local day →
 * totals); returns the local days that had rows before (their sums change too).
 */
export async function replaceHours(tx: Tx, userId: number, fromHour: number, toHour: number, hours: Map<number, Map<string, DayTotals>>): Promise<Set<string>> {
  const before = await tx.deleteFrom('rollup_hours').where('user_id', '=', userId).where('hour', '>=', fromHour).where('hour', '<=', toHour).returning('day').execute();
  const rows: (Row & { hour: number })[] = [];
  for (const [hour, days] of hours) {
    if (hour < fromHour || hour > toHour) continue;
    for (const [date, day] of days) {
      if (day.total <= 0) continue;
      const part: Row[] = [];
      dayRows(userId, date, day, part);
      for (const r of part) rows.push({ ...r, hour });
    }
  }
  for (let i = 0; i < rows.length; i += 1000) await tx.insertInto('rollup_hours').values(rows.slice(i, i + 1000)).execute();
  return new Set(before.map((r) => r.day));
}

/** Each of these days as the sum of its hours' partial rows. */
export async function sumHours(tx: Tx, userId: number, dates: string[]): Promise<Map<string, DayTotals>> {
  const out = new Map<string, DayTotals>();
  for (let i = 0; i < dates.length; i += 200) {
    const rows = await tx
      .selectFrom('rollup_hours')
      .select((eb) => ['day', 'dimension', 'name', eb.fn.sum<number>('seconds').as('seconds')])
      .where('user_id', '=', userId)
      .where('day', 'in', dates.slice(i, i + 200))
      .groupBy(['day', 'dimension', 'name'])
      .execute();
    for (const r of rows) {
      let day = out.get(r.day);
      if (!day) out.set(r.day, (day = emptyDay()));
      if (r.dimension === TOTAL) day.total = Number(r.seconds);
      else day.dims[r.dimension as Dimension]?.set(r.name, Number(r.seconds));
    }
  }
  return out;
}

export interface RollupRow {
  day: string;
  dimension: string;
  name: string;
  seconds: number;
}

/** Every rollup row of [firstDate, lastDate]. */
export async function readDays(db: Tx, userId: number, firstDate: string, lastDate: string): Promise<RollupRow[]> {
  return db
    .selectFrom('rollup_days')
    .select(['day', 'dimension', 'name', 'seconds'])
    .where('user_id', '=', userId)
    .where('day', '>=', firstDate)
    .where('day', '<=', lastDate)
    .execute();
}

/** Sums per dimension and name over [firstDate, lastDate], and the total of each day: for long ranges. */
export async function readRangeSums(db: Tx, userId: number, firstDate: string, lastDate: string): Promise<{ sums: RollupRow[]; days: { day: string; seconds: number }[] }> {
  const sums = await db
    .selectFrom('rollup_days')
    .select((eb) => ['dimension', 'name', eb.fn.sum<number>('seconds').as('seconds')])
    .where('user_id', '=', userId)
    .where('day', '>=', firstDate)
    .where('day', '<=', lastDate)
    .where('dimension', '!=', TOTAL)
    .groupBy(['dimension', 'name'])
    .execute();
  const days = await db
    .selectFrom('rollup_days')
    .select(['day', 'seconds'])
    .where('user_id', '=', userId)
    .where('dimension', '=', TOTAL)
    .where('day', '>=', firstDate)
    .where('day', '<=', lastDate)
    .orderBy('day')
    .execute();
  return { sums: sums.map((s) => ({ day: '', dimension: s.dimension, name: s.name, seconds: Number(s.seconds) })), days };
}
