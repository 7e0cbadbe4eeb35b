/**
 * Time accounting: heartbeats → credited time → durations and per-day, per-dimension totals.
 * WakaTime's rule (../shared/spec/README.md): sort by time; a gap to the next heartbeat shorter
 * than the timeout is credited to the EARLIER heartbeat; a longer gap counts 0; nothing before the
 * first or after the last. Days are local days of an IANA zone; a credited gap that crosses local
 * midnight is split between the days. Pure: no I/O.
 */
import { DateTime } from 'luxon';
import type { ActivityHeartbeat } from './heartbeat.js';
import { DIMENSIONS, ROLLUP_DIMENSIONS, type Dimension } from './dimensions.js';

export const DEFAULT_TIMEOUT_MINUTES = 15;
export const MIN_TIMEOUT_MINUTES = 1;
export const MAX_TIMEOUT_MINUTES = 240;

/** Seconds credited to each heartbeat of a time-sorted list. */
export function credits(heartbeats: readonly { time: number }[], timeoutSeconds: number): Float64Array {
  const out = new Float64Array(heartbeats.length);
  for (let i = 0; i + 1 < heartbeats.length; i++) {
    const gap = heartbeats[i + 1]!.time - heartbeats[i]!.time;
    if (gap < timeoutSeconds) out[i] = gap;
  }
  return out;
}

/** The heartbeats time accounting sees: all of them, or only writes with writes_only. */
export function accountable<T extends { is_write: boolean }>(heartbeats: readonly T[], writesOnly: boolean): T[] {
  return writesOnly ? heartbeats.filter((h) => h.is_write) : [...heartbeats];
}

// ---- external durations ----------------------------------------------------------------------

/**
 * An external duration as time accounting sees it (issue 12): a span of activity an app reported
 * (a meeting, a calendar event), counting under the names of `activity` (its `time` is `start`).
 */
export interface ExternalSpan {
  /** Public id: orders spans with the same start. */
  id: string;
  start: number;
  end: number;
  activity: ActivityHeartbeat;
}

/** The longest external duration (24 hours): its pieces per UTC hour are bounded by construction. */
export const MAX_EXTERNAL_SECONDS = 86_400;

/**
 * Walks the credited time of a user's stream: `visit(h, from, length, at)` for each piece of time
 * credited to `h`, `at` being the instant whose UTC hour holds the piece in hourly partials.
 *
 * Without external durations, each heartbeat's credited gap (its own time: `at` = h.time).
 * With them, WakaTime's rule that time is never counted twice, as one rule:
 * - an external duration's span counts as one duration: where external durations overlap, the one
 *   that starts first (then the smaller id) keeps the overlap, so each one's counted part is
 *   [max(start, end of every earlier one), end); that part is visited per UTC hour it touches
 *   (`at` = the piece's start), so an hourly partial depends only on spans overlapping its hour;
 * - a heartbeat's credited gap counts only outside every external span (the app reported that
 *   time explicitly); its remaining pieces stay in the heartbeat's own hour. So a heartbeat change
 *   affects the same hours it did without external durations, and an external duration change
 *   affects only the hours from its start − timeout to its end.
 * The heartbeats must be sorted by time; `externals` in any order (spans not finite or not longer
 * than zero are ignored, longer than MAX_EXTERNAL_SECONDS are cut there).
 */
export function forEachCredit(
  heartbeats: readonly ActivityHeartbeat[],
  timeoutSeconds: number,
  externals: readonly ExternalSpan[] | undefined,
  visit: (h: ActivityHeartbeat, from: number, length: number, at: number) => void,
): void {
  const c = credits(heartbeats, timeoutSeconds);
  if (!externals || externals.length === 0) {
    for (let i = 0; i < heartbeats.length; i++) {
      const credit = c[i]!;
      if (credit > 0) visit(heartbeats[i]!, heartbeats[i]!.time, credit, heartbeats[i]!.time);
    }
    return;
  }
  const spans = countedSpans(externals);
  for (const { span, from } of spans) {
    // per UTC hour: at most MAX_EXTERNAL_SECONDS / 3600 + 2 pieces, counted before the loop
    const pieces = Math.ceil((span.end - from) / 3600) + 1;
    let t = from;
    for (let k = 0; k < pieces && t < span.end; k++) {
      const next = Math.min(span.end, (Math.floor(t / 3600) + 1) * 3600);
      visit(span.activity, t, next - t, t);
      t = next;
    }
  }
  const covered = union(spans.map((s) => s.span));
  let k = 0;
  for (let i = 0; i < heartbeats.length; i++) {
    const credit = c[i]!;
    if (credit <= 0) continue;
    const h = heartbeats[i]!;
    const stop = h.time + credit;
    while (k < covered.length && covered[k]!.end <= h.time) k++;
    let t = h.time;
    for (let j = k; j < covered.length && covered[j]!.start < stop && t < stop; j++) {
      const u = covered[j]!;
      if (u.start > t) visit(h, t, u.start - t, h.time);
      t = Math.max(t, u.end);
    }
    if (t < stop) visit(h, t, stop - t, h.time);
  }
}

