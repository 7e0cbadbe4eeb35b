/** Rollup rows: seconds per user, local day, dimension and name. */
import type { Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import { CUBE_DIMENSIONS, DETAIL_DIMENSIONS, emptyDay, ROLLUP_DIMENSIONS, type CubeDimension, type CubePart, type DayTotals, type Dimension } from '../domain/duration.js';
import type { ActivityHeartbeat } from '../domain/heartbeat.js';
import type { DB } from './db.js';
import type { Database, HeartbeatsTable, RollupStateTable } from './schema.js';

type HeartbeatRowPart = Selectable<HeartbeatsTable>;

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

/** Dirty marks: of the per-dimension rollups, or of the cube (brought up to date on its own). */
export type DirtyTable = 'rollup_dirty' | 'rollup_cube_dirty';

export async function markDirty(tx: Tx, marks: { user_id: number; hour: number; since?: number | null }[], table: DirtyTable = 'rollup_dirty'): Promise<void> {
  for (let i = 0; i < marks.length; i += 500) await tx.insertInto(table).values(marks.slice(i, i + 500)).execute();
}

export async function readDirty(tx: Tx, userId: number, table: DirtyTable = 'rollup_dirty'): Promise<{ id: number; hour: number; since: number | null }[]> {
  return tx.selectFrom(table).select(['id', 'hour', 'since']).where('user_id', '=', userId).orderBy('id').limit(10000).execute();
}

export async function hasDirty(db: Tx, userId: number, table: DirtyTable = 'rollup_dirty'): Promise<boolean> {
  return !!(await db.selectFrom(table).select('id').where('user_id', '=', userId).limit(1).executeTakeFirst());
}

export async function clearDirty(tx: Tx, ids: number[], table: DirtyTable = 'rollup_dirty'): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) await tx.deleteFrom(table).where('id', 'in', ids.slice(i, i + 500)).execute();
}

