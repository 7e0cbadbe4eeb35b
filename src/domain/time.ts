/** Small time helpers shared by resources. Pure. */
import { DateTime } from 'luxon';
import { isoUtc } from './calendar.js';

/** Epoch seconds → ISO 8601 UTC ("2020-04-14T21:27:15Z"), or null. */
export function isoOrNull(seconds: number | null | undefined): string | null {
  return seconds === null || seconds === undefined ? null : isoUtc(seconds);
}

/** "3 hours ago", as WakaTime's human_readable_* times read; null for no time. */
export function humanReadableAgo(seconds: number | null, now: number): string | null {
  if (seconds === null) return null;
  return DateTime.fromSeconds(seconds).toRelative({ base: DateTime.fromSeconds(now), locale: 'en' });
}
