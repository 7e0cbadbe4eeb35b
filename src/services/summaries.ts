/**
 * GET summaries: per-day summaries of a range, one StatsQuery (services/stats.ts) with granularity
 * 'day', each day mapped to its wire resource (wire/summary.ts) and the range's envelope around them.
 *
 * A year of one project's days with their files is ~16,000 items and 2.7 MB of JSON; building and
 * serializing it was most of its cost (issue 8: < 50 ms). So each day's JSON is kept in memory,
 * keyed by everything it depends on besides the day's rollups (settings, filters, what the viewer
 * may see, the machines' public ids, the day's text), and reused while the day's rollup version
 * (storage/rollups.ts readDayVersions, bumped in the transaction that writes the day's rows) is the
 * one it was computed at. Versions are read from the database on every request, after the rollups
 * were brought up to date, so a late heartbeat, a deletion or another instance's write of a past day
 * is seen at once; only answers from complete rollups in the user's own settings are kept (other
 * settings are raw computations with their own cache, services/time.ts).
 */
import { visibilityFor, type Viewer, type Visibility } from '../domain/access.js';
import { datesBetween, DIMENSIONS, OTHER_LANGUAGE, ROLLUP_DIMENSIONS, type DayTotals } from '../domain/duration.js';
import { isoUtc } from '../domain/calendar.js';
import { dayText, rangeBounds } from '../domain/ranges.js';
import type { Filters } from '../domain/stats-query.js';
import type { Settings } from '../domain/user.js';
import { dateRuns } from '../storage/rollups.js';
import type { UserRow } from '../storage/users.js';
import { summariesEnvelope, summaryDayResource } from '../wire/summary.js';
import { StatsService } from './stats.js';
import type { TimeService } from './time.js';

/** Characters of day JSON kept in all (~2 bytes each at most): a dozen years of one busy project's days. */
export const SUMMARY_CACHE_CHARS = 24_000_000;
/** Missing days in more runs than this are read as one range from the first to the last. */
const MAX_RUNS = 4;

interface CachedDay {
  /** The day's rollup version it was computed at (0: no rollup rows then). */
  version: number;
  /** "Today", "Yesterday" or the date's text: today's JSON is not tomorrow's "Yesterday". */
  text: string;
  json: string;
  total: number;
  /** Seconds of the "Other" language (excluded from the daily average). */
  other: number;
}

interface Entry {
  days: Map<string, CachedDay>;
  chars: number;
}

export interface SummariesQuery {
  user: UserRow;
  viewer: Viewer;
  filters: Filters;
  settings: Settings;
  /** Local dates, inclusive, in settings.zone. */
  first: string;
  last: string;
  now: number;
}

export class SummaryService {
  /** Key (user, settings, filters, visibility, machines) → its days; least recently used first. */
  private readonly entries = new Map<string, Entry>();
  private chars = 0;

  constructor(
    private readonly stats: StatsService,
    private readonly time: TimeService,
    private readonly maxChars = SUMMARY_CACHE_CHARS,
  ) {}

