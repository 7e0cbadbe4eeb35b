/** External durations (issue 12): rows per (user, provider, external_id), read by time. */
import { randomUUID } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import { MAX_EXTERNAL_SECONDS, type ExternalSpan } from '../domain/duration.js';
import { externalSpan, type ExternalDurationInput } from '../domain/external-duration.js';
import type { DB } from './db.js';
import type { Database, ExternalDurationsTable } from './schema.js';

type Tx = Transaction<Database> | DB;
export type ExternalDurationRow = Selectable<ExternalDurationsTable>;

/** A change of one row: its span before (null when new) and after. */
export interface ExternalChange {
  row: ExternalDurationRow;
  before: { start: number; end: number } | null;
}

/**
 * Creates or updates (same provider and external_id) each item, in order. The old span is read
 * first so the caller can mark both spans dirty; the write itself is one upsert (never
 * select-then-insert), so concurrent posts of the same external_id leave one row.
 */
export async function upsertExternalDurations(tx: Tx, userId: number, provider: string, items: readonly ExternalDurationInput[], now: number): Promise<ExternalChange[]> {
  const out: ExternalChange[] = [];
  for (const item of items) {
    const old = await tx
      .selectFrom('external_durations')
      .select(['start_time', 'end_time'])
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .where('external_id', '=', item.external_id)
      .executeTakeFirst();
    const fields = {
      entity: item.entity, type: item.type, category: item.category, start_time: item.start_time, end_time: item.end_time,
      project: item.project, branch: item.branch, language: item.language, meta: item.meta, modified_at: now,
    };
    const row = await tx
      .insertInto('external_durations')
      .values({ uuid: randomUUID(), user_id: userId, provider, external_id: item.external_id, created_at: now, ...fields })
      .onConflict((oc) => oc.columns(['user_id', 'provider', 'external_id']).doUpdateSet(fields))
      .returningAll()
      .executeTakeFirstOrThrow();
    out.push({ row, before: old ? { start: Number(old.start_time), end: Number(old.end_time) } : null });
  }
  return out;
}

/** The user's external durations overlapping [start, end), by start time (spans are ≤ 24 h: the index bounds the scan). */
export async function listExternalDurations(
  db: Tx,
  userId: number,
  start: number,
  end: number,
  filter: { project?: string | null; branches?: readonly string[] } = {},
): Promise<ExternalDurationRow[]> {
  let q = db
    .selectFrom('external_durations')
    .selectAll()
    .where('user_id', '=', userId)
    .where('start_time', '<', end)
    .where('start_time', '>', start - MAX_EXTERNAL_SECONDS - 1)
    .where('end_time', '>', start);
  if (filter.project) q = q.where('project', '=', filter.project);
  if (filter.branches && filter.branches.length) q = q.where('branch', 'in', filter.branches.slice(0, 1000));
  return q.orderBy('start_time').orderBy('uuid').execute();
}

/** The spans time accounting needs for [start, end) (domain/duration.ts forEachCredit). */
export async function loadExternalSpans(db: Tx, userId: number, start: number, end: number): Promise<ExternalSpan[]> {
  const rows = await db
    .selectFrom('external_durations')
    .select(['uuid', 'entity', 'type', 'category', 'start_time', 'end_time', 'project', 'branch', 'language'])
    .where('user_id', '=', userId)
    .where('start_time', '<', end)
    .where('start_time', '>', start - MAX_EXTERNAL_SECONDS - 1)
    .where('end_time', '>', start)
    .orderBy('start_time')
    .execute();
  return rows.map(externalSpan);
}

/** Deletes the user's rows with these ids that overlap [start, end); returns their spans. */
export async function deleteExternalDurations(tx: Tx, userId: number, start: number, end: number, uuids: readonly string[]): Promise<{ start: number; end: number }[]> {
  if (uuids.length === 0) return [];
  const spans: { start: number; end: number }[] = [];
  for (let i = 0; i < uuids.length; i += 500) {
    const rows = await tx
      .deleteFrom('external_durations')
      .where('user_id', '=', userId)
      .where('uuid', 'in', uuids.slice(i, i + 500))
      .where('start_time', '<', end)
      .where('end_time', '>', start)
      .returning(['start_time', 'end_time'])
      .execute();
    for (const r of rows) spans.push({ start: Number(r.start_time), end: Number(r.end_time) });
  }
  return spans;
}

/** The first start and last end of the user's external durations (rollup rebuilds cover them). */
export async function externalActivitySpan(db: Tx, userId: number): Promise<{ first: number; last: number } | null> {
  const first = await db.selectFrom('external_durations').select('start_time').where('user_id', '=', userId).orderBy('start_time', 'asc').limit(1).executeTakeFirst();
  if (!first) return null;
  const last = await db.selectFrom('external_durations').select('start_time').where('user_id', '=', userId).orderBy('start_time', 'desc').limit(1).executeTakeFirst();
  return { first: Number(first.start_time), last: Number(last!.start_time) + MAX_EXTERNAL_SECONDS };
}

/** A span of heartbeats and one of external durations, as one (either may be null). */
export function unionSpan(a: { first: number; last: number } | null, b: { first: number; last: number } | null): { first: number; last: number } | null {
  if (!a) return b;
  if (!b) return a;
  return { first: Math.min(a.first, b.first), last: Math.max(a.last, b.last) };
}

/** The name of an API key (the provider of what a script posts with it). */
export async function apiKeyName(db: Tx, keyId: number): Promise<string | null> {
  const row = await db.selectFrom('api_keys').select('name').where('id', '=', keyId).executeTakeFirst();
  return row?.name ?? null;
}

/** The name of an OAuth app (the provider of what it posts). */
export async function oauthAppName(db: Tx, appId: number): Promise<string | null> {
  const row = await db.selectFrom('oauth_apps').select('name').where('id', '=', appId).executeTakeFirst();
  return row?.name ?? null;
}
