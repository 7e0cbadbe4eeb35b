/** Creating users (CLI, sign-up, tests): validation, password hashing, the first API key. */
import { HttpError } from '../http/errors.js';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../domain/password.js';
import type { Storage } from '../storage/db.js';
import { createApiKey } from '../storage/api-keys.js';
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
}

export async function createAccount(storage: Storage, input: NewAccount & { keyName?: string }): Promise<{ user: UserRow; apiKey: string }>;
export async function createAccount(storage: Storage, input: NewAccount): Promise<{ user: UserRow; apiKey: string | null }>;
export async function createAccount(storage: Storage, input: NewAccount): Promise<{ user: UserRow; apiKey: string | null }> {
  const username = input.username.trim();
  if (!USERNAME.test(username)) {
    throw new HttpError(400, 'Must be 1–50 letters, digits, "_", "-" or ".", starting with a letter or digit.', 'username');
  }
  if (RESERVED.has(username.toLowerCase())) throw new HttpError(400, `"${username}" is reserved.`, 'username');
  const email = input.email?.trim() || null;
  if (email && !EMAIL.test(email)) throw new HttpError(400, 'Must be an email address.', 'email');
  if (input.password != null && (input.password.length < PASSWORD_MIN_LENGTH || input.password.length > PASSWORD_MAX_LENGTH)) {
    throw new HttpError(400, `Must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`, 'password');
  }
  if (await findUserByUsername(storage.db, username)) throw new HttpError(409, 'This username is taken.', 'username');
  if (email && (await findUserByEmail(storage.db, email))) throw new HttpError(409, 'This email address is already used by another account.', 'email');
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return storage.db.transaction().execute(async (tx) => {
    const user = await insertUser(tx, { username, email, passwordHash });
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
  if (!user) throw new HttpError(404, `no user named "${name}"`, 'username');
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new HttpError(400, `Must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`, 'password');
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
