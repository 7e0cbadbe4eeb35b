/**
 * Local calendar days in IANA zones (Luxon: DST days are 23 or 25 hours long). Pure.
 * Date parameters accept `YYYY-MM-DD`, full ISO datetimes and the words `today` / `yesterday`.
 */
import { DateTime, IANAZone } from 'luxon';

/** Luxon builds an Intl formatter per check: remember the answers (zone names are few). */
const validZones = new Map<string, boolean>();
export function isValidTimezone(zone: string): boolean {
  let valid = validZones.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (validZones.size < 5000) validZones.set(zone, valid);
  }
  return valid;
}

/** The one message for a zone name that is not an IANA zone. */
export function unknownZoneMessage(zone: string): string {
  return `Unknown time zone "${zone}": use an IANA name such as Europe/Berlin.`;
}

/**
 * The dates a request may name: from 2000-01-01 (nothing can be stored before it: heartbeats
 * start there) to a year after today (calendars of this year and the next). Every range built from
 * them is finite and short, so every loop over their days ends; dates at the end of JavaScript's
 * range (+275760-09-13) never reach the database or an ISO formatter.
 */
export const EARLIEST_DATE = '2000-01-01';
export const LATEST_DAYS_AHEAD = 366;

/**
 * The local date at `now` in the zone. Luxon finds a zone's offset with an Intl formatter (tens of
 * microseconds, the largest cost of a cached status-bar read): the current local day of each zone
 * is remembered with its [start, end), so a time inside it is answered without Luxon; DST is
 * Luxon's (a day's bounds come from it).
 */
const currentDays = new Map<string, { date: string; start: number; end: number }>();
export function localDate(zone: string, now: number = Date.now() / 1000): string {
  const known = currentDays.get(zone);
  if (known && now >= known.start && now < known.end) return known.date;
  const local = DateTime.fromSeconds(now, { zone });
  const date = local.toISODate()!;
  const start = local.startOf('day');
  const day = { date, start: start.toSeconds(), end: start.plus({ days: 1 }).startOf('day').toSeconds() };
  if (currentDays.size >= 5000 && !known) currentDays.clear();
  currentDays.set(zone, day);
  return date;
}

/** The latest date a request may name, in the zone. */
export function latestDate(zone: string, now: number = Date.now() / 1000): string {
  return DateTime.fromISO(localDate(zone, now)).plus({ days: LATEST_DAYS_AHEAD }).toISODate()!;
}

/** Whether a local date (YYYY-MM-DD) lies within [EARLIEST_DATE, latestDate]. */
export function isDateInRange(date: string, zone: string, now: number = Date.now() / 1000): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && date >= EARLIEST_DATE && date <= latestDate(zone, now);
}

/**
 * A local day as `YYYY-MM-DD`, or null when the value is not a date we understand or lies outside
 * [EARLIEST_DATE, latestDate].
 */
export function parseDateParam(value: string, zone: string, now: number = Date.now() / 1000): string | null {
  const date = parseAnyDate(value, zone, now);
  return date !== null && isDateInRange(date, zone, now) ? date : null;
}

function parseAnyDate(value: string, zone: string, now: number): string | null {
  const v = value.trim().toLowerCase();
  const today = DateTime.fromSeconds(now, { zone });
  if (v === 'today') return today.toISODate();
  if (v === 'yesterday') return today.minus({ days: 1 }).toISODate();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = DateTime.fromISO(v, { zone });
    return d.isValid ? d.toISODate() : null;
  }
  const dt = DateTime.fromISO(value.trim(), { zone, setZone: false });
  if (!dt.isValid) return null;
  return dt.setZone(zone).toISODate();
}

/** [start, end) of a local day in epoch seconds. */
export function dayRange(date: string, zone: string): { start: number; end: number } {
  const start = DateTime.fromISO(date, { zone }).startOf('day');
  const end = start.plus({ days: 1 }).startOf('day');
  return { start: start.toSeconds(), end: end.toSeconds() };
}

/** Epoch seconds → ISO 8601 UTC with a Z, as the API answers ("2024-01-01T23:00:00Z"). */
export function isoUtc(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString().replace(/\.000Z$/, 'Z');
}
