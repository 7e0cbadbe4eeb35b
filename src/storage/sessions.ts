/** Browser sessions (the cookie holds the id, the table its sha256) and failed logins for throttling. */
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import { stricter, throttle, type ThrottleDecision } from '../domain/throttle.js';
import type { DB } from './db.js';
import type { SessionsTable } from './schema.js';
import type { UserRow } from './users.js';

export type SessionRow = Selectable<SessionsTable>;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function insertSession(
  db: DB,
  input: { token: string; userId: number; now: number; expiresAt: number; ip: string | null; userAgent: string | null },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      token_hash: hashSessionToken(input.token),
      user_id: input.userId,
      created_at: input.now,
      last_seen_at: input.now,
      expires_at: input.expiresAt,
      ip: input.ip,
      user_agent: input.userAgent,
    })
    .execute();
}

/** The live session of a token with its user, or undefined (unknown or expired). */
export async function findSession(db: DB, token: string, now: number): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.id as session_id', 'sessions.token_hash', 'sessions.created_at as session_created_at', 'sessions.last_seen_at', 'sessions.expires_at', 'sessions.ip', 'sessions.user_agent'])
    .where('sessions.token_hash', '=', hashSessionToken(token))
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  const { session_id, token_hash, session_created_at, last_seen_at, expires_at, ip, user_agent, ...user } = row;
  return {
    session: { id: session_id, token_hash, user_id: user.id, created_at: session_created_at, last_seen_at, expires_at, ip, user_agent },
    user,
  };
}

/** Sliding expiry: a session in use lives on. */
export async function touchSession(db: DB, id: number, now: number, expiresAt: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now, expires_at: expiresAt }).where('id', '=', id).execute();
}

export async function deleteSession(db: DB, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashSessionToken(token)).execute();
}

export async function deleteExpiredSessions(db: DB, now: number): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}

export async function recordLoginFailure(db: DB, keys: readonly string[], now: number): Promise<void> {
  if (keys.length) await db.insertInto('login_failures').values(keys.map((key) => ({ key, at: now }))).execute();
}

/** Failure times per key since `since`. */
export async function loginFailuresSince(db: DB, keys: readonly string[], since: number): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(keys.map((k) => [k, []]));
  if (!keys.length) return out;
  const rows = await db.selectFrom('login_failures').select(['key', 'at']).where('key', 'in', keys).where('at', '>', since).execute();
  for (const r of rows) out.get(r.key)?.push(r.at);
  return out;
}

export type LoginReservation = { allowed: true; ids: number[] } | (ThrottleDecision & { allowed: false });

/**
 * Counts and records a login attempt as one atomic step, BEFORE its password is checked: each
 * key's `login_throttle` row is upserted first (in sorted order), which on PostgreSQL holds a row
 * lock until commit, so concurrent attempts on the same key queue here and each sees the ones
 * before it (SQLite has a single writer). Over a limit: nothing is recorded and the decision says
 * when to retry. Otherwise the attempt is recorded as a failure under every key, and the ids
 * returned: release them with `releaseLoginAttempt` if the password turns out right.
 */
export async function reserveLoginAttempt(
  db: DB,
  limits: readonly { key: string; limit: number }[],
  now: number,
  window: number,
): Promise<LoginReservation> {
  const keys = [...new Set(limits.map((l) => l.key))].sort();
  return db.transaction().execute(async (tx) => {
    for (const key of keys) {
      await tx
        .insertInto('login_throttle')
        .values({ key, touched_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ touched_at: now }))
        .execute();
    }
    const failures = await loginFailuresSince(tx, keys, now - window);
    const decision = limits
      // an attempt that started a moment after this one may have been recorded first: it counts
      .map((l) => throttle((failures.get(l.key) ?? []).map((t) => Math.min(t, now)), l.limit, now, window))
      .reduce((a, b) => stricter(a, b), { allowed: true, retryAfter: 0 } as ThrottleDecision);
    if (!decision.allowed) return { allowed: false, retryAfter: decision.retryAfter };
    const rows = await tx
      .insertInto('login_failures')
      .values(keys.map((key) => ({ key, at: now })))
      .returning('id')
      .execute();
    return { allowed: true, ids: rows.map((r) => r.id) };
  });
}

/** Forgets a reserved attempt (its password was right). */
export async function releaseLoginAttempt(db: DB, ids: readonly number[]): Promise<void> {
  if (ids.length) await db.deleteFrom('login_failures').where('id', 'in', ids).execute();
}

export async function clearLoginFailures(db: DB, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}

export async function pruneLoginFailures(db: DB, before: number): Promise<void> {
  await db.deleteFrom('login_failures').where('at', '<=', before).execute();
  await db.deleteFrom('login_throttle').where('touched_at', '<=', before).execute();
}
