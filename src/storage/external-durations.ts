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
 * Creates or updates (same provider and external_id) the items, 500 per statement: the old spans
 * are read first (one query per chunk) so the caller can mark both spans dirty; the write is one
 * multi-row upsert (never select-then-insert), so concurrent posts of the same external_id leave
 * one row. Within one call a repeated (provider, external_id) keeps its last item. Returns one
 * change per distinct key.
 */
export async function upsertExternalDurations(tx: Tx, userId: number, items: readonly (ExternalDurationInput & { provider: string })[], now: number, oauthAppId: number | null = null): Promise<Map<string, ExternalChange>> {
  const last = new Map<string, ExternalDurationInput & { provider: string }>();
  for (const item of items) {
    const k = keyOf(item.provider, item.external_id);
    last.delete(k); // re-inserted: the map keeps the order of each key's last item
    last.set(k, item);
  }
  const out = new Map<string, ExternalChange>();
  const byProvider = new Map<string, (ExternalDurationInput & { provider: string })[]>();
  for (const item of last.values()) {
    const list = byProvider.get(item.provider) ?? [];
    list.push(item);
    byProvider.set(item.provider, list);
  }
  for (const [provider, list] of byProvider) {
    for (let i = 0; i < list.length; i += 500) {
      const chunk = list.slice(i, i + 500);
      const old = await tx
        .selectFrom('external_durations')
        .select(['external_id', 'start_time', 'end_time'])
        .where('user_id', '=', userId)
        .where('provider', '=', provider)
        .where('external_id', 'in', chunk.map((c) => c.external_id))
        .execute();
      const before = new Map(old.map((r) => [r.external_id, { start: Number(r.start_time), end: Number(r.end_time) }]));
      const rows = await tx
        .insertInto('external_durations')
        .values(
          chunk.map((c) => ({
            uuid: randomUUID(), user_id: userId, provider, external_id: c.external_id, entity: c.entity, type: c.type, category: c.category,
            start_time: c.start_time, end_time: c.end_time, project: c.project, branch: c.branch, language: c.language, meta: c.meta, created_at: now, modified_at: now,
            oauth_app_id: oauthAppId,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['user_id', 'provider', 'external_id']).doUpdateSet((eb) => ({
            entity: eb.ref('excluded.entity'), type: eb.ref('excluded.type'), category: eb.ref('excluded.category'),
            start_time: eb.ref('excluded.start_time'), end_time: eb.ref('excluded.end_time'), project: eb.ref('excluded.project'),
            branch: eb.ref('excluded.branch'), language: eb.ref('excluded.language'), meta: eb.ref('excluded.meta'), modified_at: eb.ref('excluded.modified_at'),
            oauth_app_id: eb.ref('excluded.oauth_app_id'),
          })),
        )
        .returningAll()
        .execute();
      for (const row of rows) out.set(keyOf(provider, row.external_id), { row, before: before.get(row.external_id) ?? null });
    }
  }
  return out;
}

/** The key of an external duration within a user: its provider and external_id. */
export function keyOf(provider: string, externalId: string): string {
  return JSON.stringify([provider, externalId]);
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

/**
 * Deletes what an OAuth app created for a user (or for every user, `userId` null: the app was
 * deleted); returns the deleted spans by user.
 */
export async function deleteAppExternalDurations(tx: Tx, appId: number, userId: number | null): Promise<Map<number, { start: number; end: number }[]>> {
  let q = tx.deleteFrom('external_durations').where('oauth_app_id', '=', appId);
  if (userId !== null) q = q.where('user_id', '=', userId);
  const rows = await q.returning(['user_id', 'start_time', 'end_time']).execute();
  const out = new Map<number, { start: number; end: number }[]>();
  for (const r of rows) {
    const list = out.get(r.user_id) ?? [];
    list.push({ start: Number(r.start_time), end: Number(r.end_time) });
    out.set(r.user_id, list);
  }
  return out;
}

/** The app of a user's authorization (grant), by its public id. */
export async function grantAppId(db: Tx, userId: number, grantUuid: string): Promise<number | null> {
  const row = await db.selectFrom('oauth_grants').select('app_id').where('user_id', '=', userId).where('uuid', '=', grantUuid).executeTakeFirst();
  return row ? row.app_id : null;
}
