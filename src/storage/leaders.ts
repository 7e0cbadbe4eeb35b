/**
 * Leaders (stored totals and ranks per range), private leaderboards and their members, aggregate
 * stats (migration 045). Visibility flags are read from `users` at query time, so a user who makes
 * their time private leaves the public leaders at once, before the next recomputation.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { LeaderProfile } from '../domain/leaders.js';
import type { DB } from './db.js';
import type { AggregateStatsTable, LeaderboardsTable, LeaderRunsTable } from './schema.js';

type Tx = DB;

export type LeaderboardRow = Selectable<LeaderboardsTable>;
export type LeaderRunRow = Selectable<LeaderRunsTable>;
export type AggregateRow = Selectable<AggregateStatsTable>;

/** One user's stored numbers over a range, as the recomputation writes them. */
export interface LeaderEntry {
  userId: number;
  total: number;
  dailyAverage: number;
  /** [name, seconds], most first, without Other. */
  languages: [string, number][];
  /** Public place (null: not public when computed). */
  rank: number | null;
  /** Public place per language (lower-case key); absent: not public. */
  languageRanks: Map<string, number>;
}

/** The user columns a leaderboard entry shows. */
const USER_COLUMNS = [
  'u.id as user_id',
  'u.uuid',
  'u.username',
  'u.full_name',
  'u.email',
  'u.public_email',
  'u.is_email_public',
  'u.photo',
  'u.photo_public',
  'u.website',
  'u.city_country_code',
  'u.city_name',
  'u.city_state',
  'u.is_hireable',
  'u.languages_used_public',
] as const;

export interface LeaderUser extends LeaderProfile {
  user_id: number;
  languages_used_public: number;
}

const CHUNK = 500;

