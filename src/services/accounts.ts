/**
 * Accounts: creating users (CLI, sign-up, tests) with validation, password hashing and the first
 * API key; setting a password; logging in (throttled). Errors are domain errors (domain/errors.ts).
 */
import { sql } from 'kysely';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from '../domain/errors.js';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from '../domain/password.js';
import { LOGIN_WINDOW_SECONDS, MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_LOGIN } from '../domain/throttle.js';
import type { Storage } from '../storage/db.js';
import { createApiKey } from '../storage/api-keys.js';
import { clearLoginFailures, releaseLoginAttempt, reserveLoginAttempt } from '../storage/sessions.js';
import { findUserByEmail, findUserByUsername, insertUser, USERNAME_PATTERN, type UserRow } from '../storage/users.js';

const USERNAME = new RegExp(USERNAME_PATTERN);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const RESERVED = new Set(['current', 'me', 'admin', 'api', 'oauth', 'settings']);

export interface NewAccount {
  username: string;
  email?: string | null;
  password?: string | null;
  /** Name of the first API key (default "default"); null creates none (web sign-up: keys are made on the API keys page). */
  keyName?: string | null;
  /** An instance administrator (`metronome user create --admin`); the first user always is one. */
  admin?: boolean;
}

export async function createAccount(storage: Storage, input: NewAccount & { keyName?: string }): Promise<{ user: UserRow; apiKey: string }>;
export async function createAccount(storage: Storage, input: NewAccount): Promise<{ user: UserRow; apiKey: string | null }>;
export async function createAccount(storage: Storage, input: NewAccount): Promise<{ user: UserRow; apiKey: string | null }> {
  const username = input.username.trim();
  if (!USERNAME.test(username)) {
    throw new ValidationError('username', 'Must be 1–50 letters, digits, "_", "-" or ".", starting with a letter or digit.');
  }
  if (RESERVED.has(username.toLowerCase())) throw new ValidationError('username', `"${username}" is reserved.`);
  const email = input.email?.trim() || null;
  if (email && !EMAIL.test(email)) throw new ValidationError('email', 'Must be an email address.');
  if (input.password != null && (input.password.length < PASSWORD_MIN_LENGTH || input.password.length > PASSWORD_MAX_LENGTH)) {
    throw new ValidationError('password', `Must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`);
  }
  if (await findUserByUsername(storage.db, username)) throw new ConflictError('This username is taken.', 'username');
  if (email && (await findUserByEmail(storage.db, email))) throw new ConflictError('This email address is already used by another account.', 'email');
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return storage.db.transaction().execute(async (tx) => {
    const user = await insertUser(tx, { username, email, passwordHash });
    // the first user administers the instance (050_orgs); so does one made with --admin
    const admin = await sql<{ id: number }>`update users set is_admin = 1 where id = ${user.id} and (${input.admin ? 1 : 0} = 1 or id = (select min(id) from users)) returning id`.execute(tx);
    if (admin.rows.length > 0) user.is_admin = 1;
    if (input.keyName === null) return { user, apiKey: null };
    const { key } = await createApiKey(tx, user.id, input.keyName ?? 'default');
    return { user, apiKey: key };
  });
}

/**
 * Sets (or replaces) a user's password: the way an administrator gives a user made with
 * `metronome user create` (no password) access to the web app. Ends the user's browser sessions.
 */
export async function setPassword(storage: Storage, login: string, password: string): Promise<UserRow> {
  const name = login.trim();
  const user = name.includes('@') ? await findUserByEmail(storage.db, name) : await findUserByUsername(storage.db, name);
  if (!user) throw new NotFoundError(`no user named "${name}"`, 'username');
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new ValidationError('password', `Must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`);
  }
  const passwordHash = await hashPassword(password);
  return storage.db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('users')
      .set({ password_hash: passwordHash, modified_at: Date.now() / 1000 })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    return updated;
  });
}

/** A scrypt hash of a random password: verified against when the login names nobody, so both cases take as long. */
const DUMMY_HASH = 'scrypt$32768$8$1$jX_YQ_D4wGrYmz6T6z9yJQ$R-48rcJb8HaHpdrcIx2nvXY-4R4eslx_-GbKn9m1sHY';

export interface LoginAttempt {
  /** A username or an email address. */
  login: string;
  password: string;
  /** The client address (request.ip: see TRUST_PROXY for which X-Forwarded-For hop is believed). */
  ip: string;
}

async function findByLogin(storage: Storage, login: string): Promise<UserRow | undefined> {
  return login.includes('@') ? findUserByEmail(storage.db, login) : findUserByUsername(storage.db, login);
}

/**
 * Checks a login, throttled: failed logins are counted under the account whatever name it was given
 * by (username or e-mail), an unknown name by its lowercased self, and the client address. The
 * attempt counts (as a failure) before the password is checked, so concurrent attempts cannot all
 * pass the limit; a right password releases it. RateLimitedError over the limit, UnauthorizedError
 * for a wrong name or password (one message for both).
 */
export async function logIn(storage: Storage, attempt: LoginAttempt, now = Date.now() / 1000): Promise<UserRow> {
  const login = attempt.login.trim();
  const user = await findByLogin(storage, login);
  const accountKey = user ? `account:${user.id}` : `name:${login.toLowerCase()}`;
  const ipKey = `ip:${attempt.ip}`;
  const reservation = await reserveLoginAttempt(
    storage.db,
    [
      { key: accountKey, limit: MAX_FAILURES_PER_LOGIN },
      { key: ipKey, limit: MAX_FAILURES_PER_ADDRESS },
    ],
    now,
    LOGIN_WINDOW_SECONDS,
  );
  if (!reservation.allowed) {
    throw new RateLimitedError(`Too many failed logins: try again in ${Math.ceil(reservation.retryAfter / 60)} minute(s).`, reservation.retryAfter);
  }
  const ok = await verifyPassword(attempt.password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !user.password_hash || !ok) throw new UnauthorizedError('Wrong username, email or password.');
  if (user.disabled_at !== null) throw new ForbiddenError('This account is disabled: ask an administrator.');
  await releaseLoginAttempt(storage.db, reservation.ids);
  await clearLoginFailures(storage.db, accountKey);
  return user;
}

/** The account operations of an app instance (routes/accounts.ts, the CLI uses the functions). */
export class AccountService {
  constructor(private readonly storage: Storage) {}

  create(input: NewAccount): Promise<{ user: UserRow; apiKey: string | null }> {
    return createAccount(this.storage, input);
  }

  logIn(attempt: LoginAttempt): Promise<UserRow> {
    return logIn(this.storage, attempt);
  }
}
