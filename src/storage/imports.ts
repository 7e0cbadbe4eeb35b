/** Imports: their rows (progress, cursor, report) and an uploaded file's parts. */
import type { Selectable } from 'kysely';
import type { DB } from './db.js';
import type { ImportsTable } from './schema.js';

export type ImportRow = Selectable<ImportsTable>;

export async function insertImport(db: DB, row: Omit<ImportRow, 'id'>): Promise<ImportRow> {
  return db.insertInto('imports').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function listImports(db: DB, userId: number): Promise<ImportRow[]> {
  return db.selectFrom('imports').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(100).execute();
}

export async function findImport(db: DB, userId: number, uuid: string): Promise<ImportRow | undefined> {
  return db.selectFrom('imports').selectAll().where('user_id', '=', userId).where('uuid', '=', uuid).executeTakeFirst();
}

export async function findImportById(db: DB, id: number): Promise<ImportRow | undefined> {
  return db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateImport(db: DB, id: number, set: Partial<Omit<ImportRow, 'id' | 'uuid' | 'user_id'>>): Promise<void> {
  await db.updateTable('imports').set(set).where('id', '=', id).execute();
}

/**
 * Takes an import to run it: a pending one, or a running one whose runner went quiet for
 * `staleSeconds` (it died). False when another runner has it or it ended.
 */
export async function claimImport(db: DB, id: number, now: number, staleSeconds: number): Promise<boolean> {
  const r = await db
    .updateTable('imports')
    .set({ status: 'running', updated_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'running'), eb('updated_at', '<', now - staleSeconds)])]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Imports to resume (pending or running) of every user: after a restart. */
export async function unfinishedImports(db: DB): Promise<{ id: number }[]> {
  return db
    .selectFrom('imports')
    .select('id')
    .where('status', 'in', ['pending', 'running'])
    .where((eb) => eb.or([eb('source_url', 'is', null), eb('source_url', 'not like', 'file:%')]))
    .execute();
}

export async function deleteImport(db: DB, id: number): Promise<void> {
  await db.deleteFrom('imports').where('id', '=', id).execute();
}

export async function deleteImportParts(db: DB, importId: number): Promise<void> {
  await db.deleteFrom('import_parts').where('import_id', '=', importId).execute();
}

export async function insertImportPart(db: DB, importId: number, seq: number, data: Buffer): Promise<void> {
  await db.insertInto('import_parts').values({ import_id: importId, seq, data }).execute();
}

export async function readImportPart(db: DB, importId: number, seq: number): Promise<Buffer | null> {
  const row = await db.selectFrom('import_parts').select('data').where('import_id', '=', importId).where('seq', '=', seq).executeTakeFirst();
  return row ? Buffer.from(row.data) : null;
}

/** Uploaded files of imports that ended more than `before` ago (the report stays). */
export async function deleteOldImportParts(db: DB, before: number): Promise<void> {
  await db
    .deleteFrom('import_parts')
    .where('import_id', 'in', (eb) => eb.selectFrom('imports').select('id').where('status', 'in', ['completed', 'canceled']).where('updated_at', '<', before))
    .execute();
}

/** A user's imports still waiting or running. */
export async function countActiveImports(db: DB, userId: number): Promise<number> {
  const r = await db.selectFrom('imports').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('status', 'in', ['uploading', 'pending', 'running']).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** File imports whose upload never came (or never finished) by `before`. */
export async function deleteAbandonedUploads(db: DB, before: number): Promise<void> {
  await db.deleteFrom('imports').where('status', '=', 'uploading').where('updated_at', '<', before).execute();
}
