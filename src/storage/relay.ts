/** Relay targets and their durable outbox (one row per target and committed batch of heartbeats). */
import { sql, type Selectable, type Transaction } from 'kysely';
import type { DB } from './db.js';
import type { Database, RelayTargetsTable } from './schema.js';
import { SENT_FIELDS } from './heartbeats.js';
import type { RelayedHeartbeatSource } from '../domain/transfer.js';

export type RelayTargetRow = Selectable<RelayTargetsTable>;
type Tx = Transaction<Database> | DB;

export async function listRelayTargets(db: DB, userId: number): Promise<(RelayTargetRow & { pending: number })[]> {
  const rows = await db
    .selectFrom('relay_targets as t')
    .selectAll('t')
    .select((eb) => eb.selectFrom('relay_outbox as o').whereRef('o.target_id', '=', 't.id').select((e) => e.fn.coalesce(e.fn.sum<number>('o.count'), sql<number>`0`).as('n')).as('pending'))
    .where('t.user_id', '=', userId)
    .orderBy('t.created_at')
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({ ...r, pending: Number(r.pending ?? 0) }));
}

export async function findRelayTarget(db: DB, userId: number, uuid: string): Promise<RelayTargetRow | undefined> {
  return db.selectFrom('relay_targets').selectAll().where('user_id', '=', userId).where('uuid', '=', uuid).executeTakeFirst();
}

export async function countRelayTargets(db: DB, userId: number): Promise<number> {
  const r = await db.selectFrom('relay_targets').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertRelayTarget(db: DB, row: Omit<RelayTargetRow, 'id'>): Promise<RelayTargetRow> {
  return db.insertInto('relay_targets').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateRelayTarget(db: Tx, id: number, set: Partial<Omit<RelayTargetRow, 'id' | 'uuid' | 'user_id'>>): Promise<void> {
  await db.updateTable('relay_targets').set(set).where('id', '=', id).execute();
}

export async function deleteRelayTarget(db: DB, id: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('relay_outbox').where('target_id', '=', id).execute();
    await tx.deleteFrom('relay_targets').where('id', '=', id).execute();
  });
}

/** The enabled targets of these users (inside the ingest transaction: one indexed query per commit). */
export async function enabledTargetsOf(tx: Tx, userIds: number[]): Promise<{ id: number; user_id: number }[]> {
  if (userIds.length === 0) return [];
  return tx.selectFrom('relay_targets').select(['id', 'user_id']).where('user_id', 'in', userIds).where('enabled', '=', 1).execute();
}

export async function insertOutbox(tx: Tx, rows: { target_id: number; user_id: number; items: string; count: number; created_at: number }[]): Promise<void> {
  if (rows.length > 0) await tx.insertInto('relay_outbox').values(rows).execute();
}

/** Targets with something to deliver that are due and not leased by a deliverer. */
export async function dueTargets(db: DB, now: number, limit: number): Promise<RelayTargetRow[]> {
  return db
    .selectFrom('relay_targets as t')
    .selectAll('t')
    .where('t.enabled', '=', 1)
    .where('t.next_attempt_at', '<=', now)
    .where('t.lease_until', '<', now)
    .where((eb) => eb.exists(eb.selectFrom('relay_outbox as o').select('o.id').whereRef('o.target_id', '=', 't.id')))
    .orderBy('t.next_attempt_at')
    .limit(limit)
    .execute();
}

/** Takes the target for one deliverer until `until` (false when another holds it). */
export async function leaseTarget(db: DB, id: number, now: number, until: number): Promise<boolean> {
  const r = await db.updateTable('relay_targets').set({ lease_until: until }).where('id', '=', id).where('lease_until', '<', now).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function outboxBatch(db: DB, targetId: number, maxItems: number): Promise<{ id: number; user_id: number; items: string; count: number; created_at: number }[]> {
  const rows = await db.selectFrom('relay_outbox').select(['id', 'user_id', 'items', 'count', 'created_at']).where('target_id', '=', targetId).orderBy('id').limit(50).execute();
  const out = [];
  let n = 0;
  for (const r of rows) {
    if (out.length > 0 && n + r.count > maxItems) break;
    out.push(r);
    n += r.count;
  }
  return out;
}

export async function deleteOutbox(db: DB, ids: number[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('relay_outbox').where('id', 'in', ids).execute();
}

export type RelayHeartbeatRow = RelayedHeartbeatSource & { hash: number; machine: string | null; created_at: number };

/** The stored heartbeats among `keys` that a commit at `createdAt` inserted (not older duplicates). */
export async function heartbeatsByKeys(db: DB, userId: number, keys: [number, number][], createdAt: number): Promise<RelayHeartbeatRow[]> {
  if (keys.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const [t] of keys) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const wanted = new Set(keys.map(([t, h]) => `${t}:${h}`));
  const out: RelayHeartbeatRow[] = [];
  const hashes = [...new Set(keys.map(([, h]) => h))];
  for (let i = 0; i < hashes.length; i += 500) {
    const rows = await db
      .selectFrom('heartbeats as h')
      .leftJoin('user_agents as ua', 'ua.id', 'h.user_agent_id')
      .select([...SENT_FIELDS, 'h.machine', 'h.extra', 'h.created_at', 'ua.value as user_agent'])
      .where('h.user_id', '=', userId)
      .where('h.time', '>=', min)
      .where('h.time', '<=', max)
      .where('h.hash', 'in', hashes.slice(i, i + 500))
      .where('h.created_at', '=', createdAt)
      .execute();
    for (const r of rows) if (wanted.has(`${r.time}:${r.hash}`)) out.push(r as RelayHeartbeatRow);
  }
  return out;
}
