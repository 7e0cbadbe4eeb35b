/**
 * API keys: the owner's list / create / revoke, and authentication by key.
 *
 * Key → user lookups are cached for a few seconds: every heartbeat and status-bar request
 * authenticates, and the status bar must answer in a few milliseconds. This service is the one
 * place that drops the cache: a revoked key (here), a changed user row (`forget`, called by
 * services/index.ts when heartbeats are committed or preferences change). Another instance's
 * changes show within CREDENTIAL_TTL_MS.
 *
 * `api_keys.last_used_at` is written at most once a minute per key and never awaited by the request
 * (heartbeats must not wait on it); `settle()` waits for the writes started so far (tests, shutdown).
 */
import type { FastifyBaseLogger } from 'fastify';
import { NotFoundError } from '../domain/errors.js';
import type { Storage } from '../storage/db.js';
import { createApiKey, findUserByApiKey, listApiKeys, revokeApiKey, touchApiKey, type ApiKeyRow } from '../storage/api-keys.js';
import type { UserRow } from '../storage/users.js';

const CREDENTIAL_TTL_MS = 5000;
const MAX_CACHED = 10_000;
const KEY_USE_INTERVAL_MS = 60_000;
const MAX_KEY_USES = 100_000;

export interface ApiKeyIdentity {
  user: UserRow;
  keyId: number;
}

export class ApiKeyService {
  private readonly cache = new Map<string, { found: ApiKeyIdentity; expires: number }>();
  private readonly keysOfUser = new Map<number, Set<string>>();
  /** When this instance last recorded each key's use (ms). */
  private readonly keyUses = new Map<number, number>();
  private readonly pendingUses = new Set<Promise<unknown>>();

  constructor(
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** The user of an active key, or null; records the use (at most once a minute, not awaited). */
  async authenticate(key: string): Promise<ApiKeyIdentity | null> {
    const now = this.clock();
    const hit = this.cache.get(key);
    let found: ApiKeyIdentity | null = hit && hit.expires > now ? hit.found : null;
    if (!found) {
      found = (await findUserByApiKey(this.storage.db, key)) ?? null;
      if (!found) {
        this.cache.delete(key);
        return null;
      }
      if (this.cache.size >= MAX_CACHED) this.forget();
      this.cache.set(key, { found, expires: now + CREDENTIAL_TTL_MS });
      let keys = this.keysOfUser.get(found.user.id);
      if (!keys) this.keysOfUser.set(found.user.id, (keys = new Set()));
      keys.add(key);
    }
    this.noteUse(found.keyId, now);
    return found;
  }

  /** Forgets cached credentials: all of them, or one user's (their row changed or a key was revoked). */
  forget(userId?: number): void {
    if (userId === undefined) {
      this.cache.clear();
      this.keysOfUser.clear();
      return;
    }
    for (const k of this.keysOfUser.get(userId) ?? []) this.cache.delete(k);
    this.keysOfUser.delete(userId);
  }

  /** Resolves once the last-used writes started so far are done. */
  async settle(): Promise<void> {
    await Promise.all([...this.pendingUses]);
  }

  list(userId: number): Promise<ApiKeyRow[]> {
    return listApiKeys(this.storage.db, userId);
  }

  /** A new key: the secret is returned here only. */
  create(userId: number, name: string): Promise<{ key: string; row: ApiKeyRow }> {
    return createApiKey(this.storage.db, userId, name.trim());
  }

  /** Revokes a key of the user by its public id; it stops authenticating at once on this instance. */
  async revoke(userId: number, id: string): Promise<void> {
    if (!(await revokeApiKey(this.storage.db, userId, id))) throw new NotFoundError('No such API key.', 'id');
    this.forget(userId);
  }

  private noteUse(keyId: number, now: number): void {
    if (now - (this.keyUses.get(keyId) ?? -Infinity) < KEY_USE_INTERVAL_MS) return;
    if (this.keyUses.size >= MAX_KEY_USES) this.keyUses.clear();
    this.keyUses.set(keyId, now);
    const p = touchApiKey(this.storage.db, keyId, now / 1000, KEY_USE_INTERVAL_MS / 1000)
      .catch((err: unknown) => this.log.warn({ err }, 'could not record the API key use'))
      .finally(() => this.pendingUses.delete(p));
    this.pendingUses.add(p);
  }
}
