/** Users: read a profile, change preferences. Owns the transaction; never throws HTTP errors. */
import { epochSeconds, type Clock } from '../domain/clock.js';
import { ConflictError } from '../domain/errors.js';
import type { Storage } from '../storage/db.js';
import { findUserByEmail, updateUser, type UserPatch, type UserRow } from '../storage/users.js';
import type { Preferences } from '../wire/user.js';

/** The email address asked for belongs to another account (409 naming `email`). */
export class EmailTakenError extends ConflictError {
  constructor() {
    super('This email address is already used by another account.', 'email');
  }
}

/** Turns preferences into a row patch (booleans as 0/1, `timeout` as keystroke_timeout, blank strings as null). */
export function preferencesPatch(p: Preferences): UserPatch {
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined) continue;
    if (k === 'timeout') patch.keystroke_timeout = v;
    else if (typeof v === 'boolean') patch[k] = v ? 1 : 0;
    else if (k === 'city_country_code' && typeof v === 'string') patch[k] = v.trim() === '' ? null : v.toUpperCase();
    else patch[k] = typeof v === 'string' && v.trim() === '' ? null : v;
  }
  return patch as UserPatch;
}

export class UserService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    /** Told after a change (rollups rebuild on a new zone or timeout, caches forget). */
    private readonly changed: (before: UserRow, after: UserRow) => Promise<void>,
  ) {}

  /**
   * Applies validated preferences (the zone already checked by the caller). Throws EmailTakenError
   * when the email belongs to someone else.
   */
  async updatePreferences(user: UserRow, preferences: Preferences): Promise<UserRow> {
    const patch = preferencesPatch(preferences);
    const updated = await this.storage.db.transaction().execute(async (tx) => {
      if (patch.email) {
        const other = await findUserByEmail(tx, patch.email);
        if (other && other.id !== user.id) throw new EmailTakenError();
      }
      // a new address is unconfirmed, and links sent to the old one (reset, confirmation) die
      const newEmail = patch.email !== undefined && (patch.email ?? '').toLowerCase() !== (user.email ?? '').toLowerCase();
      if (newEmail) await tx.deleteFrom('password_resets').where('user_id', '=', user.id).execute();
      return updateUser(tx, user.id, newEmail ? { ...patch, is_email_confirmed: 0 } : patch, epochSeconds(this.clock));
    });
    await this.changed(user, updated);
    return updated;
  }
}
