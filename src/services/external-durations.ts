/**
 * External durations (issue 12): create or update by external_id per provider, list a day,
 * delete by ids for a day. Every change marks the rollup hours its old and new spans touch dirty
 * in the same transaction (the same marks ingest writes), so rollups stay exact; after the commit,
 * `external_durations.changed` drops the caches (status bar, raw answers).
 */
import { dayRange } from '../domain/calendar.js';
import { epochSeconds, type Clock } from '../domain/clock.js';
import { dirtyInstants, normalizeExternalDuration, type ExternalDurationInput } from '../domain/external-duration.js';
import type { FieldErrors } from '../domain/heartbeat.js';
import { ValidationError } from '../domain/errors.js';
import type { Storage } from '../storage/db.js';
import {
  apiKeyName,
  deleteAppExternalDurations,
  deleteExternalDurations,
  grantAppId,
  keyOf,
  listExternalDurations,
  oauthAppName,
  upsertExternalDurations,
  type ExternalChange,
  type ExternalDurationRow,
} from '../storage/external-durations.js';
import type { UserRow } from '../storage/users.js';
import type { EventBus } from './events.js';
import type { HeartbeatsChangedHook } from './ingest.js';

/** Who is posting: decides the provider name (the reference: the app that created the activity). */
export interface ExternalCredential {
  via: 'api_key' | 'oauth' | 'session';
  /** OAuth: the app's id; API key: the key's id. */
  credentialId?: number;
}

/** One item's outcome in a bulk POST, in request order. */
export type ExternalItemResult = { ok: true; row: ExternalDurationRow; created: boolean } | { ok: false; errors: FieldErrors };

/** The provider of what a browser session posts without naming one. */
export const WEB_PROVIDER = 'Metronome web';

export class ExternalDurationService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    /** The rollups' dirty marking (RollupService.onHeartbeatsChanged), run inside the write transaction. */
    private readonly markDirty: HeartbeatsChangedHook,
    private readonly events: EventBus,
  ) {}

  /**
   * The provider name: an OAuth app is always its own name (it can not pose as another); an API
   * key or a session may name one with `provider`, else the key's name (sessions: WEB_PROVIDER).
   * Returns the name for a request's `provider` value (looked up once per request).
   */
  private async providerOf(credential: ExternalCredential): Promise<{ name: (requested: string | null) => string; appId: number | null }> {
    if (credential.via === 'oauth' && credential.credentialId !== undefined) {
      const name = (await oauthAppName(this.storage.db, credential.credentialId)) ?? 'OAuth app';
      return { name: () => name, appId: credential.credentialId };
    }
    const fallback = credential.via === 'api_key' && credential.credentialId !== undefined ? ((await apiKeyName(this.storage.db, credential.credentialId)) ?? 'API key') : WEB_PROVIDER;
    return { name: (requested) => requested ?? fallback, appId: null };
  }

  /**
   * The user disconnected an OAuth app (revoked its authorization; `userId` null: the app was
   * deleted): what it created is deleted, as the reference says, and the rollups follow.
   */
  async disconnect(appId: number, userId: number | null): Promise<void> {
    const deleted = await this.storage.db.transaction().execute(async (tx) => {
      const spans = await deleteAppExternalDurations(tx, appId, userId);
      if (spans.size) await this.markDirty(tx, new Map([...spans].map(([id, list]) => [id, list.flatMap((s) => dirtyInstants(s.start, s.end))])));
      return spans;
    });
    if (deleted.size) await this.events.emit('external_durations.changed', { userIds: new Set(deleted.keys()) });
  }

  /** The app of a user's authorization (for `disconnect` before the grant is revoked). */
  grantAppId(userId: number, grantId: string): Promise<number | null> {
    return grantAppId(this.storage.db, userId, grantId);
  }

  /**
   * Creates or updates each item, all in one transaction with their dirty marks; invalid items
   * get their errors (in order), the rest are stored (500 per statement).
   */
  async upsert(user: UserRow, credential: ExternalCredential, raw: readonly unknown[]): Promise<ExternalItemResult[]> {
    const now = epochSeconds(this.clock);
    const provider = await this.providerOf(credential);
    const results: (ExternalItemResult | null)[] = [];
    const valid: { index: number; value: ExternalDurationInput & { provider: string } }[] = [];
    for (const item of raw) {
      const r = normalizeExternalDuration(item, { now, accountCreatedAt: Number(user.created_at) });
      if (!r.ok) {
        results.push(r);
        continue;
      }
      valid.push({ index: results.length, value: { ...r.value, provider: provider.name(r.value.provider) } });
      results.push(null); // the stored row, below
    }
    if (valid.length === 0) return results as ExternalItemResult[];
    const changes = await this.storage.db.transaction().execute(async (tx) => {
      const out = await upsertExternalDurations(tx, user.id, valid.map((v) => v.value), now, provider.appId);
      await this.markDirty(tx, new Map([[user.id, changes_([...out.values()])]]));
      return out;
    });
    for (const v of valid) {
      const change = changes.get(keyOf(v.value.provider, v.value.external_id))!;
      results[v.index] = { ok: true, row: change.row, created: change.before === null };
    }
    await this.events.emit('external_durations.changed', { userIds: new Set([user.id]) });
    return results as ExternalItemResult[];
  }

  /** One local day's external durations, optionally of one project and some branches. */
  async day(user: UserRow, date: string, zone: string, filter: { project?: string | null; branches?: readonly string[] }): Promise<{ rows: ExternalDurationRow[]; start: number; end: number }> {
    const { start, end } = dayRange(date, zone);
    return { rows: await listExternalDurations(this.storage.db, user.id, start, end, filter), start, end };
  }

  /** Deletes the user's external durations with these ids on that local day; returns how many. */
  async delete(user: UserRow, date: string, zone: string, ids: readonly string[]): Promise<number> {
    for (const id of ids) if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ValidationError('ids', `"${id.slice(0, 64)}" is not an external duration id.`);
    const { start, end } = dayRange(date, zone);
    const spans = await this.storage.db.transaction().execute(async (tx) => {
      const deleted = await deleteExternalDurations(tx, user.id, start, end, ids);
      if (deleted.length) await this.markDirty(tx, new Map([[user.id, deleted.flatMap((s) => dirtyInstants(s.start, s.end))]]));
      return deleted;
    });
    if (spans.length) await this.events.emit('external_durations.changed', { userIds: new Set([user.id]) });
    return spans.length;
  }
}

/** The instants to mark dirty for these changes: both the old and the new span of each. */
function changes_(list: ExternalChange[]): number[] {
  const out: number[] = [];
  for (const c of list) {
    if (c.before) out.push(...dirtyInstants(c.before.start, c.before.end));
    out.push(...dirtyInstants(Number(c.row.start_time), Number(c.row.end_time)));
  }
  return out;
}
