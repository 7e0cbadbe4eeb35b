/** Data dumps: their rows, their gzip file in parts, and the keyset walk over a user's heartbeats. */
import type { Selectable } from 'kysely';
import type { DB } from './db.js';
import { SENT_FIELDS } from './heartbeats.js';
import type { DataDumpsTable } from './schema.js';
import type { StoredHeartbeat } from '../domain/heartbeat.js';

export type DataDumpRow = Selectable<DataDumpsTable>;

export async function insertDataDump(db: DB, row: Omit<DataDumpRow, 'id'>): Promise<DataDumpRow> {
  return db.insertInto('data_dumps').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function listDataDumps(db: DB, userId: number): Promise<DataDumpRow[]> {
  return db.selectFrom('data_dumps').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(100).execute();
}

export async function findDataDump(db: DB, uuid: string): Promise<DataDumpRow | undefined> {
  return db.selectFrom('data_dumps').selectAll().where('uuid', '=', uuid).executeTakeFirst();
}

export async function findDataDumpById(db: DB, id: number): Promise<DataDumpRow | undefined> {
  return db.selectFrom('data_dumps').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateDataDump(db: DB, id: number, set: Partial<Omit<DataDumpRow, 'id' | 'uuid' | 'user_id'>>): Promise<void> {
  await db.updateTable('data_dumps').set(set).where('id', '=', id).execute();
}

export async function deleteDataDumpParts(db: DB, dumpId: number): Promise<void> {
  await db.deleteFrom('data_dump_parts').where('dump_id', '=', dumpId).execute();
}

export async function insertDataDumpPart(db: DB, dumpId: number, seq: number, data: Buffer): Promise<void> {
  await db.insertInto('data_dump_parts').values({ dump_id: dumpId, seq, data }).execute();
}

/** Part `seq` of a dump's file (one at a time: a download never holds the whole file). */
export async function readDataDumpPart(db: DB, dumpId: number, seq: number): Promise<Buffer | null> {
  const row = await db.selectFrom('data_dump_parts').select('data').where('dump_id', '=', dumpId).where('seq', '=', seq).executeTakeFirst();
  return row ? Buffer.from(row.data) : null;
}

/** Dumps past their expiry (parts go with them, ON DELETE CASCADE). */
export async function deleteExpiredDataDumps(db: DB, now: number): Promise<number> {
  const r = await db.deleteFrom('data_dumps').where('expires_at', '<', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Pending or processing dumps of a user: one at a time per user and type. */
export async function activeDataDump(db: DB, userId: number, type: string): Promise<DataDumpRow | undefined> {
  return db.selectFrom('data_dumps').selectAll().where('user_id', '=', userId).where('type', '=', type).where('status', 'in', ['pending', 'processing']).executeTakeFirst();
}

/**
 * The next `limit` heartbeats of a user after (time, hash) in key order: a keyset page, so an
 * export of millions of heartbeats reads them a page at a time along the primary key.
 */
export async function heartbeatPage(db: DB, userId: number, after: { time: number; hash: number } | null, limit: number): Promise<StoredHeartbeat[]> {
  let q = db
    .selectFrom('heartbeats as h')
    .leftJoin('machines as m', 'm.id', 'h.machine_name_id')
    .leftJoin('user_agents as ua', 'ua.id', 'h.user_agent_id')
    .select([...SENT_FIELDS, 'h.editor', 'h.operating_system', 'h.machine', 'h.extra', 'h.created_at'])
    .select(['m.uuid as machine_uuid', 'ua.uuid as user_agent_uuid', 'ua.value as user_agent'])
    .where('h.user_id', '=', userId);
  if (after) q = q.where((eb) => eb.or([eb('h.time', '>', after.time), eb.and([eb('h.time', '=', after.time), eb('h.hash', '>', after.hash)])]));
  const rows = await q.orderBy('h.time').orderBy('h.hash').limit(limit).execute();
  return rows as StoredHeartbeat[];
}

export async function countHeartbeats(db: DB, userId: number): Promise<number> {
  const r = await db.selectFrom('heartbeats').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Dumps a user asked for since `since` (a cap on how often a whole history is exported). */
export async function countDataDumpsSince(db: DB, userId: number, since: number): Promise<number> {
  const r = await db.selectFrom('data_dumps').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('created_at', '>=', since).executeTakeFirstOrThrow();
  return Number(r.n);
}
