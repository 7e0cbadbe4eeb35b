/**
 * Public leaders, private leaderboards and aggregate stats.
 *
 * Every number comes from the stats query layer (StatsService over rollups), computed by jobs:
 * `leaders.recompute` (periodic, and after a user's settings change) asks each recently active
 * user's time over the leaderboard ranges with the public settings (timeout 15, all heartbeats,
 * the user's own local days), ranks them and stores totals and ranks (storage/leaders.ts); it also
 * stores the last_7_days aggregate from the same answers. `aggregate.compute` computes another
 * aggregate range when it is first asked for. Reads only read what was stored.
 */
import { randomBytes } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { epochSeconds, type Clock } from '../domain/clock.js';
import { emptyDay, OTHER_LANGUAGE, type Dimension } from '../domain/duration.js';
import {
  AGGREGATE_DIMENSIONS,
  AGGREGATE_RANGES,
  aggregate,
  BOARD_RANGES,
  BOARD_SEATS,
  dailyAverageOf,
  LEADERS_PER_PAGE,
  LEADERS_RANGE,
  pageOf,
  PUBLIC_SETTINGS,
  publicLanguages,
  rank,
  totalPages,
  type Aggregate,
  type AggregateDimension,
  type BoardRange,
  type UserPeriod,
} from '../domain/leaders.js';
import { statsRange } from '../domain/ranges.js';
import { effectiveTimezone, userSettings } from '../domain/user.js';
import type { Storage } from '../storage/db.js';
import {
  activeUsersSince,
  addMember,
  aggregateRanges,
  boardEntries,
  boardMemberIds,
  boardMembers,
  boardsOf,
  countSeats,
  deleteBoard,
  findBoard,
  findBoardByCode,
  getAggregate,
  getLeaderRun,
  insertBoard,
  memberStatus,
  leaderSnapshot,
  leaderUsers,
  putAggregate,
  readyRollupStates,
  rollupRangeSums,
  usersWithDirtyRollups,
  removeMember,
  replaceLeaderRange,
  setMemberStatus,
  updateBoard,
  type AggregateRow,
  type BoardListRow,
  type LeaderboardRow,
  type LeaderEntry,
  type LeaderUser,
  type MemberRow,
  type PublicFilters,
} from '../storage/leaders.js';
import { findUserByHandle, type UserRow } from '../storage/users.js';
import type { StatsService } from './stats.js';

/** How often the leaders are recomputed (the reference: at least every 12 hours). */
export const LEADERS_EVERY_S = 3600;
/** Delay of the recomputation after a settings change (changes within it are one recomputation). */
export const LEADERS_SETTLE_MS = 5000;

/** The user fields the leaders and the aggregate depend on. */
const LEADER_FIELDS = [
  'timezone',
  'logged_time_public',
  'languages_used_public',
  'editors_used_public',
  'os_used_public',
  'categories_used_public',
  'city_country_code',
  'is_hireable',
] as const satisfies readonly (keyof UserRow)[];

/** Whether a change of a user's row changes what the leaders or the aggregate hold. */
export function leaderFieldsChanged(before: UserRow, after: UserRow): boolean {
  return LEADER_FIELDS.some((f) => before[f] !== after[f]);
}

/** Stored aggregates of named ranges older than this are recomputed by the periodic run. */
const AGGREGATE_REFRESH_S = 6 * 3600;
/** Past years move only with late heartbeats: refreshed daily. */
const YEAR_REFRESH_S = 24 * 3600;
/** Users asked at once during a recomputation. */
const CONCURRENCY = 4;

const AGG_DIMS = Object.keys(AGGREGATE_DIMENSIONS) as AggregateDimension[];

/** Users read from stored rollups per query in a recomputation. */
const BULK_USERS = 500;

interface PeriodAnswer {
  period: UserPeriod;
  languages: Map<string, number>;
  upToDate: boolean;
}

/** A user's numbers from their range sums: total without Other, daily average, shared dimensions. */
function periodFrom(user: UserRow, sumTotal: number, sums: Record<Dimension, Map<string, number>>, activeDays: number, dims: readonly Dimension[]): Omit<PeriodAnswer, 'upToDate'> {
  const languages = sums.languages;
  const total = Math.max(0, sumTotal - (languages.get(OTHER_LANGUAGE) ?? 0));
  const period: UserPeriod = { userId: user.id, total, dailyAverage: dailyAverageOf(total, activeDays), dims: {} };
  for (const d of AGG_DIMS) if (dims.includes(d) && user[AGGREGATE_DIMENSIONS[d]]) period.dims[d] = sums[d];
  return { period, languages };
}

