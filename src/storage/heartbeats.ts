/**
 * Heartbeat storage: insert-or-ignore under the (user_id, time, hash) primary key, reads by
 * user and time range, deletes by id within a day. Never select-then-insert.
 */
import { randomUUID } from 'node:crypto';
import { CompiledQuery, sql, type Insertable, type Selectable, type Transaction } from 'kysely';
import type { DB } from './db.js';
import type { Database, HeartbeatsTable } from './schema.js';
import type { ActivityHeartbeat } from '../domain/heartbeat.js';

export type HeartbeatRow = Selectable<HeartbeatsTable>;
export type NewHeartbeatRow = Insertable<HeartbeatsTable>;
type Tx = Transaction<Database> | DB;

const COLUMNS = [
  'user_id', 'time', 'hash', 'entity', 'type', 'category', 'project', 'project_root_count', 'branch', 'language',
  'dependencies', 'lines', 'line_additions', 'line_deletions', 'lineno', 'cursorpos', 'is_write', 'ai_line_changes',
  'human_line_changes', 'user_agent_id', 'editor', 'operating_system', 'machine_name_id', 'machine', 'extra', 'created_at',
] as const satisfies readonly (keyof HeartbeatsTable)[];

/**
 * Rows per INSERT statement, largest first: 26 columns × 400 rows stays under both databases'
 * parameter limits, and a few fixed sizes keep the SQL text (and SQLite's prepared statement) reused.
 */
const CHUNKS = [400, 100, 25, 5, 1];

/**
 * SQL of the ingest hot path compiled once per dialect and shape (Kysely builds and compiles a
 * query anew on every call; here only the parameters change). `compile` is given distinct
 * marker values and must place them in that order, or this throws.
 */
const templates = new WeakMap<object, Map<string, string>>();
function template(db: Tx, shape: string, markerCount: number, compile: (markers: string[]) => CompiledQuery): string {
  const key = db.getExecutor().adapter as object;
  let byShape = templates.get(key);
  if (!byShape) templates.set(key, (byShape = new Map()));
  let text = byShape.get(shape);
  if (text === undefined) {
    const markers = Array.from({ length: markerCount }, (_, i) => `m${i}`);
    const compiled = compile(markers);
    if (compiled.parameters.length !== markers.length || compiled.parameters.some((p, i) => p !== markers[i])) {
      throw new Error(`query template ${shape}: unexpected parameter order`);
    }
    byShape.set(shape, (text = compiled.sql));
  }
  return text;
}

/** The compiled INSERT … ON CONFLICT DO NOTHING for n rows, per dialect. */
function insertSql(db: Tx, n: number): string {
  return template(db, `heartbeats:${n}`, n * COLUMNS.length, (markers) =>
    db
      .insertInto('heartbeats')
      .values(Array.from({ length: n }, (_, r) => Object.fromEntries(COLUMNS.map((c, i) => [c, markers[r * COLUMNS.length + i]])) as unknown as NewHeartbeatRow))
      .onConflict((oc) => oc.columns(['user_id', 'time', 'hash']).doNothing())
      .compile(),
  );
}

/**
 * A row's values in COLUMNS order from `k` on: plain property reads (a loop over column names
 * would make each read a slow keyed lookup).
 */
function putRow(p: unknown[], k: number, r: NewHeartbeatRow): void {
  p[k] = r.user_id;
  p[k + 1] = r.time;
  p[k + 2] = r.hash;
  p[k + 3] = r.entity;
  p[k + 4] = r.type;
  p[k + 5] = r.category;
  p[k + 6] = r.project ?? null;
  p[k + 7] = r.project_root_count ?? null;
  p[k + 8] = r.branch ?? null;
  p[k + 9] = r.language ?? null;
  p[k + 10] = r.dependencies ?? null;
  p[k + 11] = r.lines ?? null;
  p[k + 12] = r.line_additions ?? null;
  p[k + 13] = r.line_deletions ?? null;
  p[k + 14] = r.lineno ?? null;
  p[k + 15] = r.cursorpos ?? null;
  p[k + 16] = r.is_write;
  p[k + 17] = r.ai_line_changes ?? null;
  p[k + 18] = r.human_line_changes ?? null;
  p[k + 19] = r.user_agent_id ?? null;
  p[k + 20] = r.editor ?? null;
  p[k + 21] = r.operating_system ?? null;
  p[k + 22] = r.machine_name_id ?? null;
  p[k + 23] = r.machine ?? null;
  p[k + 24] = r.extra ?? null;
  p[k + 25] = r.created_at;
}

