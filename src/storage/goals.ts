/** Goals, their cached progress, shares and e-mail subscribers (migration 040_goals). */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DB } from './db.js';
import type { GoalsTable, GoalSharesTable, GoalSubscribersTable } from './schema.js';
import type { UserRow } from './users.js';

export type GoalRow = Selectable<GoalsTable>;
export type GoalInsert = Omit<Insertable<GoalsTable>, 'id'>;
export type GoalPatch = Omit<Updateable<GoalsTable>, 'id' | 'uuid' | 'user_id' | 'created_at'>;
export type ShareRow = Selectable<GoalSharesTable>;
export type SubscriberRow = Selectable<GoalSubscribersTable>;

/** The user fields a goal shows of its owner, sharees and subscribers (the columns of PERSON). */
export type PersonRow = Pick<UserRow, 'id' | 'uuid' | 'username' | 'email' | 'full_name' | 'photo' | 'photo_public' | 'is_email_public' | 'public_email' | 'timezone'>;

const PERSON = ['users.id', 'users.uuid', 'users.username', 'users.email', 'users.full_name', 'users.photo', 'users.photo_public', 'users.is_email_public', 'users.public_email', 'users.timezone'] as const;

export async function insertGoal(db: DB, goal: GoalInsert): Promise<GoalRow> {
  return db.insertInto('goals').values(goal).returningAll().executeTakeFirstOrThrow();
}

