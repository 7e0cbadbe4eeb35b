/** Rollup rows: seconds per user, local day, dimension and name. */
import type { Selectable, Transaction } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';
import { CUBE_DIMENSIONS, DETAIL_DIMENSIONS, emptyDay, ROLLUP_DIMENSIONS, type CubeDimension, type CubePart, type DayTotals, type Dimension } from '../domain/duration.js';
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

/** What a heartbeat is counted under, besides its time, entity and branch: shared by every heartbeat with the same values. */
type Dimensions = Pick<ActivityHeartbeat, 'category' | 'project' | 'language' | 'dependencies' | 'editor' | 'operating_system' | 'machine'>;

/**
 * Parsed dimension tuples by their JSON text. A day's heartbeats repeat a handful of tuples
 * (project × language × editor × …), so each is parsed once and then shared; bounded.
 */
const tuples = new Map<string, Dimensions>();
const MAX_TUPLES = 20_000;

function dimensionsOf(text: string): Dimensions {
  let d = tuples.get(text);
  if (d === undefined) {
    const v = JSON.parse(text) as unknown[];
    const str = (x: unknown) => (x === null || x === undefined ? null : String(x));
    d = {
      category: String(v[0] ?? 'coding'),
      project: str(v[1]),
      language: str(v[2]),
      // the stored text (a text column on both databases): the same tolerant parse as before
      dependencies: dependencyList(str(v[3])),
      editor: str(v[4]),
      operating_system: str(v[5]),
      machine: str(v[6]),
    };
    if (tuples.size >= MAX_TUPLES) tuples.clear();
    tuples.set(text, d);
  }
  return d;
}

/**
 * The columns as one JSON array (text) per row: `json_array` on SQLite, `json_build_array` on
 * PostgreSQL. Reading many text columns makes a JavaScript string of each value; one array per row,
 * parsed once per distinct value, costs far less (rollup loads, the cube and its details).
 */
function jsonArray(db: Tx, columns: readonly string[]) {
  const refs = sql.join(columns.map((c) => sql.ref(c)));
  return db.getExecutor().adapter instanceof PostgresAdapter ? sql<string>`json_build_array(${refs})::text` : sql<string>`json_array(${refs})`;
}

/**
 * The heartbeats of [start, end) with only what rollups count (entity and branch only with
 * `detail`: the cube needs them, the per-dimension rollups on the read path do not), in time then hash order
 * like every other time computation.
 *
 * The dimensions come as one JSON array per row (json_array / json_build_array) and are parsed
 * once per distinct tuple: reading seven text columns per row made a JavaScript string of each
 * (about 6 µs per heartbeat here, most of a status bar's recomputation after a write).
 */
export async function loadForRollups(db: Tx, userId: number, start: number, end: number, writesOnly: boolean, detail = true): Promise<ActivityHeartbeat[]> {
  const tuple = jsonArray(db, ['category', 'project', 'language', 'dependencies', 'editor', 'operating_system', 'machine']);
  let q = db
    .selectFrom('heartbeats')
    .select(['time', 'is_write', tuple.as('dims')])
    .where('user_id', '=', userId)
    .where('time', '>=', start)
    .where('time', '<', end);
  if (detail) q = q.select(['entity', 'branch']);
  if (writesOnly) q = q.where('is_write', '=', 1);
  const rows = (await q.orderBy('time').orderBy('hash').execute()) as { time: number; is_write: number; dims: string; entity?: string; branch?: string | null }[];
  const out = new Array<ActivityHeartbeat>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const d = dimensionsOf(r.dims);
    out[i] = {
      time: r.time, entity: r.entity ?? '', type: 'file', category: d.category, project: d.project, branch: r.branch ?? null, language: d.language,
      dependencies: d.dependencies, editor: d.editor, operating_system: d.operating_system, machine: d.machine, is_write: r.is_write === 1,
    };
  }
  return out;
}

/**
 * A dimension value as rollups store it: without NUL (PostgreSQL text cannot hold it) and with
 * lone UTF-16 surrogates replaced by U+FFFD, so one odd heartbeat can never fail a day's write.
 */
// eslint-disable-next-line no-control-regex
const ODD_TEXT = /[\u0000\uD800-\uDFFF]/;
export function rollupName(name: string): string {
  if (typeof name !== 'string') return String(name);
  if (!ODD_TEXT.test(name)) return name; // the usual case: nothing to replace
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
  await resumMonths(tx, userId, dates, 'days');
}