/** The spans sorted by (start, id), each with where its counted part begins (after every earlier one). */
function countedSpans(externals: readonly ExternalSpan[]): { span: ExternalSpan; from: number }[] {
  const valid = externals
    .filter((e) => Number.isFinite(e.start) && Number.isFinite(e.end) && e.end > e.start)
    .map((e) => (e.end - e.start > MAX_EXTERNAL_SECONDS ? { ...e, end: e.start + MAX_EXTERNAL_SECONDS } : e))
    .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out: { span: ExternalSpan; from: number }[] = [];
  let coveredUntil = -Infinity;
  for (const span of valid) {
    const from = Math.max(span.start, coveredUntil);
    if (span.end > from) out.push({ span, from });
    coveredUntil = Math.max(coveredUntil, span.end);
  }
  return out;
}

/** The union of spans sorted by start, as disjoint intervals in order. */
function union(spans: readonly { start: number; end: number }[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/**
 * Durations with external durations merged in: each external span's counted part is one duration,
 * heartbeat durations keep only their parts outside every external span; sorted by start.
 */
function mergeExternalDurations(
  base: Duration[],
  externals: readonly ExternalSpan[],
  start: number,
  end: number,
  include: ((h: ActivityHeartbeat) => boolean) | undefined,
): Duration[] {
  const spans = countedSpans(externals);
  const covered = union(spans.map((s) => s.span));
  const out: Duration[] = [];
  for (const { span, from } of spans) {
    if (include && !include(span.activity)) continue;
    const a = Math.max(from, start);
    const b = Math.min(span.end, end);
    if (b > a) out.push({ time: a, duration: b - a, project: span.activity.project, first: span.activity });
  }
  let k = 0;
  for (const d of base) {
    const stop = d.time + d.duration;
    while (k < covered.length && covered[k]!.end <= d.time) k++;
    if (d.duration === 0) {
      if (!(k < covered.length && covered[k]!.start <= d.time)) out.push(d);
      continue;
    }
    let t = d.time;
    for (let j = k; j < covered.length && covered[j]!.start < stop && t < stop; j++) {
      const u = covered[j]!;
      if (u.start > t) out.push({ ...d, time: t, duration: u.start - t });
      t = Math.max(t, u.end);
    }
    if (t < stop) out.push({ ...d, time: t, duration: stop - t });
  }
  return out.sort((x, y) => x.time - y.time);
}

// ---- names shown for missing values ----------------------------------------------------------

export const UNKNOWN = {
  project: 'Unknown Project',
  language: 'Other',
  editor: 'Unknown Editor',
  operating_system: 'Unknown OS',
  machine: 'Unknown Machine',
} as const;

export const OTHER_LANGUAGE = 'Other';

// ---- durations -------------------------------------------------------------------------------

export const SLICE_BY = ['entity', 'language', 'dependencies', 'os', 'editor', 'category', 'machine'] as const;
export type SliceBy = (typeof SLICE_BY)[number];

function sliceValue(h: ActivityHeartbeat, by: SliceBy): string | null {
  switch (by) {
    case 'entity':
      return h.entity;
    case 'language':
      return h.language ?? UNKNOWN.language;
    case 'dependencies':
      return h.dependencies.length ? h.dependencies.join(',') : null;
    case 'os':
      return h.operating_system ?? UNKNOWN.operating_system;
    case 'editor':
      return h.editor ?? UNKNOWN.editor;
    case 'category':
      return h.category;
    case 'machine':
      return h.machine ?? UNKNOWN.machine;
  }
}

export interface Duration {
  /** Start, epoch seconds. */
  time: number;
  /** Length in seconds. */
  duration: number;
  project: string | null;
  /** The heartbeat that starts this duration (its slice value, branch, …). */
  first: ActivityHeartbeat;
}

/**
 * Joins consecutive heartbeats with the same project and slice value into durations while the
 * gaps stay under the timeout; each heartbeat contributes its credited gap. Clipped to [start, end).
 */
export function durations(
  heartbeats: readonly ActivityHeartbeat[],
  options: { timeoutSeconds: number; sliceBy?: SliceBy; start?: number; end?: number; include?: (h: ActivityHeartbeat) => boolean; externals?: readonly ExternalSpan[] },
): Duration[] {
  const by = options.sliceBy ?? 'entity';
  const start = options.start ?? -Infinity;
  const end = options.end ?? Infinity;
  const c = credits(heartbeats, options.timeoutSeconds);
  const out: Duration[] = [];
  let current: { from: number; to: number; first: ActivityHeartbeat; key: string; last: number } | null = null;
  const flush = () => {
    if (!current) return;
    const from = Math.max(current.from, start);
    const to = Math.min(current.to, end);
    if (to > from || (current.from >= start && current.from < end)) out.push({ time: from, duration: Math.max(0, to - from), project: current.first.project, first: current.first });
    current = null;
  };
  for (let i = 0; i < heartbeats.length; i++) {
    const h = heartbeats[i]!;
    if (options.include && !options.include(h)) {
      flush();
      continue;
    }
    const key = `${h.project ?? ''}\u0000${sliceValue(h, by) ?? ''}`;
    if (current && current.key === key && current.last === i - 1 && c[i - 1]! > 0) {
      current.to = h.time + c[i]!;
      current.last = i;
    } else {
      flush();
      current = { from: h.time, to: h.time + c[i]!, first: h, key, last: i };
    }
  }
  flush();
  return options.externals?.length ? mergeExternalDurations(out, options.externals, start, end, options.include) : out;
}

// ---- local days ------------------------------------------------------------------------------

/** Finds the local day of instants quickly: Luxon only when a day boundary is crossed. */
export class DayCursor {
  private dayStart = Infinity;
  private dayEnd = -Infinity;
  private date = '';
  constructor(private readonly zone: string) {}

  /** The local day containing `t`, with its [start, end) in epoch seconds. */
  at(t: number): { date: string; start: number; end: number } {
    if (t < this.dayStart || t >= this.dayEnd) {
      const d = DateTime.fromSeconds(t, { zone: this.zone }).startOf('day');
      if (!d.isValid) throw new RangeError(`no local day for the instant ${t} in ${this.zone}`);
      this.dayStart = d.toSeconds();
      this.dayEnd = d.plus({ days: 1 }).startOf('day').toSeconds();
      this.date = d.toISODate()!;
    }
    return { date: this.date, start: this.dayStart, end: this.dayEnd };
  }
}

/** No local day is shorter than this (DST days are 23 hours; a zone that skips a whole day skips it outright). */
const SHORTEST_DAY_SECONDS = 12 * 3600;

/**
 * Calls `emit(date, seconds)` for each local-day piece of [from, from + length). Bounded by
 * construction: at most one piece per local day the span can touch, computed before the loop.
 */
export function splitByDay(cursor: DayCursor, from: number, length: number, emit: (date: string, seconds: number) => void): void {
  if (!Number.isFinite(from) || !Number.isFinite(length)) throw new RangeError(`cannot split a non-finite span (${from}, ${length}) into days`);
  const stop = from + length;
  const maxPieces = Math.ceil(length / SHORTEST_DAY_SECONDS) + 2;
  let t = from;
  for (let piece = 0; piece < maxPieces && t < stop; piece++) {
    const day = cursor.at(t);
    const pieceEnd = Math.min(stop, day.end);
    if (!(pieceEnd > t)) break;
    emit(day.date, pieceEnd - t);
    t = pieceEnd;
  }
}

// ---- per-day, per-dimension totals -----------------------------------------------------------

// The one dimension list (domain/dimensions.ts), re-exported for the time engine's callers.
export { DIMENSIONS, ROLLUP_DIMENSIONS, type Dimension } from './dimensions.js';

export interface DayTotals {
  total: number;
  dims: Record<Dimension, Map<string, number>>;
}

export function emptyDay(): DayTotals {
  return { total: 0, dims: Object.fromEntries(DIMENSIONS.map((d) => [d, new Map()])) as Record<Dimension, Map<string, number>> };
}

function add(map: Map<string, number>, name: string, seconds: number): void {
  map.set(name, (map.get(name) ?? 0) + seconds);
}

/** Names a heartbeat counts under, per dimension. */
export function namesOf(h: ActivityHeartbeat, dim: Dimension): string[] {
  switch (dim) {
    case 'categories':
      return [h.category];
    case 'projects':
      return [h.project ?? UNKNOWN.project];
    case 'languages':
      return [h.language ?? UNKNOWN.language];
    case 'editors':
      return [h.editor ?? UNKNOWN.editor];
    case 'operating_systems':
      return [h.operating_system ?? UNKNOWN.operating_system];
    case 'dependencies':
      return h.dependencies;
    case 'machines':
      return [h.machine ?? UNKNOWN.machine];
    case 'branches':
      return h.branch ? [h.branch] : [];
    case 'entities':
      return [h.entity];
  }
}

export interface TotalsOptions {
  timeoutSeconds: number;
  zone: string;
  /** Only time inside [start, end) counts. */
  start?: number;
  end?: number;
  /** Only these heartbeats' credited time counts (project / branches filters); gaps still use all. */
  include?: (h: ActivityHeartbeat) => boolean;
  dimensions?: readonly Dimension[];
  /** External durations overlapping the list's span (see `forEachCredit`). */
  externals?: readonly ExternalSpan[];
}

/**
 * Per local day: total seconds and seconds per name in each dimension. The list must hold every
 * accountable heartbeat from `start - timeout` to `end + timeout` so edge gaps are right.
 */
export function dailyTotals(heartbeats: readonly ActivityHeartbeat[], options: TotalsOptions): Map<string, DayTotals> {
  const dims = options.dimensions ?? DIMENSIONS;
  const start = options.start ?? -Infinity;
  const end = options.end ?? Infinity;
  const cursor = new DayCursor(options.zone);
  const days = new Map<string, DayTotals>();
  forEachCredit(heartbeats, options.timeoutSeconds, options.externals, (h, pieceFrom, length) => {
    if (options.include && !options.include(h)) return;
    const from = Math.max(pieceFrom, start);
    const to = Math.min(pieceFrom + length, end);
    if (to <= from) return;
    const names = dims.map((d) => [d, namesOf(h, d)] as const);
    splitByDay(cursor, from, to - from, (date, seconds) => {
      let day = days.get(date);
      if (!day) days.set(date, (day = emptyDay()));
      day.total += seconds;
      for (const [d, list] of names) for (const n of list) add(day.dims[d], n, seconds);
    });
  });
  return days;
}

/**
 * Partial totals per UTC hour of the heartbeats' own time (epoch/3600), for the heartbeats of hours
 * [fromHour, toHour]: each credited gap goes to the hour of the heartbeat it is credited to, split
 * by the local day it falls on. Summing every hour's pieces of a day gives `dailyTotals` of that
 * day. The list must hold every accountable heartbeat from fromHour to toHour + 1 plus the timeout.
 */
export function hourlyTotals(
  heartbeats: readonly ActivityHeartbeat[],
  options: { timeoutSeconds: number; zone: string; fromHour: number; toHour: number; dimensions?: readonly Dimension[]; externals?: readonly ExternalSpan[] },
): Map<number, Map<string, DayTotals>> {
  const dims = options.dimensions ?? DIMENSIONS;
  return byHourAndDay(heartbeats, options, emptyDay, (h) => {
    const names = dims.map((d) => [d, namesOf(h, d)] as const);
    return (day, seconds) => {
      day.total += seconds;
      for (const [d, list] of names) for (const n of list) add(day.dims[d], n, seconds);
    };
  });
}

/**
 * The one walk behind hourlyTotals and hourlyCube: each heartbeat's credit within [fromHour,
 * toHour], split by the local day it falls on, added by `credit(h)` into the part of its hour and day.
 */
function byHourAndDay<P>(
  heartbeats: readonly ActivityHeartbeat[],
  options: { timeoutSeconds: number; zone: string; fromHour: number; toHour: number; externals?: readonly ExternalSpan[] },
  emptyPart: () => P,
  credit: (h: ActivityHeartbeat) => (part: P, seconds: number) => void,
): Map<number, Map<string, P>> {
  const cursor = new DayCursor(options.zone);
  const hours = new Map<number, Map<string, P>>();
  forEachCredit(heartbeats, options.timeoutSeconds, options.externals, (h, from, seconds, at) => {
    const hour = Math.floor(at / 3600);
    if (hour < options.fromHour || hour > options.toHour) return;
    let days = hours.get(hour);
    if (!days) hours.set(hour, (days = new Map()));
    const addTo = credit(h);
    splitByDay(cursor, from, seconds, (date, piece) => {
      let part = days.get(date);
      if (!part) days.set(date, (part = emptyPart()));
      addTo(part, piece);
    });
  });
  return hours;
}

/** Sums days into one DayTotals. */
export function sumDays(days: Iterable<DayTotals>): DayTotals {
  const out = emptyDay();
  for (const day of days) {
    out.total += day.total;
    for (const d of DIMENSIONS) for (const [n, s] of day.dims[d]) add(out.dims[d], n, s);
  }
  return out;
}

/**
 * Most dates one list may hold: every date a request may name (2000-01-01 to a year ahead) fits,
 * with room to spare; longer lists are a programming error, never a long loop.
 */
export const MAX_DATES = 20_000;

/** Every local date from `first` to `last` inclusive (YYYY-MM-DD), in order; a count fixed before the loop. */
export function datesBetween(first: string, last: string): string[] {
  const start = DateTime.fromISO(first, { zone: 'UTC' });
  const stop = DateTime.fromISO(last, { zone: 'UTC' });
  if (!start.isValid || !stop.isValid) throw new RangeError(`not a date range: ${first}..${last}`);
  const count = Math.round(stop.diff(start, 'days').days) + 1;
  if (count > MAX_DATES) throw new RangeError(`${first}..${last} holds more than ${MAX_DATES} dates`);
  const out: string[] = [];
  // calendar dates step by whole UTC days (no zone, no DST): plain Date arithmetic, exact and far
  // cheaper than Luxon per date (an all-time range has thousands)
  const t0 = start.toMillis();
  for (let i = 0; i < count; i++) out.push(new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
  return out;
}

// ---- the rollup cube -------------------------------------------------------------------------

/**
 * The dimensions of the rollup cube, in the order of a cube key: every heartbeat has exactly one
 * name in each (no branch is ''), so a day's seconds split exactly over the combinations.
 */
export const CUBE_DIMENSIONS = ['projects', 'languages', 'editors', 'operating_systems', 'machines', 'categories', 'branches'] as const;
export type CubeDimension = (typeof CUBE_DIMENSIONS)[number];
/** Kept per cube combination beside the cube: entities and dependencies. */
export const DETAIL_DIMENSIONS = ['entities', 'dependencies'] as const;

/** A heartbeat's cube combination: its one name in each CUBE_DIMENSIONS dimension. */
export function cubeKey(h: ActivityHeartbeat): string[] {
  return [h.project ?? UNKNOWN.project, h.language ?? UNKNOWN.language, h.editor ?? UNKNOWN.editor, h.operating_system ?? UNKNOWN.operating_system, h.machine ?? UNKNOWN.machine, h.category, h.branch ?? ''];
}

/** One local day's piece of an hour of the cube: seconds per combination, and per detail row. */
export interface CubePart {
  /** Key: JSON of cubeKey. */
  cube: Map<string, number>;
  /** Key: JSON of [...cubeKey, 'entities' | 'dependencies', name]. */
  details: Map<string, number>;
}

/**
 * Like hourlyTotals, for the cube: per UTC hour of the heartbeats' own time, per local day the
 * credit falls on, the seconds of each combination and of each entity and dependency within it. The list must hold every accountable heartbeat from fromHour to toHour + 1 plus the timeout.
 */
export function hourlyCube(
  heartbeats: readonly ActivityHeartbeat[],
  options: { timeoutSeconds: number; zone: string; fromHour: number; toHour: number; externals?: readonly ExternalSpan[] },
): Map<number, Map<string, CubePart>> {
  return byHourAndDay<CubePart>(heartbeats, options, () => ({ cube: new Map(), details: new Map() }), (h) => {
    const combo = JSON.stringify(cubeKey(h));
    // JSON of [...cubeKey, dimension, name], built on the combination's JSON
    const head = combo.slice(0, -1);
    const details = [`${head},"entities",${JSON.stringify(h.entity)}]`, ...h.dependencies.map((d) => `${head},"dependencies",${JSON.stringify(d)}]`)];
    return (part, seconds) => {
      add(part.cube, combo, seconds);
      for (const d of details) add(part.details, d, seconds);
    };
  });
}
