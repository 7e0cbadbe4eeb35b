/**
 * What a user changes about their own account from Settings: their password (a first one for a
 * user made by `metronome user create`, who has only an API key) and deleting the account with
 * all its data. A wrong current password counts as a failed login (the same throttle).
 */
import { ConflictError, ForbiddenError, RateLimitedError, ValidationError } from '../domain/errors.js';
import { orgsOwnedBy } from '../storage/orgs.js';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from '../domain/password.js';
import { LOGIN_WINDOW_SECONDS, MAX_FAILURES_PER_LOGIN } from '../domain/throttle.js';
import { deleteUserData, replacePasswordHash } from '../storage/account-data.js';
import type { Storage } from '../storage/db.js';
import { clearLoginFailures, hashSessionToken, releaseLoginAttempt, reserveLoginAttempt } from '../storage/sessions.js';
import { findUserById, type UserRow } from '../storage/users.js';

export class AccountSettingsService {
  constructor(
    private readonly storage: Storage,
    private readonly now: () => number,
    /** Drops what this instance caches about a user (API-key credentials) after a change. */
    private readonly forget: (userId: number) => void,
  ) {}

  /** Checks `password` against the user's, counted like a login (throttled); `field` names the input. */
  private async checkPassword(user: UserRow, password: string | undefined, field: string): Promise<void> {
    if (!user.password_hash) return;
    if (!password) throw new ValidationError(field, 'Enter your current password.');
    const key = `account:${user.id}`;
    const reservation = await reserveLoginAttempt(this.storage.db, [{ key, limit: MAX_FAILURES_PER_LOGIN }], this.now(), LOGIN_WINDOW_SECONDS);
    if (!reservation.allowed) throw new RateLimitedError(`Too many wrong passwords: try again in ${Math.ceil(reservation.retryAfter / 60)} minute(s).`, reservation.retryAfter);
    if (!(await verifyPassword(password, user.password_hash))) throw new ValidationError(field, 'Wrong password.');
    await releaseLoginAttempt(this.storage.db, reservation.ids);
    await clearLoginFailures(this.storage.db, key);
  }

  /**
   * Sets a new password. With one already set, the current one must be given; without (a user made
   * by the CLI), the owner's credentials (their API key) are enough. Other browser sessions end (all but the one whose token is `keepSessionToken`).
   */
  async changePassword(userId: number, input: { current_password?: string; new_password: string }, keepSessionToken: string | null): Promise<{ first: boolean }> {
    const user = await findUserById(this.storage.db, userId);
    if (!user) throw new ForbiddenError('This account no longer exists.');
    const next = input.new_password;
    if (next.length < PASSWORD_MIN_LENGTH || next.length > PASSWORD_MAX_LENGTH) {
      throw new ValidationError('new_password', `Must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`);
    }
    await this.checkPassword(user, input.current_password, 'current_password');
    await replacePasswordHash(this.storage.db, user.id, await hashPassword(next), this.now(), keepSessionToken ? hashSessionToken(keepSessionToken) : null);
    this.forget(user.id);
    return { first: !user.password_hash };
  }

  /**
   * Deletes the account and everything stored about it (heartbeats, rollups, keys, sessions, apps,
   * share links …), after a confirmation: the username typed again, and the password when there is one.
   */
  async deleteAccount(userId: number, input: { confirm: string; password?: string }): Promise<void> {
    const user = await findUserById(this.storage.db, userId);
    if (!user) throw new ForbiddenError('This account no longer exists.');
    if (input.confirm !== user.username) throw new ValidationError('confirm', `Type your username, ${user.username}, to confirm.`);
    await this.checkPassword(user, input.password, 'password');
    // an organization is never left without its owner (050_orgs)
    const owned = await orgsOwnedBy(this.storage.db, user.id);
    if (owned.length > 0) throw new ConflictError(`You own ${owned.map((n) => `"${n}"`).join(', ')}: transfer or delete ${owned.length > 1 ? 'them' : 'it'} first.`, 'confirm');
    await deleteUserData(this.storage, user.id);
    this.forget(user.id);
  }
}