export async function deleteAllDays(tx: Tx, userId: number): Promise<void> {
  // every day's answer changes (to empty until rebuilt)
  await tx.updateTable('rollup_day_versions').set((eb) => ({ version: eb('version', '+', 1) })).where('user_id', '=', userId).execute();
  await tx.deleteFrom('rollup_days').where('user_id', '=', userId).execute();
  await tx.deleteFrom('rollup_hours').where('user_id', '=', userId).execute();
  for (const t of ['rollup_cube', 'rollup_cube_hours', 'rollup_details', 'rollup_detail_hours', 'rollup_months', 'rollup_cube_months', 'rollup_dependency_months'] as const) {
    await tx.deleteFrom(t).where('user_id', '=', userId).execute();
  }
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

/**
 * The UTC hours (epoch/3600) whose partial rows can hold pieces of the local dates [first, last],
 * in any zone (UTC−12 … UTC+14) and for any timeout (≤ 240 minutes: a credit starting before
 * midnight can reach into the day): the hour tables are read by their primary key
 * (user_id, hour, …) within it rather than through a by-day index (migration 033).
 */
export function hourWindow(first: string, last: string): [number, number] {
  const start = Date.parse(`${first}T00:00:00Z`) / 1000;
  const end = Date.parse(`${last}T00:00:00Z`) / 1000 + 86400;
  return [Math.floor((start - 14 * 3600 - 4 * 3600) / 3600) - 2, Math.floor((end + 12 * 3600) / 3600) + 2];
}

/** Sorted distinct dates as runs of consecutive dates [first, last]. */
export function dateRuns(dates: Iterable<string>): [string, string][] {
  const sorted = [...new Set(dates)].sort();
  const runs: [string, string][] = [];
  let prev = NaN;
  for (const d of sorted) {
    const t = Date.parse(`${d}T00:00:00Z`);
    const last = runs[runs.length - 1];
    if (last && t - prev === 86_400_000) last[1] = d;
    else runs.push([d, d]);
    prev = t;
  }
  return runs;
}

/** Each of these days as the sum of its hours' partial rows. */
export async function sumHours(tx: Tx, userId: number, dates: string[]): Promise<Map<string, DayTotals>> {
  const out = new Map<string, DayTotals>();
  for (const [first, last] of dateRuns(dates)) {
    const [fromHour, toHour] = hourWindow(first, last);
    const rows = await tx
      .selectFrom('rollup_hours')
      .select((eb) => ['day', 'dimension', 'name', eb.fn.sum<number>('seconds').as('seconds')])
      .where('user_id', '=', userId)
      .where('hour', '>=', fromHour)
      .where('hour', '<=', toHour)
      .where('day', '>=', first)
      .where('day', '<=', last)
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
  // whole months from rollup_months, the edge days from rollup_days (migration 034)
  const { months, edges } = monthSplit(firstDate, lastDate);
  const acc = new Map<string, RollupRow>();
  const add = (rows: { dimension: string; name: string; seconds: number | string }[]) => {
    for (const r of rows) {
      const key = `${r.dimension}\u0000${r.name}`;
      const a = acc.get(key);
      if (a) a.seconds += Number(r.seconds);
      else acc.set(key, { day: '', dimension: r.dimension, name: r.name, seconds: Number(r.seconds) });
    }
  };
  if (months) {
    add(
      await db
        .selectFrom('rollup_months')
        .select((eb) => ['dimension', 'name', eb.fn.sum<number>('seconds').as('seconds')])
        .where('user_id', '=', userId)
        .where('month', '>=', months[0])
        .where('month', '<=', months[1])
        .where('dimension', '!=', TOTAL)
        .groupBy(['dimension', 'name'])
        .execute(),
    );
  }
  for (const [first, last] of edges) {
    add(
      await db
        .selectFrom('rollup_days')
        .select((eb) => ['dimension', 'name', eb.fn.sum<number>('seconds').as('seconds')])
        .where('user_id', '=', userId)
        .where('day', '>=', first)
        .where('day', '<=', last)
        .where('dimension', '!=', TOTAL)
        .groupBy(['dimension', 'name'])
        .execute(),
    );
  }
  // each day's total row by the partial index of total rows (the literal lets SQLite use it)
  const days = await db
    .selectFrom('rollup_days')
    .select(['day', 'seconds'])
    .where('user_id', '=', userId)
    .where('dimension', '=', sql.lit(TOTAL))
    .where('day', '>=', firstDate)
    .where('day', '<=', lastDate)
    .orderBy('day')
    .execute();
  return { sums: [...acc.values()], days };
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
    if (dimensions.length > 0) {
      const rows = await db
        .selectFrom('rollup_days')
        .select((eb) => ['user_id', 'dimension', 'name', eb.fn.sum<number>('seconds').as('seconds')])
        .where('user_id', 'in', ids)
        .where('day', '>=', firstDate)
        .where('day', '<=', lastDate)
        .where('dimension', 'in', dimensions)
        .groupBy(['user_id', 'dimension', 'name'])
        .execute();
      for (const r of rows) sums.push({ user_id: r.user_id, day: '', dimension: r.dimension, name: r.name, seconds: Number(r.seconds) });
    }
    // each user's total: the partial index on the day totals, in user order (no sort)
    const totals = await db
      .selectFrom('rollup_days')
      .select((eb) => ['user_id', eb.fn.sum<number>('seconds').as('seconds')])
      .where('user_id', 'in', ids)
      .where('dimension', '=', TOTAL)
      .where('day', '>=', firstDate)
      .where('day', '<=', lastDate)
      .groupBy('user_id')
      .execute();
    for (const r of totals) sums.push({ user_id: r.user_id, day: '', dimension: TOTAL, name: '', seconds: Number(r.seconds) });
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
          const parsed = JSON.parse(key) as string[];
          const names = parsed.map(rollupName);
          const k = names.every((n, i) => n === parsed[i]) ? key : JSON.stringify(names);
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
    const shrunkProjects = new Set<string>();
    for (const d of delta.values()) {
      if (Math.abs(d.seconds) < 1e-9) continue;
      const row: Record<string, unknown> = { user_id: userId, day: d.day, seconds: d.seconds };
      cols.forEach((c, i) => (row[c] = d.names[i]));
      changes.push(row);
      if (d.seconds < 0) {
        shrunk.add(d.day);
        shrunkProjects.add(d.names[0]!);
      }
    }
    for (let i = 0; i < changes.length; i += 500) {
      await tx
        .insertInto(dayTable)
        .values(changes.slice(i, i + 500) as never)
        .onConflict((oc) => oc.columns(['user_id', 'day', ...cols] as never).doUpdateSet({ seconds: sql`${sql.ref(`${dayTable}.seconds`)} + excluded.seconds` } as never))
        .execute();
    }
    // what a change took away entirely (float sums leave crumbs, never a real credit's size)
    if (shrunk.size) await deleteDayRows(tx, dayTable, userId, [...shrunk], [...shrunkProjects], true);
  }
  if (toDays) await resumMonths(tx, userId, touched, 'cube');
  return touched;
}

/**
 * Deletes the day rows of these days and projects (only the crumbs a change left, below a
 * microsecond, with `crumbs`): day rows are keyed by project first (by dimension and project for
 * details), so the delete goes by key.
 */
async function deleteDayRows(tx: Tx, table: 'rollup_cube' | 'rollup_details', userId: number, days: string[], projects: string[], crumbs: boolean): Promise<void> {
  for (let i = 0; i < projects.length; i += 500) {
    for (let j = 0; j < days.length; j += 200) {
      let q = tx.deleteFrom(table).where('user_id', '=', userId);
      if (table === 'rollup_details') q = q.where('dimension' as never, 'in', DETAIL_DIMENSIONS as never);
      q = q.where('project', 'in', projects.slice(i, i + 500)).where('day', 'in', days.slice(j, j + 200));
      if (crumbs) q = q.where('seconds', '<', 1e-6);
      await q.execute();
    }
  }
}

/**
 * Re-sums the cube's day rows of these dates from their hours' partial rows. Every detail row
 * belongs to a combination of the cube, so the projects whose rows go are those of the cube's day
 * rows (the by-day index) and of the hours' rows of these days (the hour window, by key).
 */
export async function resumCube(tx: Tx, userId: number, dates: string[]): Promise<void> {
  for (const [first, last] of dateRuns(dates)) {
    const [fromHour, toHour] = hourWindow(first, last);
    const inHours = <T extends 'rollup_cube_hours' | 'rollup_detail_hours'>(table: T) =>
      tx.selectFrom(table as 'rollup_cube_hours').where('user_id', '=', userId).where('hour', '>=', fromHour).where('hour', '<=', toHour).where('day', '>=', first).where('day', '<=', last);
    const projects = new Set<string>();
    for (const r of await tx.selectFrom('rollup_cube').select('project').where('user_id', '=', userId).where('day', '>=', first).where('day', '<=', last).execute()) projects.add(r.project);
    for (const r of await inHours('rollup_cube_hours').select('project').distinct().execute()) projects.add(r.project);
    const days = [...new Set(dates)].filter((d) => d >= first && d <= last);
    for (const [day, hours, cols] of [
      ['rollup_cube', 'rollup_cube_hours', CUBE_COLUMNS],
      ['rollup_details', 'rollup_detail_hours', DETAIL_COLUMNS],
    ] as const) {
      await deleteDayRows(tx, day, userId, days, [...projects], false);
      const select = inHours(hours)
        .select((eb) => [eb.ref('user_id').as('user_id'), eb.ref('day').as('day'), ...cols.map((c) => eb.ref(c as 'project').as(c)), eb.fn.sum<number>('seconds').as('seconds')])
        .groupBy(['user_id', 'day', ...(cols as readonly 'project'[])]);
      await tx
        .insertInto(day)
        .columns(['user_id', 'day', ...cols, 'seconds'] as never)
        .expression(select as never)
        .execute();
    }
  }
  await resumMonths(tx, userId, dates, 'cube');
}

// ---- day versions (migration 075) -----------------------------------------------------------

/**
 * Bumps the version of these local days (resumMonths does, for every write of day rows): what was
 * computed from a day's rows at an older version is stale.
 */
async function bumpDayVersions(tx: Tx, userId: number, dates: string[]): Promise<void> {
  for (let i = 0; i < dates.length; i += 500) {
    await tx
      .insertInto('rollup_day_versions')
      .values(dates.slice(i, i + 500).map((day) => ({ user_id: userId, day, version: 1 })))
      .onConflict((oc) => oc.columns(['user_id', 'day']).doUpdateSet({ version: sql`${sql.ref('rollup_day_versions.version')} + 1` }))
      .execute();
  }
}

/**
 * The version of each local day of [firstDate, lastDate] that has one (a day never written has
 * none: 0). Read after the rollups were brought up to date, before reading their rows: what those
 * rows give is at least as new as these versions.
 */
export async function readDayVersions(db: Tx, userId: number, firstDate: string, lastDate: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('rollup_day_versions').select(['day', 'version']).where('user_id', '=', userId).where('day', '>=', firstDate).where('day', '<=', lastDate).execute();
  return new Map(rows.map((r) => [r.day, Number(r.version)]));
}

// ---- per-month rollups (migration 034) -------------------------------------------------------

/** 'YYYY-MM' of a date. */
const monthOf = (date: string) => date.slice(0, 7);

/** The month after (k = 1) or before (k = −1) 'YYYY-MM'. */
function shiftMonth(month: string, k: number): string {
  const d = new Date(`${month}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + k);
  return d.toISOString().slice(0, 7);
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * [first, last] as the whole months inside it (`months`: the first and last, or null) and the days
 * at its edges outside them: a range's sums read months from the month tables, edges from the days.
 */
export function monthSplit(first: string, last: string): { months: [string, string] | null; edges: [string, string][] } {
  // a calendar date that survives a round trip (V8 reads 2024-02-30 as March 1st)
  const valid = (d: string) => {
    const ms = Date.parse(`${d}T00:00:00Z`);
    return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === d;
  };
  if (!valid(first) || !valid(last) || last < first) {
    return { months: null, edges: [[first, last]] };
  }
  const firstFull = first.endsWith('-01') ? monthOf(first) : shiftMonth(monthOf(first), 1);
  const lastFull = monthOf(shiftDate(last, 1)) !== monthOf(last) ? monthOf(last) : shiftMonth(monthOf(last), -1);
  if (firstFull > lastFull) return { months: null, edges: [[first, last]] };
  const edges: [string, string][] = [];
  if (first < `${firstFull}-01`) edges.push([first, shiftDate(`${firstFull}-01`, -1)]);
  const after = `${shiftMonth(lastFull, 1)}-01`;
  if (after <= last) edges.push([after, last]);
  return { months: [firstFull, lastFull], edges };
}

/**
 * Re-sums the month rows of the months these dates fall in from their day rows: of rollup_days
 * (`days`), or of the cube and the dependency rows of rollup_details (`cube`). A month's day rows
 * are at most a month's worth: a change of today costs a sum over this month's rows.
 */
export async function resumMonths(tx: Tx, userId: number, dates: Iterable<string>, kind: 'days' | 'cube'): Promise<void> {
  const list = [...new Set(dates)];
  await bumpDayVersions(tx, userId, list);
  const months = [...new Set(list.map(monthOf))].sort();
  for (const month of months) {
    const from = `${month}-01`;
    const to = `${month}-31`;
    const m = sql<string>`cast(${month} as text)`;
    if (kind === 'days') {
      await tx.deleteFrom('rollup_months').where('user_id', '=', userId).where('month', '=', month).execute();
      await tx
        .insertInto('rollup_months')
        .columns(['user_id', 'month', 'dimension', 'name', 'seconds'])
        .expression(
          tx
            .selectFrom('rollup_days')
            .select((eb) => [eb.ref('user_id').as('user_id'), m.as('month'), 'dimension', 'name', eb.fn.sum<number>('seconds').as('seconds')])
            .where('user_id', '=', userId)
            .where('day', '>=', from)
            .where('day', '<=', to)
            .groupBy(['user_id', 'dimension', 'name']),
        )
        .execute();
      continue;
    }
    await tx.deleteFrom('rollup_cube_months').where('user_id', '=', userId).where('month', '=', month).execute();
    await tx
      .insertInto('rollup_cube_months')
      .columns(['user_id', 'month', ...CUBE_COLUMNS, 'seconds'])
      .expression(
        tx
          .selectFrom('rollup_cube')
          .select((eb) => [eb.ref('user_id').as('user_id'), m.as('month'), ...CUBE_COLUMNS, eb.fn.sum<number>('seconds').as('seconds')])
          .where('user_id', '=', userId)
          .where('day', '>=', from)
          .where('day', '<=', to)
          .groupBy(['user_id', ...CUBE_COLUMNS]),
      )
      .execute();
    await tx.deleteFrom('rollup_dependency_months').where('user_id', '=', userId).where('month', '=', month).execute();
    await tx
      .insertInto('rollup_dependency_months')
      .columns(['user_id', 'month', ...CUBE_COLUMNS, 'name', 'seconds'] as never)
      .expression(
        tx
          .selectFrom('rollup_details')
          .select((eb) => [eb.ref('user_id').as('user_id'), m.as('month'), ...(CUBE_COLUMNS as unknown as 'project'[]), 'name', eb.fn.sum<number>('seconds').as('seconds')])
          .where('user_id', '=', userId)
          .where('dimension', '=', sql.lit('dependencies'))
          .where('day', '>=', from)
          .where('day', '<=', to)
          .groupBy(['user_id', ...(CUBE_COLUMNS as unknown as 'project'[]), 'name']) as never,
      )
      .execute();
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
    // the seven names as one JSON array per row, parsed once per distinct combination: seven text
    // columns per row made a JavaScript string of each (most of a year of one project's summaries)
    const rows = await q.select(['day', jsonArray(db, CUBE_COLUMNS).as('names'), 'seconds']).execute();
    const parsed = new Map<string, string[]>();
    return rows.map((r) => {
      let n = parsed.get(r.names);
      if (!n) parsed.set(r.names, (n = JSON.parse(r.names) as string[]));
      return { day: r.day, names: n, seconds: Number(r.seconds) };
    });
  }
  // summed: whole months from rollup_cube_months, the edge days from the cube (migration 034)
  const { months, edges } = monthSplit(firstDate, lastDate);
  const acc = new Map<string, CubeRow>();
  const add = (rows: Record<string, unknown>[]) => {
    for (const r of rows) {
      const names = CUBE_COLUMNS.map((c) => r[c] as string);
      const key = names.join('\u0000');
      const a = acc.get(key);
      if (a) a.seconds += Number(r.seconds);
      else acc.set(key, { day: '', names, seconds: Number(r.seconds) });
    }
  };
  const sums = <T extends 'rollup_cube' | 'rollup_cube_months'>(table: T, column: 'day' | 'month', from: string, to: string) => {
    let m = db.selectFrom(table as 'rollup_cube').where('user_id', '=', userId).where(column as 'day', '>=', from).where(column as 'day', '<=', to);
    m = cubeWhere(m, filters);
    return m.select((eb) => [...CUBE_COLUMNS.map((c) => eb.ref(c).as(c)), eb.fn.sum<number>('seconds').as('seconds')]).groupBy([...CUBE_COLUMNS]).execute();
  };
  if (months) add(await sums('rollup_cube_months', 'month', months[0], months[1]));
  for (const [first, last] of edges) add(await sums('rollup_cube', 'day', first, last));
  return [...acc.values()];
}

/** The cube filters as a WHERE on a table with the cube's columns. */
function cubeWhere<Q extends { where: (...args: never[]) => Q }>(q: Q, filters: CubeFilters): Q {
  let out = q as unknown as { where: (a: unknown, b?: unknown, c?: unknown) => unknown };
  for (const dim of CUBE_DIMENSIONS) {
    const names = filters[dim];
    if (names) out = (names.length ? out.where(COLUMN_OF[dim], 'in', names.map(rollupName)) : out.where(sql<boolean>`1 = 0`)) as typeof out;
  }
  return out as unknown as Q;
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
  if (dimension === 'dependencies' && !byDay) {
    // summed: whole months from rollup_dependency_months, the edge days from the details (034)
    const { months, edges } = monthSplit(firstDate, lastDate);
    const acc = new Map<string, number>();
    const add = (rows: { name: string; seconds: number | string }[]) => {
      for (const r of rows) acc.set(r.name, (acc.get(r.name) ?? 0) + Number(r.seconds));
    };
    if (months) {
      let m = db.selectFrom('rollup_dependency_months').where('user_id', '=', userId).where('month', '>=', months[0]).where('month', '<=', months[1]);
      m = cubeWhere(m, filters);
      add(await m.select((eb) => ['name', eb.fn.sum<number>('seconds').as('seconds')]).groupBy('name').execute());
    }
    for (const [first, last] of edges) add(await readDetails(db, userId, first, last, filters, dimension, true));
    return [...acc].map(([name, seconds]) => ({ day: '', name, seconds }));
  }
  // the dimension as a literal lets a by-day read of dependencies without a project use their
  // partial index (migration 033); with a project (and always for entities) the primary key leads
  const literal = dimension === 'dependencies' && !filters.projects;
  let q = db
    .selectFrom('rollup_details')
    .where('user_id', '=', userId)
    .where('dimension', '=', literal ? sql.lit('dependencies') : dimension)
    .where('day', '>=', firstDate)
    .where('day', '<=', lastDate);
  for (const dim of CUBE_DIMENSIONS) {
    const names = filters[dim];
    if (names) q = names.length ? q.where(COLUMN_OF[dim] as 'project', 'in', names.map(rollupName)) : q.where(sql<boolean>`1 = 0`);
  }
  if (byDay) {
    // one row per day, its (name, seconds) pairs as one JSON array, summed here: a row per (day,
    // name) made three JavaScript values of each (a year of one project's files is ~11,000), and
    // grouping by name too sorted them (the key leads with the day, not the name)
    const pairs =
      db.getExecutor().adapter instanceof PostgresAdapter ? sql<string>`json_agg(json_build_array(name, seconds))::text` : sql<string>`json_group_array(json_array(name, seconds))`;
    const days = await q.select(['day', pairs.as('pairs')]).groupBy('day').execute();
    const out: { day: string; name: string; seconds: number }[] = [];
    for (const d of days) {
      const names = new Map<string, number>();
      for (const [name, seconds] of JSON.parse(d.pairs) as [string, number][]) names.set(name, (names.get(name) ?? 0) + Number(seconds));
      for (const [name, seconds] of names) out.push({ day: d.day, name, seconds });
    }
    return out;
  }
  const rows = await q.select((eb) => [sql<string>`''`.as('day'), 'name', eb.fn.sum<number>('seconds').as('seconds')]).groupBy(['name']).execute();
  return rows.map((r) => ({ day: r.day, name: r.name, seconds: Number(r.seconds) }));
}