  /**
   * The summaries answer as JSON (the Summaries resource, with `extra` fields after its own: an org
   * dashboard's member summaries add theirs), and whether it is complete (else 202).
   */
  async summaries(q: SummariesQuery, extra: Record<string, unknown> = {}): Promise<{ json: string; upToDate: boolean }> {
    const { user, settings, filters, first, last, now } = q;
    const visibility = visibilityFor(q.viewer, user, 'summaries');
    StatsService.checkFilters(filters, visibility);
    // a project filter also shows that project's branches and files
    const withProjectDetail = !!filters.projects;
    const dimensions = withProjectDetail ? DIMENSIONS : ROLLUP_DIMENSIONS;
    const dates = datesBetween(first, last);
    const [versions, machineIds] = await Promise.all([this.time.dayVersions({ user, settings, first, last, filters, dimensions }), this.stats.machineIds(user.id)]);
    const key = JSON.stringify([user.id, settings.zone, settings.timeoutSeconds, settings.writesOnly, filters, visibility, [...machineIds].sort()]);
    const entry = versions ? this.take(key) : undefined;

    const days = new Map<string, CachedDay>();
    const missing: string[] = [];
    for (const date of dates) {
      const cached = entry?.days.get(date);
      if (cached && versions && cached.version === (versions.get(date) ?? 0) && cached.text === dayText(date, settings.zone, now)) days.set(date, cached);
      else missing.push(date);
    }
    let upToDate = true;
    let percent = 100;
    if (missing.length > 0) {
      const runs = dateRuns(missing);
      const ranges = runs.length > MAX_RUNS ? [[runs[0]![0], runs[runs.length - 1]![1]] as const] : runs;
      for (const [from, to] of ranges) {
        const answer = await this.stats.answer(
          { subjects: [user.id], range: { first: from, last: to }, zone: settings.zone, settings, filters, dimensions, granularity: 'day', viewer: q.viewer, family: 'summaries' },
          [user],
        );
        upToDate &&= answer.upToDate;
        percent = Math.min(percent, answer.percent);
        for (const date of datesBetween(from, to)) {
          if (days.has(date)) continue;
          days.set(date, this.dayOf(date, answer.days.get(date), settings.zone, dayText(date, settings.zone, now), machineIds, withProjectDetail, visibility, versions));
        }
      }
      if (versions && upToDate) this.keep(key, days);
    }

    let other = 0;
    const dayTotals: number[] = [];
    const parts: string[] = [];
    for (const date of dates) {
      const day = days.get(date)!;
      other += day.other;
      dayTotals.push(day.total);
      parts.push(day.json);
    }
    const bounds = rangeBounds(first, last, settings.zone);
    const envelope = summariesEnvelope({ dayTotals, otherSeconds: other, start: isoUtc(bounds.start), end: isoUtc(bounds.end - 1), zone: settings.zone, upToDate, percent });
    // the resource's own key order: data first, then the envelope
    return { json: `{"data":[${parts.join(',')}],${JSON.stringify({ ...envelope, ...extra }).slice(1)}`, upToDate };
  }

  private dayOf(
    date: string,
    day: DayTotals | undefined,
    zone: string,
    text: string,
    machineIds: Map<string, string>,
    withProjectDetail: boolean,
    visibility: Visibility,
    versions: Map<string, number> | null,
  ): CachedDay {
    const json = JSON.stringify(summaryDayResource({ date, day, zone, dayText: text, machineIds, withProjectDetail, visibility }));
    return { version: versions?.get(date) ?? 0, text, json, total: day?.total ?? 0, other: day?.dims.languages.get(OTHER_LANGUAGE) ?? 0 };
  }

  /** The entry of a key, now the most recently used. */
  private take(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /**
   * Keeps these days under the key, beside the days already kept there (another request may have
   * replaced or dropped the entry this one started from: the one in the map is the one counted),
   * then drops the least recently used entries beyond the budget.
   */
  private keep(key: string, days: Map<string, CachedDay>): void {
    const kept = this.entries.get(key) ?? { days: new Map<string, CachedDay>(), chars: 0 };
    for (const [date, day] of days) {
      const old = kept.days.get(date);
      if (old === day) continue;
      const grown = day.json.length - (old?.json.length ?? 0);
      kept.chars += grown;
      this.chars += grown;
      kept.days.set(date, day);
    }
    this.entries.delete(key);
    this.entries.set(key, kept);
    for (const [k, e] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(k);
      this.chars -= e.chars;
    }
  }

  /** What is kept: entries, the characters counted, and those the kept days hold (tests: the same). */
  kept(): { entries: number; chars: number; held: number } {
    let held = 0;
    for (const e of this.entries.values()) for (const d of e.days.values()) held += d.json.length;
    return { entries: this.entries.size, chars: this.chars, held };
  }
}