/**
 * Inserts rows, ignoring ones already stored (same user, time and hash). Returns how many were
 * new. The hot path of ingest: the statement is compiled once per chunk size, not per call.
 */
export async function insertHeartbeats(tx: Tx, rows: NewHeartbeatRow[]): Promise<number> {
  let inserted = 0;
  let i = 0;
  while (i < rows.length) {
    const n = CHUNKS.find((c) => c <= rows.length - i)!;
    const params: unknown[] = new Array(n * COLUMNS.length);
    for (let r = i, k = 0; r < i + n; r++, k += COLUMNS.length) putRow(params, k, rows[r]!);
    const result = await tx.executeQuery(CompiledQuery.raw(insertSql(tx, n), params));
    inserted += Number(result.numAffectedRows ?? 0);
    i += n;
  }
  return inserted;
}

export async function listHeartbeats(db: Tx, userId: number, start: number, end: number): Promise<HeartbeatRow[]> {
  return db
    .selectFrom('heartbeats')
    .selectAll()
    .where('user_id', '=', userId)
    .where('time', '>=', start)
    .where('time', '<', end)
    .orderBy('time')
    .orderBy('hash')
    .execute();
}

/** What a plugin sent of a stored heartbeat (aliased `h`), for reads that give heartbeats back: data dumps, the relay. */
export const SENT_FIELDS = [
  'h.time', 'h.hash', 'h.entity', 'h.type', 'h.category', 'h.project', 'h.project_root_count', 'h.branch', 'h.language', 'h.dependencies',
  'h.lines', 'h.line_additions', 'h.line_deletions', 'h.lineno', 'h.cursorpos', 'h.is_write', 'h.ai_line_changes', 'h.human_line_changes',
] as const;

export type HeartbeatWithRefs = HeartbeatRow & { machine_uuid: string | null; user_agent_uuid: string | null; user_agent: string | null };

/** A day's heartbeats with the public ids of their machine and user agent, for `GET heartbeats`. */
export async function listHeartbeatsWithRefs(db: Tx, userId: number, start: number, end: number): Promise<HeartbeatWithRefs[]> {
  return db
    .selectFrom('heartbeats as h')
    .leftJoin('machines as m', 'm.id', 'h.machine_name_id')
    .leftJoin('user_agents as ua', 'ua.id', 'h.user_agent_id')
    .selectAll('h')
    .select(['m.uuid as machine_uuid', 'ua.uuid as user_agent_uuid', 'ua.value as user_agent'])
    .where('h.user_id', '=', userId)
    .where('h.time', '>=', start)
    .where('h.time', '<', end)
    .orderBy('h.time')
    .orderBy('h.hash')
    .execute();
}

/** Deletes the heartbeats with these hashes inside [start, end); returns the times deleted. */
export async function deleteHeartbeats(tx: Tx, userId: number, start: number, end: number, hashes: number[]): Promise<number[]> {
  if (hashes.length === 0) return [];
  const rows = await tx
    .deleteFrom('heartbeats')
    .where('user_id', '=', userId)
    .where('time', '>=', start)
    .where('time', '<', end)
    .where('hash', 'in', hashes)
    .returning('time')
    .execute();
  return rows.map((r) => r.time);
}

// ---- what heartbeats create: projects, machines, user agents (first/last seen) ----------------

/** Keeps the earlier first-seen and the later last-seen of the stored row and the new one. */
const later = (table: string, col: string) =>
  sql.raw<number>(`case when excluded.${col} > ${table}.${col} then excluded.${col} else ${table}.${col} end`);
const earlier = (table: string, col: string) =>
  sql.raw<number>(`case when excluded.${col} < ${table}.${col} then excluded.${col} else ${table}.${col} end`);

export interface SeenRange {
  first: number;
  last: number;
}

export interface ProjectSeen extends SeenRange {
  userId: number;
  name: string;
}