export async function usersWithDirty(db: Tx, limit: number, except: number[] = [], table: DirtyTable = 'rollup_dirty'): Promise<number[]> {
  let q = db.selectFrom(table).select('user_id').distinct();
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
 * The heartbeats of [start, end) with only what rollups count (entity and branch only with
 * `detail`: the cube needs them, the per-dimension rollups on the read path do not), in time then hash order
 * like every other time computation.
 */
export async function loadForRollups(db: Tx, userId: number, start: number, end: number, writesOnly: boolean, detail = true): Promise<ActivityHeartbeat[]> {
  const columns = ['time', 'category', 'project', 'language', 'dependencies', 'editor', 'operating_system', 'machine', 'is_write'] as const;
  let q = db
    .selectFrom('heartbeats')
    .select(detail ? [...columns, 'entity', 'branch'] : [...columns])
    .where('user_id', '=', userId)
    .where('time', '>=', start)
    .where('time', '<', end);
  if (writesOnly) q = q.where('is_write', '=', 1);
  const rows = (await q.orderBy('time').orderBy('hash').execute()) as ({ [K in (typeof columns)[number]]: HeartbeatRowPart[K] } & { entity?: string; branch?: string | null })[];
  const out = new Array<ActivityHeartbeat>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out[i] = {
      time: r.time, entity: r.entity ?? '', type: 'file', category: r.category, project: r.project, branch: r.branch ?? null, language: r.language,
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
  for (const t of ['rollup_cube', 'rollup_cube_hours', 'rollup_details', 'rollup_detail_hours'] as const) await tx.deleteFrom(t).where('user_id', '=', userId).execute();
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

/**
 * readRangeSums for many users at once (team views), in a few queries per chunk of users: per
 * user, sums of the `dimensions` wanted and their total; with `perDay`, each user's day totals too,
 * otherwise only the team's total per date (summed over the users in SQL: a chart of 500 people's
 * days then reads 30 rows instead of 15 000).
 */
export async function readManyRangeSums(
  db: Tx,
  userIds: readonly number[],
  firstDate: string,
  lastDate: string,
  dimensions: readonly string[],
  perDay: boolean,
): Promise<{ sums: (RollupRow & { user_id: number })[]; days: { user_id: number; day: string; seconds: number }[]; teamDays: Map<string, number> }> {
  const sums: (RollupRow & { user_id: number })[] = [];
  const days: { user_id: number; day: string; seconds: number }[] = [];
  const teamDays = new Map<string, number>();
  const CHUNK = 500;
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const ids = userIds.slice(i, i + CHUNK);
    const wanted = [...dimensions, TOTAL];
    const rows = await db
      .selectFrom('rollup_days')
      .select((eb) => ['user_id', 'dimension', 'name', eb.fn.sum<number>('seconds').as('seconds')])
      .where('user_id', 'in', ids)
      .where('day', '>=', firstDate)
      .where('day', '<=', lastDate)
      .where('dimension', 'in', wanted)
      .groupBy(['user_id', 'dimension', 'name'])
      .execute();
    for (const r of rows) sums.push({ user_id: r.user_id, day: '', dimension: r.dimension, name: r.name, seconds: Number(r.seconds) });
    if (perDay) {
      const totals = await db
        .selectFrom('rollup_days')
        .select(['user_id', 'day', 'seconds'])
        .where('user_id', 'in', ids)
        .where('dimension', '=', TOTAL)
        .where('day', '>=', firstDate)
        .where('day', '<=', lastDate)
        .execute();
      for (const r of totals) days.push(r);
    } else {
      const team = await db
        .selectFrom('rollup_days')
        .select((eb) => ['day', eb.fn.sum<number>('seconds').as('seconds')])
        .where('user_id', 'in', ids)
        .where('dimension', '=', TOTAL)
        .where('day', '>=', firstDate)
        .where('day', '<=', lastDate)
        .groupBy('day')
        .execute();
      for (const r of team) teamDays.set(r.day, (teamDays.get(r.day) ?? 0) + Number(r.seconds));
    }
  }
  return { sums, days, teamDays };
}

/** The rollup states of many users, and which of them have dirty hours (team views check freshness in bulk). */
export async function statesOf(db: Tx, userIds: readonly number[]): Promise<{ states: Map<number, RollupState>; dirty: Set<number> }> {
  const states = new Map<number, RollupState>();
  const dirty = new Set<number>();
  const CHUNK = 500;
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const ids = userIds.slice(i, i + CHUNK);
    for (const s of await db.selectFrom('rollup_state').selectAll().where('user_id', 'in', ids).execute()) states.set(s.user_id, s);
    for (const d of await db.selectFrom('rollup_dirty').select('user_id').distinct().where('user_id', 'in', ids).execute()) dirty.add(d.user_id);
  }
  return { states, dirty };
}

// ---- the rollup cube (migration 032) ---------------------------------------------------------

/** Cube columns, in the order of CUBE_DIMENSIONS (and of domain cubeKey). */
export const CUBE_COLUMNS = ['project', 'language', 'editor', 'operating_system', 'machine', 'category', 'branch'] as const;
type CubeColumn = (typeof CUBE_COLUMNS)[number];
export const COLUMN_OF: Record<CubeDimension, CubeColumn> = {
  projects: 'project',
  languages: 'language',
  editors: 'editor',
  operating_systems: 'operating_system',
  machines: 'machine',
  categories: 'category',
  branches: 'branch',
};
const DETAIL_COLUMNS = [...CUBE_COLUMNS, 'dimension', 'name'] as const;

/**
 * Replaces the cube's partial rows of the UTC hours [fromHour, toHour] (hour → local day → part);
 * returns the local days that had or have rows there. With `toDays`, the day rows follow by the
 * difference (old hour rows out, new ones in: only the combinations that changed are written, so a
 * write of a few heartbeats costs a few rows, not the whole day); otherwise the caller re-sums the
 * days (resumCube).
 */
export async function replaceCubeHours(tx: Tx, userId: number, fromHour: number, toHour: number, hours: Map<number, Map<string, CubePart>>, toDays = true): Promise<Set<string>> {
  const touched = new Set<string>();
  for (const [hourTable, dayTable, cols, field] of [
    ['rollup_cube_hours', 'rollup_cube', CUBE_COLUMNS, 'cube'],
    ['rollup_detail_hours', 'rollup_details', DETAIL_COLUMNS, 'details'],
  ] as const) {
    const old = (await tx
      .deleteFrom(hourTable)
      .where('user_id', '=', userId)
      .where('hour', '>=', fromHour)
      .where('hour', '<=', toHour)
      .returning(['day', ...cols, 'seconds'] as never)
      .execute()) as unknown as Record<string, string | number>[];
    const delta = new Map<string, { day: string; names: string[]; seconds: number }>();
    const move = (day: string, names: string[], seconds: number) => {
      const k = JSON.stringify([day, ...names]);
      const d = delta.get(k);
      if (d) d.seconds += seconds;
      else delta.set(k, { day, names, seconds });
    };
    for (const r of old) {
      touched.add(r.day as string);
      move(r.day as string, cols.map((c) => r[c] as string), -Number(r.seconds));
    }
    const rows: Record<string, unknown>[] = [];
    for (const [hour, days] of hours) {
      if (hour < fromHour || hour > toHour) continue;
      for (const [day, part] of days) {
        // sanitizing can merge keys: their seconds add up
        const clean = new Map<string, { names: string[]; seconds: number }>();
        for (const [key, seconds] of part[field]) {
          if (!(seconds > 0)) continue;
          const names = (JSON.parse(key) as string[]).map(rollupName);
          const k = JSON.stringify(names);
          const c = clean.get(k);
          if (c) c.seconds += seconds;
          else clean.set(k, { names, seconds });
        }
        for (const { names, seconds } of clean.values()) {
          const row: Record<string, unknown> = { user_id: userId, hour, day, seconds };
          cols.forEach((c, i) => (row[c] = names[i]));
          rows.push(row);
          touched.add(day);
          move(day, names, seconds);
        }
      }
    }
    for (let i = 0; i < rows.length; i += 500) await tx.insertInto(hourTable).values(rows.slice(i, i + 500) as never).execute();
    if (!toDays) continue;
    const changes: Record<string, unknown>[] = [];
    const shrunk = new Set<string>();
    for (const d of delta.values()) {
      if (Math.abs(d.seconds) < 1e-9) continue;
      const row: Record<string, unknown> = { user_id: userId, day: d.day, seconds: d.seconds };
      cols.forEach((c, i) => (row[c] = d.names[i]));
      changes.push(row);
      if (d.seconds < 0) shrunk.add(d.day);
    }
    for (let i = 0; i < changes.length; i += 500) {
      await tx
        .insertInto(dayTable)
        .values(changes.slice(i, i + 500) as never)
        .onConflict((oc) => oc.columns(['user_id', 'day', ...cols] as never).doUpdateSet({ seconds: sql`${sql.ref(`${dayTable}.seconds`)} + excluded.seconds` } as never))
        .execute();
    }
    // what a change took away entirely (float sums leave crumbs, never a real credit's size)
    if (shrunk.size) await deleteDayRows(tx, dayTable, userId, [...shrunk], true);
  }
  return touched;
}

/**
 * Deletes the day rows of these days (only the crumbs a change left, below a microsecond, with
 * `crumbs`). Day rows are keyed by project first (by dimension and project for details): the
 * projects present are looked up by day, then the rows go by key.
 */
async function deleteDayRows(tx: Tx, table: 'rollup_cube' | 'rollup_details', userId: number, days: string[], crumbs: boolean): Promise<void> {
  // (no DISTINCT: SQLite would walk the whole primary key for it rather than the day index)
  let present = tx.selectFrom(table).select('project').where('user_id', '=', userId);
  if (table === 'rollup_details') present = present.where('dimension' as never, 'in', DETAIL_DIMENSIONS as never);
  const projects = [...new Set((await present.where('day', 'in', days).execute()).map((r) => r.project))];
  for (let i = 0; i < projects.length; i += 500) {
    let q = tx.deleteFrom(table).where('user_id', '=', userId);
    if (table === 'rollup_details') q = q.where('dimension' as never, 'in', DETAIL_DIMENSIONS as never);
    q = q.where('project', 'in', projects.slice(i, i + 500)).where('day', 'in', days);
    if (crumbs) q = q.where('seconds', '<', 1e-6);
    await q.execute();
  }
}

/** Re-sums the cube's day rows of these dates from their hours' partial rows. */
export async function resumCube(tx: Tx, userId: number, dates: string[]): Promise<void> {
  for (let i = 0; i < dates.length; i += 200) {
    const part = dates.slice(i, i + 200);
    for (const [day, hours, cols] of [
      ['rollup_cube', 'rollup_cube_hours', CUBE_COLUMNS],
      ['rollup_details', 'rollup_detail_hours', DETAIL_COLUMNS],
    ] as const) {
      await deleteDayRows(tx, day, userId, part, false);
      const select = tx
        .selectFrom(hours)
        .select((eb) => [eb.ref('user_id').as('user_id'), eb.ref('day').as('day'), ...cols.map((c) => eb.ref(c).as(c)), eb.fn.sum<number>('seconds').as('seconds')])
        .where('user_id', '=', userId)
        .where('day', 'in', part)
        .groupBy(['user_id', 'day', ...cols]);
      await tx
        .insertInto(day)
        .columns(['user_id', 'day', ...cols, 'seconds'] as never)
        .expression(select as never)
        .execute();
    }
  }
}

/** Per cube dimension, the names to keep (any of them); several dimensions must all match. */
export type CubeFilters = Partial<Record<CubeDimension, readonly string[]>>;

export interface CubeRow {
  day: string;
  names: string[];
  seconds: number;
}

/**
 * The cube rows of [firstDate, lastDate] matching `filters`, summed over the days unless `byDay`
 * (then `day` is set): the names in CUBE_DIMENSIONS order.
 */
export async function readCube(db: Tx, userId: number, firstDate: string, lastDate: string, filters: CubeFilters, byDay: boolean): Promise<CubeRow[]> {
  let q = db.selectFrom('rollup_cube').where('user_id', '=', userId).where('day', '>=', firstDate).where('day', '<=', lastDate);
  for (const dim of CUBE_DIMENSIONS) {
    const names = filters[dim];
    if (names) q = names.length ? q.where(COLUMN_OF[dim], 'in', names.map(rollupName)) : q.where(sql<boolean>`1 = 0`);
  }
  if (byDay) {
    const rows = await q.select(['day', ...CUBE_COLUMNS, 'seconds']).execute();
    return rows.map((r) => ({ day: r.day, names: CUBE_COLUMNS.map((c) => r[c]), seconds: Number(r.seconds) }));
  }
  const rows = await q
    .select((eb) => [...CUBE_COLUMNS.map((c) => eb.ref(c).as(c)), eb.fn.sum<number>('seconds').as('seconds')])
    .groupBy([...CUBE_COLUMNS])
    .execute();
  return rows.map((r) => ({ day: '', names: CUBE_COLUMNS.map((c) => r[c] as string), seconds: Number(r.seconds) }));
}

/** The cube's total per day of [firstDate, lastDate] under `filters`. */
export async function readCubeDayTotals(db: Tx, userId: number, firstDate: string, lastDate: string, filters: CubeFilters): Promise<Map<string, number>> {
  let q = db.selectFrom('rollup_cube').where('user_id', '=', userId).where('day', '>=', firstDate).where('day', '<=', lastDate);
  for (const dim of CUBE_DIMENSIONS) {
    const names = filters[dim];
    if (names) q = names.length ? q.where(COLUMN_OF[dim], 'in', names.map(rollupName)) : q.where(sql<boolean>`1 = 0`);
  }
  const rows = await q.select((eb) => ['day', eb.fn.sum<number>('seconds').as('seconds')]).groupBy('day').orderBy('day').execute();
  return new Map(rows.map((r) => [r.day, Number(r.seconds)]));
}

/**
 * Entity or dependency seconds of [firstDate, lastDate] under `filters`, per day (`byDay`) or summed.
 */
export async function readDetails(
  db: Tx,
  userId: number,
  firstDate: string,
  lastDate: string,
  filters: CubeFilters,
  dimension: 'entities' | 'dependencies',
  byDay: boolean,
): Promise<{ day: string; name: string; seconds: number }[]> {
  let q = db.selectFrom('rollup_details').where('user_id', '=', userId).where('day', '>=', firstDate).where('day', '<=', lastDate).where('dimension', '=', dimension);
  for (const dim of CUBE_DIMENSIONS) {
    const names = filters[dim];
    if (names) q = names.length ? q.where(COLUMN_OF[dim] as 'project', 'in', names.map(rollupName)) : q.where(sql<boolean>`1 = 0`);
  }
  const rows = byDay
    ? await q.select((eb) => ['day', 'name', eb.fn.sum<number>('seconds').as('seconds')]).groupBy(['day', 'name']).execute()
    : await q.select((eb) => [sql<string>`''`.as('day'), 'name', eb.fn.sum<number>('seconds').as('seconds')]).groupBy(['name']).execute();
  return rows.map((r) => ({ day: r.day, name: r.name, seconds: Number(r.seconds) }));
}