/** A board's not found, or not visible to this user: the same answer, so ids are not probed. */
export class BoardNotFoundError extends NotFoundError {
  constructor() {
    super('Leaderboard not found.', 'board');
  }
}

export interface LeaderListEntry {
  rank: number;
  user: LeaderUser;
  total: number;
  dailyAverage: number;
  /** Shown languages (empty when private). */
  languages: [string, number][];
}

export interface LeadersPage {
  entries: LeaderListEntry[];
  page: number;
  totalPages: number;
  current: { rank: number | null; page: number | null; user: LeaderUser | null } | null;
  /** The UTC dates of the range and when it was computed (null: never yet). */
  run: { first: string; last: string; computedAt: number } | null;
}

export interface BoardPage extends LeadersPage {
  board: LeaderboardRow;
}

function languagesOf(json: string | null): [string, number][] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v.filter((x) => Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'number') as [string, number][]) : [];
  } catch {
    return [];
  }
}

/** A random secret for a board's join link. */
function joinCode(): string {
  return randomBytes(18).toString('base64url');
}

/** Runs `work` over items with at most `n` at once; stops early when `signal` aborts. */
async function pool<T>(items: readonly T[], n: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** Most seconds a read snapshot of the public leaders serves before it is reloaded. */
const SNAPSHOT_TTL_S = 10;

interface SnapshotEntry {
  userId: number;
  total: number;
  dailyAverage: number;
  languages: [string, number][];
  country: string | null;
  hireable: boolean;
  languagesPublic: boolean;
}

interface Snapshot {
  /** Public entries in stored rank order. */
  entries: SnapshotEntry[];
  /** Per language key: entries whose languages are public, in the stored language rank order. */
  byLanguage: Map<string, SnapshotEntry[]>;
  run: { first: string; last: string; computedAt: number };
}

export class LeaderService {
  private snapshot: { computedAt: number; loadedAt: number; promise: Promise<Snapshot> } | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly stats: StatsService,
    private readonly clock: Clock,
    /** Asks for an aggregate range to be computed (the job runner; null in tests without one). */
    private readonly requestAggregate: (range: string) => Promise<void> = async () => {},
  ) {}

  private now(): number {
    return epochSeconds(this.clock);
  }

  /** One user's numbers over a named range with the public settings, from the stats query layer. */
  private async periodOf(user: UserRow, range: string, dims: readonly Dimension[]): Promise<PeriodAnswer | null> {
    const zone = effectiveTimezone(user);
    const r = statsRange(range, zone, this.now(), '2000-01-01');
    if (!r) return null;
    const answer = await this.stats.answer(
      {
        subjects: [user.id],
        range: { first: r.first, last: r.last },
        zone,
        settings: { ...PUBLIC_SETTINGS },
        filters: {},
        dimensions: dims,
        granularity: 'range',
        viewer: { kind: 'owner', scopes: 'all' },
        family: 'stats',
      },
      [user],
    );
    const activeDays = [...answer.dayTotals.values()].filter((s) => s > 0).length;
    return { ...periodFrom(user, answer.sum.total, answer.sum.dims, activeDays, dims), upToDate: answer.upToDate };
  }

  /**
   * Every user's numbers over a named range. Users whose rollups are built with the public
   * settings and hold every change (no dirty marks) are read from the stored day rollups, many at
   * once — exactly what the stats query layer would read for each; the others (own timeout or
   * writes_only, rollups being built, recent changes) go through the stats query layer one by one.
   */
  private async periods(users: readonly UserRow[], range: string, dims: readonly Dimension[], signal?: AbortSignal): Promise<(PeriodAnswer & { user: UserRow })[]> {
    const out: (PeriodAnswer & { user: UserRow })[] = [];
    const slow: UserRow[] = [];
    const now = this.now();
    for (let i = 0; i < users.length && !signal?.aborted; i += BULK_USERS) {
      const chunk = users.slice(i, i + BULK_USERS);
      const publicOwn = chunk.filter((u) => {
        const s = userSettings(u);
        return s.timeoutSeconds === PUBLIC_SETTINGS.timeoutSeconds && s.writesOnly === PUBLIC_SETTINGS.writesOnly;
      });
      const ids = publicOwn.map((u) => u.id);
      const [states, dirty] = await Promise.all([readyRollupStates(this.storage.db, ids, PUBLIC_SETTINGS), usersWithDirtyRollups(this.storage.db, ids)]);
      const zoneOf = new Map(states.map((s) => [s.user_id, s.timezone]));
      const fast = new Map<number, { user: UserRow; first: string; last: string }>();
      for (const u of publicOwn) {
        const zone = effectiveTimezone(u);
        if (zoneOf.get(u.id) !== zone || dirty.has(u.id)) continue;
        const r = statsRange(range, zone, now, '2000-01-01');
        if (r) fast.set(u.id, { user: u, first: r.first, last: r.last });
      }
      for (const u of chunk) if (!fast.has(u.id)) slow.push(u);
      if (fast.size === 0) continue;
      // one query pair per date range (users in zones on the same dates share one)
      const byDates = new Map<string, UserRow[]>();
      for (const f of fast.values()) {
        const key = `${f.first}|${f.last}`;
        const list = byDates.get(key);
        if (list) list.push(f.user);
        else byDates.set(key, [f.user]);
      }
      for (const [key, group] of byDates) {
        const [first, last] = key.split('|') as [string, string];
        const { sums, activeDays } = await rollupRangeSums(this.storage.db, group.map((u) => u.id), first, last, dims);
        const acc = new Map<number, { total: number; dims: Record<Dimension, Map<string, number>> }>();
        for (const u of group) acc.set(u.id, { total: 0, dims: emptyDay().dims });
        for (const row of sums) {
          const a = acc.get(row.user_id)!;
          if (row.dimension === 'total') a.total += row.seconds;
          else a.dims[row.dimension as Dimension]?.set(row.name, row.seconds);
        }
        for (const u of group) {
          const a = acc.get(u.id)!;
          out.push({ user: u, ...periodFrom(u, a.total, a.dims, activeDays.get(u.id) ?? 0, dims), upToDate: true });
        }
      }
    }
    await pool(
      slow,
      CONCURRENCY,
      async (user) => {
        const p = await this.periodOf(user, range, dims);
        if (p) out.push({ user, ...p });
      },
      signal,
    );
    return out;
  }

  /** The UTC dates of a named range today (the envelope; each user's own days are in their zone). */
  private utcRange(range: string): { first: string; last: string } {
    const r = statsRange(range, 'UTC', this.now(), '2000-01-01')!;
    return { first: r.first, last: r.last };
  }

  /**
   * Recomputes the stored leaders (last_7_days for everyone recently active; other board ranges for
   * their boards' members) and the last_7_days aggregate; then refreshes stored aggregates that
   * are old. Safe to run concurrently (each range is replaced in one transaction).
   */
  async recompute(signal?: AbortSignal): Promise<{ users: number }> {
    const now = this.now();
    let users = 0;
    for (const range of BOARD_RANGES) {
      const days = range === 'last_7_days' ? 7 : 30;
      // anyone with a heartbeat within the range (zones reach ±14 h; the timeout a little more)
      const since = now - (days + 2) * 86400;
      const only = range === LEADERS_RANGE ? undefined : await boardMemberIds(this.storage.db, range);
      const candidates = await activeUsersSince(this.storage.db, since, only);
      const dims: Dimension[] = range === LEADERS_RANGE ? ['languages', ...AGG_DIMS.filter((d) => d !== 'languages')] : ['languages'];
      const periods = await this.periods(candidates, range, dims, signal);
      if (signal?.aborted) return { users };
      users += periods.length;
      await replaceLeaderRange(this.storage.db, range, { ...this.utcRange(range), computedAt: now }, this.entries(periods));
      if (range === LEADERS_RANGE) {
        const counted = periods.filter((p) => p.user.logged_time_public);
        await this.storeAggregate(range, counted.map((p) => p.period), counted.every((p) => p.upToDate), now);
      }
    }
    // other aggregate ranges that were asked for, when old
    const row = async (r: string) => getAggregate(this.storage.db, r);
    for (const r of await aggregateRanges(this.storage.db)) {
      if (signal?.aborted) break;
      if (r === LEADERS_RANGE) continue;
      const stored = await row(r);
      const maxAge = /^\d{4}$/.test(r) ? YEAR_REFRESH_S : AGGREGATE_REFRESH_S;
      if (!stored || now - stored.computed_at > maxAge || !stored.is_up_to_date) await this.computeAggregate(r, signal);
    }
    return { users };
  }

  /** Stored rows from computed periods: totals of everyone with time, ranks among the public ones. */
  private entries(periods: { user: UserRow; period: UserPeriod; languages: Map<string, number> }[]): LeaderEntry[] {
    const withTime = periods.filter((p) => p.period.total > 0);
    const entries = new Map<number, LeaderEntry>();
    for (const p of withTime) {
      entries.set(p.user.id, {
        userId: p.user.id,
        total: p.period.total,
        dailyAverage: p.period.dailyAverage,
        languages: publicLanguages(p.languages).list,
        rank: null,
        languageRanks: new Map(),
      });
    }
    const publicOnes = withTime.filter((p) => p.user.logged_time_public);
    for (const { rank: r, entry } of rank(publicOnes.map((p) => ({ userId: p.user.id, seconds: p.period.total })))) entries.get(entry.userId)!.rank = r;
    // per language, among users whose languages are public too
    const perLanguage = new Map<string, { userId: number; seconds: number }[]>();
    for (const p of publicOnes) {
      if (!p.user.languages_used_public) continue;
      const seen = new Set<string>();
      for (const [name, seconds] of entries.get(p.user.id)!.languages) {
        const key = name.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        let list = perLanguage.get(key);
        if (!list) perLanguage.set(key, (list = []));
        list.push({ userId: p.user.id, seconds });
      }
    }
    for (const [key, list] of perLanguage) for (const { rank: r, entry } of rank(list)) entries.get(entry.userId)!.languageRanks.set(key, r);
    return [...entries.values()];
  }

  private async storeAggregate(range: string, periods: UserPeriod[], upToDate: boolean, now: number): Promise<void> {
    const agg = aggregate(periods);
    const r = this.aggregateRange(range)!;
    await putAggregate(this.storage.db, { range, first_date: r.first, last_date: r.last, data: JSON.stringify(agg), is_up_to_date: upToDate ? 1 : 0, computed_at: now });
  }

  /** The dates of an aggregate range (UTC), or null when it is not one: named ranges and past years. */
  aggregateRange(range: string): { first: string; last: string; human: string } | null {
    const r = range.trim().toLowerCase();
    const now = this.now();
    if ((AGGREGATE_RANGES as readonly string[]).includes(r)) {
      const s = statsRange(r, 'UTC', now, '2000-01-01')!;
      return { first: s.first, last: s.last, human: s.human };
    }
    if (/^\d{4}$/.test(r)) {
      const s = statsRange(r, 'UTC', now, '2000-01-01');
      // past years only: "yearly aggregate stats are calculated each year on Jan 1st"
      if (!s || s.isIncludingToday || Number(r) >= new Date(now * 1000).getUTCFullYear()) return null;
      return { first: s.first, last: s.last, human: s.human };
    }
    return null;
  }

  /** Computes and stores one aggregate range over every user who allows it. */
  async computeAggregate(range: string, signal?: AbortSignal): Promise<void> {
    const r = this.aggregateRange(range);
    if (!r) return;
    const now = this.now();
    // users with heartbeats since the range began (the year's end bounds nothing: time is in the range or not)
    const since = Date.parse(`${r.first}T00:00:00Z`) / 1000 - 2 * 86400;
    const candidates = (await activeUsersSince(this.storage.db, since)).filter((u) => u.logged_time_public);
    const answers = await this.periods(candidates, range.trim().toLowerCase(), AGG_DIMS, signal);
    if (signal?.aborted) return;
    await this.storeAggregate(
      range.trim().toLowerCase(),
      answers.map((a) => a.period),
      answers.every((a) => a.upToDate),
      now,
    );
  }

  /** A stored aggregate; null (and a computation asked for) when there is none yet. Throws on an unknown range. */
  async aggregateFor(range: string): Promise<{ row: AggregateRow; data: Aggregate; human: string } | { row: null; human: string; first: string; last: string }> {
    const r = this.aggregateRange(range);
    if (!r) throw new ValidationError('range', `Unknown range "${range}": use ${AGGREGATE_RANGES.join(', ')} or a past year (YYYY).`);
    const key = range.trim().toLowerCase();
    const row = await getAggregate(this.storage.db, key);
    if (!row) {
      await this.requestAggregate(key);
      return { row: null, human: r.human, first: r.first, last: r.last };
    }
    return { row, data: JSON.parse(row.data) as Aggregate, human: r.human };
  }

  /** Drops the read snapshot of the public leaders (a user's flags changed on this instance). */
  forgetSnapshot(): void {
    this.snapshot = null;
  }

  /**
   * The public leaders as stored (rank order) with the flags filters need, held in memory: reloaded
   * when a recomputation stored new ranks, when a preference changed here, and at most
   * SNAPSHOT_TTL_S old otherwise. Pages still re-read their users, so a user who hid their time
   * is never shown, whatever the snapshot's age.
   */
  private async currentSnapshot(): Promise<Snapshot | null> {
    const run = await getLeaderRun(this.storage.db, LEADERS_RANGE);
    if (!run) return null;
    const now = this.now();
    const held = this.snapshot;
    if (held && held.computedAt === run.computed_at && now - held.loadedAt <= SNAPSHOT_TTL_S) {
      const snap = await held.promise.catch(() => null);
      if (snap) return snap;
    }
    const loading = { computedAt: run.computed_at, loadedAt: now, promise: this.loadSnapshot(run) };
    this.snapshot = loading;
    try {
      return await loading.promise;
    } catch (err) {
      if (this.snapshot === loading) this.snapshot = null;
      throw err;
    }
  }

  private async loadSnapshot(run: { first_date: string; last_date: string; computed_at: number }): Promise<Snapshot> {
    const { rows, languageRanks } = await leaderSnapshot(this.storage.db, LEADERS_RANGE);
    const entries: SnapshotEntry[] = rows.map((r) => ({
      userId: r.user_id,
      total: r.total_seconds,
      dailyAverage: r.daily_average,
      languages: languagesOf(r.languages),
      country: r.city_country_code,
      hireable: !!r.is_hireable,
      languagesPublic: !!r.languages_used_public,
    }));
    const byUser = new Map(entries.map((e) => [e.userId, e]));
    const byLanguage = new Map<string, SnapshotEntry[]>();
    for (const l of languageRanks) {
      const e = byUser.get(l.user_id);
      if (!e || !e.languagesPublic) continue;
      let list = byLanguage.get(l.language);
      if (!list) byLanguage.set(l.language, (list = []));
      list.push(e);
    }
    return { entries, byLanguage, run: { first: run.first_date, last: run.last_date, computedAt: run.computed_at } };
  }

  /** The public leaders: one page under the filters; `page` undefined means the viewer's page (else 1). */
  async leaders(viewer: UserRow | null, filters: PublicFilters, page: number | undefined): Promise<LeadersPage> {
    const snap = await this.currentSnapshot();
    let list = snap ? (filters.language !== undefined ? (snap.byLanguage.get(filters.language) ?? []) : snap.entries) : [];
    if (filters.countryCode !== undefined) list = list.filter((e) => e.country === filters.countryCode);
    if (filters.hireable !== undefined) list = list.filter((e) => e.hireable === filters.hireable);
    const index = viewer ? list.findIndex((e) => e.userId === viewer.id) : -1;
    const position = index >= 0 ? index + 1 : null;
    const shownPage = page ?? (position ? pageOf(position) : 1);
    const offset = (shownPage - 1) * LEADERS_PER_PAGE;
    const slice = list.slice(offset, offset + LEADERS_PER_PAGE);
    const users = new Map((await leaderUsers(this.storage.db, slice.map((e) => e.userId))).map((u) => [u.user_id, u]));
    const entries: LeaderListEntry[] = [];
    slice.forEach((e, i) => {
      const user = users.get(e.userId);
      // hidden since the snapshot was taken: left out (never shown), the others keep their places
      if (!user) return;
      entries.push({ rank: offset + i + 1, user, total: e.total, dailyAverage: e.dailyAverage, languages: user.languages_used_public ? e.languages : [] });
    });
    return {
      entries,
      page: shownPage,
      totalPages: totalPages(list.length),
      current: viewer ? { rank: position, page: position ? pageOf(position) : null, user: users.get(viewer.id) ?? userOf(viewer) } : null,
      run: snap?.run ?? null,
    };
  }

  /* Private leaderboards */

  /** A board the user has joined (owner or member); BoardNotFoundError otherwise. */
  private async joinedBoard(userId: number, uuid: string): Promise<{ board: LeaderboardRow; status: string }> {
    const board = await findBoard(this.storage.db, uuid);
    const status = board ? await memberStatus(this.storage.db, board.id, userId) : null;
    if (!board || !status || status === 'invited') throw new BoardNotFoundError();
    return { board, status };
  }

  private async ownedBoard(userId: number, uuid: string): Promise<LeaderboardRow> {
    const { board, status } = await this.joinedBoard(userId, uuid);
    if (status !== 'owner') throw new ForbiddenError('Only the owner of this leaderboard may change it.', 'board');
    return board;
  }

  async listBoards(userId: number): Promise<BoardListRow[]> {
    return boardsOf(this.storage.db, userId);
  }

  async boardListRow(userId: number, uuid: string): Promise<BoardListRow> {
    const row = (await boardsOf(this.storage.db, userId)).find((b) => b.uuid === uuid);
    if (!row) throw new BoardNotFoundError();
    return row;
  }

  async createBoard(user: UserRow, input: { name: string; time_range?: string }): Promise<BoardListRow> {
    const name = checkName(input.name);
    const range = checkRange(input.time_range ?? 'last_7_days');
    const board = await insertBoard(this.storage.db, user.id, name, range, joinCode(), this.now());
    return this.boardListRow(user.id, board.uuid);
  }

  async updateBoard(user: UserRow, uuid: string, input: { name?: string; time_range?: string; reset_join_code?: boolean }): Promise<BoardListRow> {
    const board = await this.ownedBoard(user.id, uuid);
    const patch: { name?: string; time_range?: string; join_code?: string } = {};
    if (input.name !== undefined) patch.name = checkName(input.name);
    if (input.time_range !== undefined) patch.time_range = checkRange(input.time_range);
    if (input.reset_join_code) patch.join_code = joinCode();
    await updateBoard(this.storage.db, board.id, patch, this.now());
    return this.boardListRow(user.id, uuid);
  }

  async deleteBoard(user: UserRow, uuid: string): Promise<void> {
    const board = await this.ownedBoard(user.id, uuid);
    await this.storage.db.transaction().execute((tx) => deleteBoard(tx, board.id));
  }

  /** Members and invitations (any member sees who is on the board; invitations only the owner). */
  async members(user: UserRow, uuid: string): Promise<{ board: LeaderboardRow; members: MemberRow[]; isOwner: boolean }> {
    const { board, status } = await this.joinedBoard(user.id, uuid);
    const all = await boardMembers(this.storage.db, board.id);
    const isOwner = status === 'owner';
    return { board, members: isOwner ? all : all.filter((m) => m.status !== 'invited'), isOwner };
  }

  /** The owner invites a user by username (or id); they join when they accept. */
  async invite(user: UserRow, uuid: string, handle: string): Promise<MemberRow> {
    const board = await this.ownedBoard(user.id, uuid);
    const invitee = await findUserByHandle(this.storage.db, handle.trim());
    if (!invitee) throw new NotFoundError(`User not found: ${handle}`, 'username');
    return this.storage.db.transaction().execute(async (tx) => {
      const existing = await memberStatus(tx, board.id, invitee.id);
      if (existing) throw new ConflictError(existing === 'invited' ? `${invitee.username} is already invited.` : `${invitee.username} is already on this leaderboard.`, 'username');
      if ((await countSeats(tx, board.id)) >= BOARD_SEATS) throw new ConflictError(`This leaderboard is full (${BOARD_SEATS} seats).`, 'username');
      await addMember(tx, board.id, invitee.id, 'invited', this.now());
      const row = (await boardMembers(tx, board.id)).find((m) => m.user_id === invitee.id)!;
      return row;
    });
  }

  /** Joins a board: by its join link's code, or by accepting an invitation to it. */
  async join(user: UserRow, input: { code?: string; board?: string }): Promise<BoardListRow> {
    const db = this.storage.db;
    let board: LeaderboardRow | undefined;
    if (input.code !== undefined) {
      board = await findBoardByCode(db, input.code);
      if (!board) throw new NotFoundError('This join link is not valid (it may have been reset).', 'code');
    } else if (input.board !== undefined) {
      board = await findBoard(db, input.board);
      const status = board ? await memberStatus(db, board.id, user.id) : null;
      if (!board || !status) throw new BoardNotFoundError();
    } else {
      throw new ValidationError('code', "Send the join link's code or the id of the board you were invited to.");
    }
    const b = board;
    await db.transaction().execute(async (tx) => {
      const status = await memberStatus(tx, b.id, user.id);
      if (status === 'invited') await setMemberStatus(tx, b.id, user.id, 'member');
      else if (!status) {
        if ((await countSeats(tx, b.id)) >= BOARD_SEATS) throw new ConflictError(`This leaderboard is full (${BOARD_SEATS} seats).`, 'code');
        await addMember(tx, b.id, user.id, 'member', this.now());
      }
    });
    return this.boardListRow(user.id, b.uuid);
  }

  /** Removes a member: the owner removes anyone but themselves; a member (or invitee) removes themselves (leave, decline). */
  async removeMember(user: UserRow, uuid: string, handle: string): Promise<void> {
    const db = this.storage.db;
    const board = await findBoard(db, uuid);
    const status = board ? await memberStatus(db, board.id, user.id) : null;
    if (!board || !status) throw new BoardNotFoundError();
    const target = handle === 'current' ? user : await findUserByHandle(db, handle);
    if (!target) throw new NotFoundError(`User not found: ${handle}`, 'member');
    if (target.id === user.id) {
      if (status === 'owner') throw new ConflictError('The owner cannot leave their leaderboard: delete it instead.', 'member');
    } else if (status !== 'owner') {
      throw new ForbiddenError('Only the owner of this leaderboard may remove other members.', 'member');
    }
    if (!(await removeMember(db, board.id, target.id))) throw new NotFoundError('This user is not on this leaderboard.', 'member');
  }

  /** One page of a board's members ranked by their stored time over its range. */
  async boardLeaders(user: UserRow, uuid: string, filters: { language?: string; countryCode?: string }, page: number | undefined): Promise<BoardPage> {
    const { board } = await this.joinedBoard(user.id, uuid);
    const range = board.time_range;
    const rows = await boardEntries(this.storage.db, board.id, range, filters);
    const key = filters.language;
    // a language filter ranks the members who coded in it by its seconds (case-insensitive name)
    const scored = rows.map((r) => {
      const languages = languagesOf(r.languages);
      const seconds = key === undefined ? (r.total_seconds ?? 0) : languages.reduce((a, [n, s]) => (n.toLowerCase() === key ? a + s : a), 0);
      return { userId: r.user_id, seconds, row: r, languages };
    });
    const ranked = rank(key === undefined ? scored : scored.filter((e) => e.seconds > 0));
    const mine = ranked.find((r) => r.entry.userId === user.id);
    const shownPage = page ?? (mine ? pageOf(mine.rank) : 1);
    const offset = (shownPage - 1) * LEADERS_PER_PAGE;
    // joining a private leaderboard shares your time and languages with its members
    const entries: LeaderListEntry[] = ranked
      .slice(offset, offset + LEADERS_PER_PAGE)
      .map((r) => ({ rank: r.rank, user: r.entry.row, total: r.entry.row.total_seconds ?? 0, dailyAverage: r.entry.row.daily_average ?? 0, languages: r.entry.languages }));
    const run = await getLeaderRun(this.storage.db, range);
    return {
      board,
      entries,
      page: shownPage,
      totalPages: totalPages(ranked.length),
      current: { rank: mine?.rank ?? null, page: mine ? pageOf(mine.rank) : null, user: mine?.entry.row ?? userOf(user) },
      run: run ? { first: run.first_date, last: run.last_date, computedAt: run.computed_at } : null,
    };
  }

  /** The UTC dates of a board range now (for boards whose range was never computed yet). */
  rangeDates(range: string): { first: string; last: string } {
    return this.utcRange(range);
  }
}

function userOf(u: UserRow): LeaderUser {
  return {
    user_id: u.id,
    uuid: u.uuid,
    username: u.username,
    full_name: u.full_name,
    email: u.email,
    public_email: u.public_email,
    is_email_public: u.is_email_public,
    photo: u.photo,
    photo_public: u.photo_public,
    website: u.website,
    city_country_code: u.city_country_code,
    city_name: u.city_name,
    city_state: u.city_state,
    is_hireable: u.is_hireable,
    languages_used_public: u.languages_used_public,
  };
}

function checkName(name: string): string {
  const n = name.trim();
  if (!n) throw new ValidationError('name', 'A leaderboard needs a name.');
  return n;
}

function checkRange(range: string): BoardRange {
  if (!(BOARD_RANGES as readonly string[]).includes(range)) throw new ValidationError('time_range', `time_range must be one of ${BOARD_RANGES.join(', ')}.`);
  return range as BoardRange;
}
