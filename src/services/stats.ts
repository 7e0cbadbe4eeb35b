/**
 * The one service that answers a StatsQuery (domain/stats-query.ts): per subject, per local day,
 * per dimension totals, as the viewer may see them. Summaries, stats, insights, the status bar and
 * all_time_since_today all read through it; later dashboards, goals, leaderboards and org summaries too.
 *
 * It sits on TimeService (rollups where they apply, raw heartbeats otherwise). One shortcut is
 * its own: a filter on one name of a single-valued rollup dimension (one project, one language …)
 * with no breakdown wanted is that name's seconds in the unfiltered rollups, no raw heartbeats needed.
 *
 * Other filters go to TimeService as the typed Filters: it serves them, and cross-breakdowns, from
 * the rollup cube when the settings are the user's own (services/time.ts).
 */
import { canSee, intersect, NOTHING, visibilityFor, type Visibility } from '../domain/access.js';
import { DateTime } from 'luxon';
import { dayRange as localDayBounds, EARLIEST_DATE } from '../domain/calendar.js';
import { DIMENSIONS, durations, emptyDay, ROLLUP_DIMENSIONS, type DayTotals, type Duration, type SliceBy } from '../domain/duration.js';
import { userSettings } from '../domain/user.js';
import { FILTER_DIMENSION, FILTERS, filterPredicate, FilterNotAllowedError, hasFilters, singleNameFilter, type Filters, type StatsAnswer, type StatsQuery, type SubjectAnswer } from '../domain/stats-query.js';
import type { Storage } from '../storage/db.js';
import { activitySpan, loadActivity } from '../storage/heartbeats.js';
import { loadExternalSpans } from '../storage/external-durations.js';
import { findUserById, type UserRow } from '../storage/users.js';
import type { TimeService } from './time.js';

function addInto(target: DayTotals, day: DayTotals): void {
  target.total += day.total;
  for (const d of DIMENSIONS) {
    for (const [n, s] of day.dims[d]) target.dims[d].set(n, (target.dims[d].get(n) ?? 0) + s);
  }
}

/** Several subjects' answers summed (each day, and the range). */
function merge(answers: Iterable<SubjectAnswer>): SubjectAnswer {
  const out: SubjectAnswer = { days: new Map(), dayTotals: new Map(), sum: emptyDay() };
  for (const a of answers) {
    for (const [date, day] of a.days) {
      let into = out.days.get(date);
      if (!into) out.days.set(date, (into = emptyDay()));
      addInto(into, day);
    }
    for (const [date, s] of a.dayTotals) out.dayTotals.set(date, (out.dayTotals.get(date) ?? 0) + s);
    addInto(out.sum, a.sum);
  }
  return out;
}

