/** TypeBox pieces shared by route schemas. */
import { Type } from '@sinclair/typebox';
import { BOOLEAN_WORDS_HINT, parseBooleanWord } from '../domain/boolean.js';
import { isValidTimezone, unknownZoneMessage } from '../domain/calendar.js';
import { HttpError } from './errors.js';

export const UserParams = Type.Object({
  user: Type.String({ minLength: 1, maxLength: 200, description: '`current`, a username or a user id' }),
});

/** A date parameter: YYYY-MM-DD, an ISO datetime, `today` or `yesterday`. */
export const DateParam = Type.String({ minLength: 1, maxLength: 64, description: 'YYYY-MM-DD, ISO 8601 datetime, today or yesterday' });

export const ErrorBody = Type.Object({
  error: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Unknown()))),
});

/**
 * A boolean query parameter: true/false, 1/0, yes/no, on/off (any case); empty or absent means the
 * default. Every boolean query parameter uses this type and reads its value with `booleanParam`.
 */
export const BooleanQuery = (description: string) => Type.String({ maxLength: 16, description: `${description}: ${BOOLEAN_WORDS_HINT}` });

/** A `BooleanQuery` value: undefined when absent or empty, else the boolean, or a 400 naming `field`. */
export function booleanParam(raw: string | undefined, field: string): boolean | undefined {
  const v = parseBooleanWord(raw);
  if (v === null) throw new HttpError(400, `must be ${BOOLEAN_WORDS_HINT}`, field);
  return v;
}

/** The one zone check: `zone` itself when it is an IANA zone, else a 400 naming `field`. */
export function requireTimezone(zone: string, field = 'timezone'): string {
  if (!isValidTimezone(zone)) throw new HttpError(400, unknownZoneMessage(zone), field);
  return zone;
}