/** Creates or widens the first/last heartbeat times of projects: one statement for all of them. */
export async function upsertProjects(tx: Tx, projects: ProjectSeen[], now: number): Promise<void> {
  let i = 0;
  while (i < projects.length) {
    const n = PROJECT_CHUNKS.find((c) => c <= projects.length - i)!;
    const params: unknown[] = [];
    for (const p of projects.slice(i, i + n)) params.push(randomUUID(), p.userId, p.name, p.first, p.last, now);
    await tx.executeQuery(CompiledQuery.raw(upsertProjectsSql(tx, n), params));
    i += n;
  }
}

const PROJECT_CHUNKS = [64, 16, 4, 1];

function upsertProjectsSql(db: Tx, n: number): string {
  return template(db, `projects:${n}`, n * 6, (markers) =>
    db
      .insertInto('projects')
      .values(
        Array.from({ length: n }, (_, r) => {
          const m = markers.slice(r * 6, r * 6 + 6) as [string, unknown, string, unknown, unknown, unknown];
          return {
            uuid: m[0],
            user_id: m[1] as number,
            name: m[2],
            repository: sql<null>`null`,
            badge: sql<null>`null`,
            color: sql<null>`null`,
            first_heartbeat_at: m[3] as number,
            last_heartbeat_at: m[4] as number,
            created_at: m[5] as number,
          };
        }),
      )
      .onConflict((oc) =>
        oc.columns(['user_id', 'name']).doUpdateSet({
          first_heartbeat_at: earlier('projects', 'first_heartbeat_at'),
          last_heartbeat_at: later('projects', 'last_heartbeat_at'),
        }),
      )
      .compile(),
  );
}

export interface MachineSeen extends SeenRange {
  userId: number;
  value: string;
  ip: string | null;
  timezone: string | null;
}

/** Creates or widens machines; returns their ids by `${userId}\n${value}`. One statement. */
export async function upsertMachines(tx: Tx, machines: MachineSeen[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < machines.length; ) {
    const n = SEEN_CHUNKS.find((c) => c <= machines.length - i)!;
    const params: unknown[] = [];
    for (const m of machines.slice(i, i + n)) params.push(randomUUID(), m.userId, m.value, m.ip, m.timezone, m.first, m.last);
    const { rows } = await tx.executeQuery<{ id: number; user_id: number; value: string }>(CompiledQuery.raw(upsertMachinesSql(tx, n), params));
    for (const r of rows) ids.set(`${r.user_id}\n${r.value}`, r.id);
    i += n;
  }
  return ids;
}

/** Rows per upsert of machines or user agents (a commit has a few per user). */
const SEEN_CHUNKS = [64, 16, 4, 1];