/** Epoch seconds now: injected, so "today", named ranges and stamps are testable. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now() / 1000;

export class StatsService {
  constructor(
    private readonly storage: Storage,
    private readonly time: TimeService,
    /** The clock the time routes read "now" from (today, named ranges, stamps). */
    readonly now: Clock = systemClock,
  ) {}

  /** Refuses a filter on a dimension the viewer may not see (FilterNotAllowedError names the filter). */
  static checkFilters(filters: Filters, v: Visibility): void {
    for (const f of FILTERS) {
      const dim = FILTER_DIMENSION[f];
      if (filters[dim]?.length && !canSee(v, dim)) throw new FilterNotAllowedError(f, dim);
    }
  }

  /**
   * Answers a query. `known`: user rows the caller already holds (the route's target user), so the
   * hot paths (status bar) read no user row twice.
   */
  async answer(query: StatsQuery, known: readonly UserRow[] = []): Promise<StatsAnswer> {
    const bySubject = new Map<number, SubjectAnswer>();
    let upToDate = true;
    let percent = 100;
    let visibility: Visibility | null = null;
    const knownById = new Map(known.map((u) => [u.id, u]));
    const users: UserRow[] = [];
    const seen: Visibility[] = [];
    for (const id of query.subjects) {
      const user = knownById.get(id) ?? (await findUserById(this.storage.db, id));
      if (!user) throw new Error(`no user ${id}`);
      const v = visibilityFor(query.viewer, user, query.family);
      visibility = visibility ? intersect(visibility, v) : v;
      StatsService.checkFilters(query.filters, v);
      users.push(user);
      seen.push(v);
    }
    const batch =
      query.ownSettings && users.length > 0 && !hasFilters(query.filters) && query.granularity !== 'day' && query.dimensions.every((d) => (ROLLUP_DIMENSIONS as readonly string[]).includes(d));
    let teamDays: Map<string, number> | null = null;
    if (batch) {
      // a team: every member's rollups in a few queries; with granularity 'total' the members'
      // days are summed per date in the database (the answer's dayTotals), not kept apart
      const many = await this.time.manyRangeSums(users, query.range.first, query.range.last, query.dimensions, query.granularity === 'range');
      teamDays = many.teamDays;
      users.forEach((user, i) => {
        const one = many.each.get(user.id)!;
        bySubject.set(user.id, { days: new Map(), dayTotals: one.value.dayTotals, sum: one.value.sum, visibility: seen[i] });
        upToDate &&= one.upToDate;
        percent = Math.min(percent, one.percent);
      });
    } else {
      for (const [i, user] of users.entries()) {
        const one = await this.subject(user, query);
        bySubject.set(user.id, { ...one.answer, visibility: seen[i] });
        upToDate &&= one.upToDate;
        percent = Math.min(percent, one.percent);
      }
    }
    const merged = bySubject.size === 1 ? [...bySubject.values()][0]! : merge(bySubject.values());
    if (teamDays) merged.dayTotals = teamDays;
    return { ...merged, bySubject, visibility: visibility ?? NOTHING, upToDate, percent };
  }

  private async subject(user: UserRow, query: StatsQuery): Promise<{ answer: SubjectAnswer; upToDate: boolean; percent: number }> {
    const settings = query.ownSettings ? userSettings(user) : { zone: query.zone, timeoutSeconds: query.settings.timeoutSeconds, writesOnly: query.settings.writesOnly };
    const base = { user, settings, first: query.range.first, last: query.range.last };
    const wanted = query.dimensions;
    const single = singleNameFilter(query.filters);
    if (single && wanted.length === 0) {
      // one name of a single-valued dimension: its seconds in the unfiltered days (rollups when they apply)
      const [dim, name] = single;
      if (query.granularity === 'total') {
        const answer = await this.time.rangeSums({ ...base, dimensions: [dim] });
        const sum = emptyDay();
        sum.total = answer.value.sum.dims[dim].get(name) ?? 0;
        return { answer: { days: new Map(), dayTotals: new Map(), sum }, upToDate: answer.upToDate, percent: answer.percent };
      }
      const answer = await this.time.days({ ...base, dimensions: [dim] });
      const dayTotals = new Map<string, number>();
      const sum = emptyDay();
      for (const [date, day] of answer.value) {
        const s = day.dims[dim].get(name) ?? 0;
        if (s > 0) dayTotals.set(date, s);
        sum.total += s;
      }
      const days = query.granularity === 'day' ? new Map([...dayTotals].map(([date, s]) => [date, { ...emptyDay(), total: s }])) : new Map<string, DayTotals>();
      return { answer: { days, dayTotals, sum }, upToDate: answer.upToDate, percent: answer.percent };
    }
    const filters = query.filters;
    if (query.granularity !== 'day') {
      const answer = await this.time.rangeSums({ ...base, filters, dimensions: wanted });
      const dayTotals = query.granularity === 'range' ? answer.value.dayTotals : new Map<string, number>();
      return { answer: { days: new Map(), dayTotals, sum: answer.value.sum }, upToDate: answer.upToDate, percent: answer.percent };
    }
    const answer = await this.time.days({ ...base, filters, dimensions: wanted });
    const sum = emptyDay();
    const dayTotals = new Map<string, number>();
    for (const [date, day] of answer.value) {
      dayTotals.set(date, day.total);
      addInto(sum, day);
    }
    return { answer: { days: answer.value, dayTotals, sum }, upToDate: answer.upToDate, percent: answer.percent };
  }

  /** A user's machines: name → public id (machine_name_id in summaries and stats). */
  async machineIds(userId: number): Promise<Map<string, string>> {
    const rows = await this.storage.db.selectFrom('machines').select(['value', 'uuid']).where('user_id', '=', userId).execute();
    return new Map(rows.map((r) => [r.value, r.uuid]));
  }

  /** The first local date of a user's history: the earlier of account creation and first heartbeat. */
  async firstDay(user: UserRow, zone: string): Promise<string> {
    const span = await activitySpan(this.storage.db, user.id);
    const first = Math.min(user.created_at, span?.first ?? Infinity);
    const date = Number.isFinite(first) ? DateTime.fromSeconds(first, { zone }).toISODate() : null;
    // a bounded range whatever the rows hold: never before EARLIEST_DATE
    return date && date > EARLIEST_DATE ? date : EARLIEST_DATE;
  }

  /** One local day's heartbeats joined into durations, sliced by `sliceBy`, under `filters`. */
  async durations(
    user: UserRow,
    q: { date: string; zone: string; settings: { timeoutSeconds: number; writesOnly: boolean }; filters: Filters; sliceBy: SliceBy; visibility: Visibility },
  ): Promise<{ list: Duration[]; start: number; end: number }> {
    StatsService.checkFilters(q.filters, q.visibility);
    const { start, end } = localDayBounds(q.date, q.zone);
    const t = q.settings.timeoutSeconds;
    const heartbeats = await loadActivity(this.storage.db, user.id, start - t, end + t, { writesOnly: q.settings.writesOnly });
    const externals = await loadExternalSpans(this.storage.db, user.id, start - 2 * t, end + 2 * t);
    return { list: durations(heartbeats, { timeoutSeconds: t, sliceBy: q.sliceBy, start, end, include: filterPredicate(q.filters), externals }), start, end };
  }
}