/** Replaces a range's stored totals and ranks, and records the run, in one transaction. */
export async function replaceLeaderRange(db: DB, range: string, run: { first: string; last: string; computedAt: number }, entries: readonly LeaderEntry[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    // the run's row first: it locks the range, so concurrent recomputations replace it one after the other
    await tx
      .insertInto('leader_runs')
      .values({ range, first_date: run.first, last_date: run.last, computed_at: run.computedAt })
      .onConflict((oc) => oc.column('range').doUpdateSet({ first_date: run.first, last_date: run.last, computed_at: run.computedAt }))
      .execute();
    await tx.deleteFrom('leader_languages').where('range', '=', range).execute();
    await tx.deleteFrom('leader_totals').where('range', '=', range).execute();
    for (let i = 0; i < entries.length; i += CHUNK) {
      const part = entries.slice(i, i + CHUNK);
      await tx
        .insertInto('leader_totals')
        .values(part.map((e) => ({ range, user_id: e.userId, total_seconds: e.total, daily_average: e.dailyAverage, languages: JSON.stringify(e.languages), rank: e.rank })))
        .execute();
    }
    const langs = entries.flatMap((e) => e.languages.map(([name, seconds]) => ({ range, language: name.toLowerCase(), name, user_id: e.userId, seconds, rank: e.languageRanks.get(name.toLowerCase()) ?? null })));
    // two names differing only in case: the key keeps the one with more time
    const seen = new Set<string>();
    const unique = langs.filter((l) => {
      const k = `${l.user_id}\u0001${l.language}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    for (let i = 0; i < unique.length; i += CHUNK) await tx.insertInto('leader_languages').values(unique.slice(i, i + CHUNK)).execute();
  });
}

export async function getLeaderRun(db: Tx, range: string): Promise<LeaderRunRow | undefined> {
  return db.selectFrom('leader_runs').selectAll().where('range', '=', range).executeTakeFirst();
}

export interface PublicFilters {
  /** Lower-case language key. */
  language?: string;
  countryCode?: string;
  hireable?: boolean;
}

/** A range's public entries (stored rank order) with the flags filters need: the read snapshot. */
export interface SnapshotRow {
  user_id: number;
  rank: number;
  total_seconds: number;
  daily_average: number;
  languages: string;
  city_country_code: string | null;
  is_hireable: number;
  languages_used_public: number;
}

export async function leaderSnapshot(db: Tx, range: string): Promise<{ rows: SnapshotRow[]; languageRanks: { user_id: number; language: string; rank: number }[] }> {
  const rows = (await db
    .selectFrom('leader_totals as lt')
    .innerJoin('users as u', 'u.id', 'lt.user_id')
    .select(['lt.user_id', 'lt.rank', 'lt.total_seconds', 'lt.daily_average', 'lt.languages', 'u.city_country_code', 'u.is_hireable', 'u.languages_used_public'])
    .where('lt.range', '=', range)
    .where('lt.rank', 'is not', null)
    .where('u.logged_time_public', '=', 1)
    .where('u.timezone', 'is not', null)
    .orderBy('lt.rank')
    .execute()) as SnapshotRow[];
  const languageRanks = (await db
    .selectFrom('leader_languages')
    .select(['user_id', 'language', 'rank'])
    .where('range', '=', range)
    .where('rank', 'is not', null)
    .orderBy('language')
    .orderBy('rank')
    .execute()) as { user_id: number; language: string; rank: number }[];
  return { rows, languageRanks };
}

/** The shown users of a page (still public: a user who hid their time since is left out). */
export async function leaderUsers(db: Tx, ids: readonly number[]): Promise<(LeaderUser & { logged_time_public: number })[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('users as u')
    .select([...USER_COLUMNS, 'u.logged_time_public'])
    .where('u.id', 'in', ids as number[])
    .where('u.logged_time_public', '=', 1)
    .execute() as Promise<(LeaderUser & { logged_time_public: number })[]>;
}

/** The users whose totals a range must hold: active since `since` (epoch seconds) and with a zone. */
export async function activeUsersSince(db: Tx, since: number, only?: readonly number[]): Promise<Selectable<import('./schema.js').UsersTable>[]> {
  const q = db.selectFrom('users').selectAll().where('timezone', 'is not', null).where('last_heartbeat_at', '>=', since);
  if (!only) return q.orderBy('id').execute();
  // in slices: SQLite binds at most 32,766 parameters
  const out: Selectable<import('./schema.js').UsersTable>[] = [];
  const ids = [...new Set(only)].sort((a, b) => a - b);
  for (let i = 0; i < ids.length; i += 5000) out.push(...(await q.where('id', 'in', ids.slice(i, i + 5000)).orderBy('id').execute()));
  return out;
}

/* Reading many users' stored rollups at once (the recomputation's fast path) */

/** Of these users, those whose rollups are complete and built with `settings`: their zone. */
export async function readyRollupStates(db: Tx, userIds: readonly number[], settings: { timeoutSeconds: number; writesOnly: boolean }): Promise<{ user_id: number; timezone: string }[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('rollup_state')
    .select(['user_id', 'timezone'])
    .where('user_id', 'in', userIds as number[])
    .where('status', '=', 'ready')
    .where('timeout', '=', settings.timeoutSeconds)
    .where('writes_only', '=', settings.writesOnly ? 1 : 0)
    .execute();
}

/** Of these users, those with heartbeat changes their rollups do not hold yet. */
export async function usersWithDirtyRollups(db: Tx, userIds: readonly number[]): Promise<Set<number>> {
  if (userIds.length === 0) return new Set();
  const rows = await db.selectFrom('rollup_dirty').select('user_id').distinct().where('user_id', 'in', userIds as number[]).execute();
  return new Set(rows.map((r) => r.user_id));
}

/**
 * These users' day rollups between two dates summed per user, dimension and name (dimension
 * 'total': their time), and how many of those days each had time: summed by the database, so a
 * long range returns a few rows per user.
 */
export async function rollupRangeSums(
  db: Tx,
  userIds: readonly number[],
  first: string,
  last: string,
  dimensions: readonly string[],
): Promise<{ sums: { user_id: number; dimension: string; name: string; seconds: number }[]; activeDays: Map<number, number> }> {
  if (userIds.length === 0) return { sums: [], activeDays: new Map() };
  const sums = await db
    .selectFrom('rollup_days')
    .select((eb) => ['user_id', 'dimension', 'name', eb.fn.sum<number>('seconds').as('seconds')])
    .where('user_id', 'in', userIds as number[])
    .where('day', '>=', first)
    .where('day', '<=', last)
    .where('dimension', 'in', ['total', ...dimensions])
    .groupBy(['user_id', 'dimension', 'name'])
    .execute();
  const days = await db
    .selectFrom('rollup_days')
    .select((eb) => ['user_id', eb.fn.countAll<number>().as('n')])
    .where('user_id', 'in', userIds as number[])
    .where('day', '>=', first)
    .where('day', '<=', last)
    .where('dimension', '=', 'total')
    .where('seconds', '>', 0)
    .groupBy('user_id')
    .execute();
  return {
    sums: sums.map((r) => ({ user_id: r.user_id, dimension: r.dimension, name: r.name, seconds: Number(r.seconds) })),
    activeDays: new Map(days.map((d) => [d.user_id, Number(d.n)])),
  };
}

/* Private leaderboards */

export async function insertBoard(db: DB, ownerId: number, name: string, timeRange: string, joinCode: string, now: number): Promise<LeaderboardRow> {
  return db.transaction().execute(async (tx) => {
    const board = await tx
      .insertInto('leaderboards')
      .values({ uuid: randomUUID(), owner_id: ownerId, name, time_range: timeRange, join_code: joinCode, created_at: now, modified_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.insertInto('leaderboard_members').values({ board_id: board.id, user_id: ownerId, status: 'owner', created_at: now }).execute();
    return board;
  });
}

export async function findBoard(db: Tx, uuid: string): Promise<LeaderboardRow | undefined> {
  return db.selectFrom('leaderboards').selectAll().where('uuid', '=', uuid).executeTakeFirst();
}

export async function findBoardByCode(db: Tx, code: string): Promise<LeaderboardRow | undefined> {
  return db.selectFrom('leaderboards').selectAll().where('join_code', '=', code).executeTakeFirst();
}

export async function updateBoard(db: Tx, id: number, patch: { name?: string; time_range?: string; join_code?: string }, now: number): Promise<LeaderboardRow> {
  return db
    .updateTable('leaderboards')
    .set({ ...patch, modified_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteBoard(db: Tx, id: number): Promise<void> {
  await db.deleteFrom('leaderboard_members').where('board_id', '=', id).execute();
  await db.deleteFrom('leaderboards').where('id', '=', id).execute();
}

export interface BoardListRow extends LeaderboardRow {
  status: string;
  members_count: number;
  members_with_timezones_count: number;
  seats_taken: number;
}

/** The boards a user belongs to or is invited to, with their counts. */
export async function boardsOf(db: Tx, userId: number): Promise<BoardListRow[]> {
  const boards = await db
    .selectFrom('leaderboard_members as m')
    .innerJoin('leaderboards as b', 'b.id', 'm.board_id')
    .selectAll('b')
    .select('m.status')
    .where('m.user_id', '=', userId)
    .orderBy('b.created_at')
    .orderBy('b.id')
    .execute();
  if (boards.length === 0) return [];
  const counts = await db
    .selectFrom('leaderboard_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.board_id', 'm.status', 'u.timezone'])
    .where(
      'm.board_id',
      'in',
      boards.map((b) => b.id),
    )
    .execute();
  return boards.map((b) => {
    const mine = counts.filter((c) => c.board_id === b.id);
    const joined = mine.filter((c) => c.status !== 'invited');
    return { ...b, members_count: joined.length, members_with_timezones_count: joined.filter((c) => c.timezone !== null).length, seats_taken: mine.length };
  });
}

export interface MemberRow extends LeaderUser {
  status: string;
  timezone: string | null;
  created_at: number;
}

export async function boardMembers(db: Tx, boardId: number): Promise<MemberRow[]> {
  return db
    .selectFrom('leaderboard_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([...USER_COLUMNS, 'm.status', 'u.timezone', 'm.created_at'])
    .where('m.board_id', '=', boardId)
    .orderBy('m.created_at')
    .orderBy('u.id')
    .execute() as Promise<MemberRow[]>;
}

export async function memberStatus(db: Tx, boardId: number, userId: number): Promise<string | null> {
  const row = await db.selectFrom('leaderboard_members').select('status').where('board_id', '=', boardId).where('user_id', '=', userId).executeTakeFirst();
  return row?.status ?? null;
}

export async function countSeats(db: Tx, boardId: number): Promise<number> {
  const row = await db.selectFrom('leaderboard_members').select((eb) => eb.fn.countAll().as('n')).where('board_id', '=', boardId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Adds a member (or invitation); an existing row is left as it is. */
export async function addMember(db: Tx, boardId: number, userId: number, status: 'member' | 'invited', now: number): Promise<void> {
  await db
    .insertInto('leaderboard_members')
    .values({ board_id: boardId, user_id: userId, status, created_at: now })
    .onConflict((oc) => oc.columns(['board_id', 'user_id']).doNothing())
    .execute();
}

export async function setMemberStatus(db: Tx, boardId: number, userId: number, status: 'member'): Promise<void> {
  await db.updateTable('leaderboard_members').set({ status }).where('board_id', '=', boardId).where('user_id', '=', userId).execute();
}

export async function removeMember(db: Tx, boardId: number, userId: number): Promise<boolean> {
  const r = await db.deleteFrom('leaderboard_members').where('board_id', '=', boardId).where('user_id', '=', userId).where('status', '!=', 'owner').executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export interface BoardEntryRow extends LeaderUser {
  total_seconds: number | null;
  daily_average: number | null;
  languages: string | null;
}

/** A board's members (joined, with a zone) and their stored totals over `range` (null: none stored). */
export async function boardEntries(db: Tx, boardId: number, range: string, f: { countryCode?: string }): Promise<BoardEntryRow[]> {
  let q = db
    .selectFrom('leaderboard_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('leader_totals as lt', (j) => j.onRef('lt.user_id', '=', 'm.user_id').on('lt.range', '=', range))
    .where('m.board_id', '=', boardId)
    .where('m.status', '!=', 'invited')
    .where('u.timezone', 'is not', null);
  if (f.countryCode !== undefined) q = q.where('u.city_country_code', '=', f.countryCode);
  return q.select([...USER_COLUMNS, 'lt.total_seconds', 'lt.daily_average', 'lt.languages']).execute() as unknown as Promise<BoardEntryRow[]>;
}

/** Members of boards with these time ranges (whose totals the recomputation must hold). */
export async function boardMemberIds(db: Tx, range: string): Promise<number[]> {
  const rows = await db
    .selectFrom('leaderboard_members as m')
    .innerJoin('leaderboards as b', 'b.id', 'm.board_id')
    .select('m.user_id')
    .distinct()
    .where('b.time_range', '=', range)
    .where('m.status', '!=', 'invited')
    .execute();
  return rows.map((r) => r.user_id);
}

/* Aggregate stats */

export async function getAggregate(db: Tx, range: string): Promise<AggregateRow | undefined> {
  return db.selectFrom('aggregate_stats').selectAll().where('range', '=', range).executeTakeFirst();
}

export async function putAggregate(db: DB, row: AggregateRow): Promise<void> {
  const { range, ...rest } = row;
  await db
    .insertInto('aggregate_stats')
    .values(row)
    .onConflict((oc) => oc.column('range').doUpdateSet(rest))
    .execute();
}

export async function aggregateRanges(db: Tx): Promise<string[]> {
  return (await db.selectFrom('aggregate_stats').select('range').execute()).map((r) => r.range);
}
