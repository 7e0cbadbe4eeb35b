/** TypeBox pieces shared by route schemas. */
import { Type } from '@sinclair/typebox';

export const UserParams = Type.Object({
  user: Type.String({ minLength: 1, maxLength: 200, description: '`current`, a username or a user id' }),
});

/** A date parameter: YYYY-MM-DD, an ISO datetime, `today` or `yesterday`. */
export const DateParam = Type.String({ minLength: 1, maxLength: 64, description: 'YYYY-MM-DD, ISO 8601 datetime, today or yesterday' });

export const ErrorBody = Type.Object({
  error: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Unknown()))),
});