export async function updateGoal(db: DB, id: number, patch: GoalPatch): Promise<GoalRow> {
  return db.updateTable('goals').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function deleteGoal(db: DB, id: number): Promise<void> {
  // children first: SQLite enforces no foreign keys unless asked to
  await db.deleteFrom('goal_cache').where('goal_id', '=', id).execute();
  await db.deleteFrom('goal_shares').where('goal_id', '=', id).execute();
  await db.deleteFrom('goal_subscribers').where('goal_id', '=', id).execute();
  await db.deleteFrom('goals').where('id', '=', id).execute();
}

export async function findGoalByUuid(db: DB, uuid: string): Promise<GoalRow | undefined> {
  return db.selectFrom('goals').selectAll().where('uuid', '=', uuid).executeTakeFirst();
}

export async function countGoals(db: DB, userId: number): Promise<number> {
  const row = await db.selectFrom('goals').select((eb) => eb.fn.countAll<string | number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function goalsOwnedBy(db: DB, userId: number): Promise<GoalRow[]> {
  return db.selectFrom('goals').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
}

/**
 * Goals shared with a user and not declined: by their account, or by their e-mail address when
 * they proved they own it (`emailConfirmed`).
 */
export async function goalsSharedWith(db: DB, user: { id: number; email: string | null; emailConfirmed: boolean }): Promise<GoalRow[]> {
  const email = user.emailConfirmed && user.email ? user.email.toLowerCase() : null;
  return db
    .selectFrom('goals')
    .selectAll('goals')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('goal_shares')
          .select('goal_shares.id')
          .whereRef('goal_shares.goal_id', '=', 'goals.id')
          .where('goal_shares.status', '!=', 'declined')
          .where((w) => (email ? w.or([w('goal_shares.user_id', '=', user.id), w.and([w('goal_shares.user_id', 'is', null), w('goal_shares.email', '=', email)])]) : w('goal_shares.user_id', '=', user.id))),
      ),
    )
    .where('goals.user_id', '!=', user.id)
    .orderBy('goals.created_at', 'desc')
    .orderBy('goals.id', 'desc')
    // others decide how many goals they share with someone: the list stays bounded
    .limit(MAX_SHARED_LISTED)
    .execute()
    .then((rows) => rows.reverse());
}

/** Most goals shared with one user that their list shows (the newest). */
export const MAX_SHARED_LISTED = 200;

/** Shares an owner created since `since` (invitation e-mails are limited per hour). */
export async function sharesCreatedSince(db: DB, ownerId: number, since: number): Promise<number> {
  const r = await db
    .selectFrom('goal_shares')
    .innerJoin('goals', 'goals.id', 'goal_shares.goal_id')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('goals.user_id', '=', ownerId)
    .where('goal_shares.created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function findPeople(db: DB, ids: readonly number[]): Promise<Map<number, PersonRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(PERSON).where('users.id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export async function sharesOf(db: DB, goalIds: readonly number[]): Promise<ShareRow[]> {
  if (goalIds.length === 0) return [];
  return db.selectFrom('goal_shares').selectAll().where('goal_id', 'in', [...goalIds]).orderBy('id').execute();
}

export async function insertShare(db: DB, share: Omit<Insertable<GoalSharesTable>, 'id'>): Promise<void> {
  await db.insertInto('goal_shares').values(share).execute();
}

export async function deleteShares(db: DB, ids: readonly number[]): Promise<void> {
  if (ids.length) await db.deleteFrom('goal_shares').where('id', 'in', [...ids]).execute();
}

/** The share of a goal with this user (by account, or a confirmed e-mail address). */
export async function shareFor(db: DB, goalId: number, user: { id: number; email: string | null; emailConfirmed: boolean }): Promise<ShareRow | undefined> {
  const rows = await db.selectFrom('goal_shares').selectAll().where('goal_id', '=', goalId).execute();
  const email = user.emailConfirmed && user.email ? user.email.toLowerCase() : null;
  return rows.find((r) => r.user_id === user.id) ?? rows.find((r) => r.user_id === null && email !== null && r.email === email);
}

export async function respondToShare(db: DB, id: number, userId: number, status: string, now: number): Promise<void> {
  // accepting an e-mail invitation binds it to the account that accepted it
  await db.updateTable('goal_shares').set({ status, responded_at: now, user_id: userId }).where('id', '=', id).execute();
}

export async function subscribersOf(db: DB, goalIds: readonly number[]): Promise<SubscriberRow[]> {
  if (goalIds.length === 0) return [];
  return db.selectFrom('goal_subscribers').selectAll().where('goal_id', 'in', [...goalIds]).orderBy('created_at').execute();
}

export async function upsertSubscriber(db: DB, row: { goal_id: number; user_id: number; email_frequency: string; snooze_until: number | null; created_at: number }): Promise<void> {
  await db
    .insertInto('goal_subscribers')
    .values({ ...row, last_sent_key: null })
    .onConflict((oc) => oc.columns(['goal_id', 'user_id']).doUpdateSet({ email_frequency: row.email_frequency, snooze_until: row.snooze_until }))
    .execute();
}

export async function deleteSubscriber(db: DB, goalId: number, userId: number): Promise<void> {
  await db.deleteFrom('goal_subscribers').where('goal_id', '=', goalId).where('user_id', '=', userId).execute();
}

/** Subscriptions that may be due an e-mail: enabled goals, frequency set, not snoozed at `now`. */
export async function activeSubscriptions(db: DB, now: number, afterGoalId: number, limit: number): Promise<(SubscriberRow & { goal_uuid: string })[]> {
  return db
    .selectFrom('goal_subscribers')
    .innerJoin('goals', 'goals.id', 'goal_subscribers.goal_id')
    .selectAll('goal_subscribers')
    .select('goals.uuid as goal_uuid')
    .where('goals.is_enabled', '=', 1)
    .where('goal_subscribers.email_frequency', '!=', 'none')
    .where((eb) => eb.or([eb('goal_subscribers.snooze_until', 'is', null), eb('goal_subscribers.snooze_until', '<=', now)]))
    .where('goal_subscribers.goal_id', '>', afterGoalId)
    .orderBy('goal_subscribers.goal_id')
    .orderBy('goal_subscribers.user_id')
    .limit(limit)
    .execute();
}

/**
 * Claims a period's e-mail for a subscriber: true for exactly one caller per (goal, user, key)
 * across instances (a conditional update).
 */
export async function claimSend(db: DB, goalId: number, userId: number, key: string): Promise<boolean> {
  const r = await db
    .updateTable('goal_subscribers')
    .set({ last_sent_key: key })
    .where('goal_id', '=', goalId)
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_sent_key', 'is', null), eb('last_sent_key', '!=', key)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Gives a claim back (the e-mail could not be sent: the next round tries again). */
export async function releaseSend(db: DB, goalId: number, userId: number, key: string, previous: string | null): Promise<void> {
  await db.updateTable('goal_subscribers').set({ last_sent_key: previous }).where('goal_id', '=', goalId).where('user_id', '=', userId).where('last_sent_key', '=', key).execute();
}

// ── the cache ──────────────────────────────────────────────────────────────────────────────────

export interface CacheRow {
  goal_id: number;
  computed_for: string;
  computed_at: number;
  body: string;
  dirty: number;
}

export async function cacheOf(db: DB, goalIds: readonly number[]): Promise<Map<number, CacheRow>> {
  if (goalIds.length === 0) return new Map();
  const rows = await db.selectFrom('goal_cache').select(['goal_id', 'computed_for', 'computed_at', 'body', 'dirty']).where('goal_id', 'in', [...goalIds]).execute();
  return new Map(rows.map((r) => [r.goal_id, r]));
}

/** Stores a goal's progress; nothing when the goal was deleted meanwhile (INSERT … SELECT from goals). */
export async function putCache(db: DB, row: { goal_id: number; user_id: number; computed_for: string; computed_at: number; body: string }): Promise<void> {
  await db
    .insertInto('goal_cache')
    .columns(['goal_id', 'user_id', 'computed_for', 'computed_at', 'body', 'dirty'])
    .expression((eb) =>
      eb
        .selectFrom('goals')
        .select([
          'goals.id',
          'goals.user_id',
          // typed: PostgreSQL cannot infer a parameter's type in a select list
          sql<string>`cast(${row.computed_for} as text)`.as('computed_for'),
          sql<number>`cast(${row.computed_at} as double precision)`.as('computed_at'),
          sql<string>`cast(${row.body} as text)`.as('body'),
          sql<number>`cast(0 as integer)`.as('dirty'),
        ])
        .where('goals.id', '=', row.goal_id),
    )
    .onConflict((oc) => oc.column('goal_id').doUpdateSet({ computed_for: row.computed_for, computed_at: row.computed_at, body: row.body, dirty: 0 }))
    .execute();
}

export async function dropCache(db: DB, goalId: number): Promise<void> {
  await db.deleteFrom('goal_cache').where('goal_id', '=', goalId).execute();
}

/** Which of these users own a goal (one indexed read; most users have none). */
export async function usersWithGoals(db: DB, userIds: readonly number[]): Promise<number[]> {
  if (userIds.length === 0) return [];
  const rows = await db.selectFrom('goals').select('user_id').distinct().where('user_id', 'in', [...userIds]).execute();
  return rows.map((r) => r.user_id);
}

/** Marks these users' cached goals as out of date (written only where not already marked). */
export async function markCacheDirty(db: DB, userIds: readonly number[]): Promise<void> {
  if (userIds.length) await db.updateTable('goal_cache').set({ dirty: 1 }).where('user_id', 'in', [...userIds]).where('dirty', '=', 0).execute();
}

/** Users with dirty caches (a periodic sweep recomputes them if their job was lost). */
export async function usersWithDirtyCache(db: DB, limit: number): Promise<number[]> {
  const rows = await db.selectFrom('goal_cache').select('user_id').distinct().where('dirty', '=', 1).limit(limit).execute();
  return rows.map((r) => r.user_id);
}