function upsertMachinesSql(db: Tx, n: number): string {
  return template(db, `machines:${n}`, n * 7, (m) =>
    db
      .insertInto('machines')
      .values(
        Array.from({ length: n }, (_, r) => ({
          uuid: m[r * 7]!,
          user_id: m[r * 7 + 1] as never,
          value: m[r * 7 + 2]!,
          ip: m[r * 7 + 3]!,
          timezone: m[r * 7 + 4]!,
          first_seen_at: m[r * 7 + 5] as never,
          last_seen_at: m[r * 7 + 6] as never,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['user_id', 'value']).doUpdateSet({
          first_seen_at: earlier('machines', 'first_seen_at'),
          last_seen_at: later('machines', 'last_seen_at'),
          // the latest address; the timezone of the first heartbeat is kept
          ip: sql.raw<string | null>('coalesce(excluded.ip, machines.ip)'),
          timezone: sql.raw<string | null>('coalesce(machines.timezone, excluded.timezone)'),
        }),
      )
      .returning(['id', 'user_id', 'value'])
      .compile(),
  );
}

export interface UserAgentSeen extends SeenRange {
  userId: number;
  value: string;
  editor: string | null;
  version: string | null;
  os: string | null;
  isBrowserExtension: boolean;
  isDesktopApp: boolean;
}

/** Creates or widens user agents; returns their ids by `${userId}\n${value}`. One statement. */
export async function upsertUserAgents(tx: Tx, agents: UserAgentSeen[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < agents.length; ) {
    const n = SEEN_CHUNKS.find((c) => c <= agents.length - i)!;
    const params: unknown[] = [];
    for (const a of agents.slice(i, i + n)) {
      params.push(randomUUID(), a.userId, a.value, a.editor, a.version, a.os, a.isBrowserExtension ? 1 : 0, a.isDesktopApp ? 1 : 0, a.first, a.last);
    }
    const { rows } = await tx.executeQuery<{ id: number; user_id: number; value: string }>(CompiledQuery.raw(upsertUserAgentsSql(tx, n), params));
    for (const r of rows) ids.set(`${r.user_id}\n${r.value}`, r.id);
    i += n;
  }
  return ids;
}

function upsertUserAgentsSql(db: Tx, n: number): string {
  return template(db, `user_agents:${n}`, n * 10, (m) =>
    db
      .insertInto('user_agents')
      .values(
        Array.from({ length: n }, (_, r) => ({
          uuid: m[r * 10]!,
          user_id: m[r * 10 + 1] as never,
          value: m[r * 10 + 2]!,
          editor: m[r * 10 + 3]!,
          version: m[r * 10 + 4]!,
          os: m[r * 10 + 5]!,
          is_browser_extension: m[r * 10 + 6] as never,
          is_desktop_app: m[r * 10 + 7] as never,
          first_seen_at: m[r * 10 + 8] as never,
          last_seen_at: m[r * 10 + 9] as never,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['user_id', 'value']).doUpdateSet({
          first_seen_at: earlier('user_agents', 'first_seen_at'),
          last_seen_at: later('user_agents', 'last_seen_at'),
        }),
      )
      .returning(['id', 'user_id', 'value'])
      .compile(),
  );
}

/** Moves the user's "last …" fields forward when these heartbeats are the newest seen. */
export async function advanceUserLastSeen(
  tx: Tx,
  userId: number,
  latest: { time: number; plugin: string | null; editor: string | null; project: string | null; branch: string | null },
): Promise<void> {
  const text = template(tx, 'last-seen', 7, (markers) =>
    tx
      .updateTable('users')
      .set({ last_heartbeat_at: markers[0] as never, last_plugin: markers[1], last_plugin_name: markers[2], last_project: markers[3], last_branch: markers[4] })
      .where('id', '=', markers[5] as never)
      .where((eb) => eb.or([eb('last_heartbeat_at', 'is', null), eb('last_heartbeat_at', '<', markers[6] as never)]))
      .compile(),
  );
  await tx.executeQuery(CompiledQuery.raw(text, [latest.time, latest.plugin, latest.editor, latest.project, latest.branch, userId, latest.time]));
}

// ---- what time accounting reads -------------------------------------------------------------

export interface ActivityFilter {
  writesOnly?: boolean;
}

/** A user's heartbeats in [start, end) in time order, as time accounting needs them. */
export async function loadActivity(db: Tx, userId: number, start: number, end: number, filter: ActivityFilter = {}): Promise<ActivityHeartbeat[]> {
  let q = db
    .selectFrom('heartbeats')
    .select(['time', 'entity', 'type', 'category', 'project', 'branch', 'language', 'dependencies', 'editor', 'operating_system', 'machine', 'is_write'])
    .where('user_id', '=', userId)
    .where('time', '>=', start)
    .where('time', '<', end);
  if (filter.writesOnly) q = q.where('is_write', '=', 1);
  const rows = await q.orderBy('time').orderBy('hash').execute();
  const out = new Array<ActivityHeartbeat>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out[i] = {
      time: r.time,
      entity: r.entity,
      type: r.type,
      category: r.category,
      project: r.project,
      branch: r.branch,
      language: r.language,
      dependencies: r.dependencies ? (JSON.parse(r.dependencies) as string[]) : [],
      editor: r.editor,
      operating_system: r.operating_system,
      machine: r.machine,
      is_write: r.is_write === 1,
    };
  }
  return out;
}

/** First and last heartbeat time of a user (null when none). */
export async function activitySpan(db: Tx, userId: number): Promise<{ first: number; last: number } | null> {
  // Two index probes, not min() and max() in one query: SQLite optimizes a lone min() or max()
  // to one B-tree seek but scans every row of the user when both share a query.
  const edge = (direction: 'asc' | 'desc') =>
    db.selectFrom('heartbeats').select('time').where('user_id', '=', userId).orderBy('time', direction).limit(1).executeTakeFirst();
  const first = await edge('asc');
  const last = first && (await edge('desc'));
  return first && last ? { first: Number(first.time), last: Number(last.time) } : null;
}
