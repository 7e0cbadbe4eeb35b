/** Small time helpers shared by resources. Pure. */
import { isoUtc } from './calendar.js';

/** Epoch seconds → ISO 8601 UTC ("2020-04-14T21:27:15Z"), or null. */
export function isoOrNull(seconds: number | null | undefined): string | null {
  return seconds === null || seconds === undefined ? null : isoUtc(seconds);
}
