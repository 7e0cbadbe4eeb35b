/**
 * Relay: every heartbeat a user's commit stores is forwarded to the user's relay targets (other
 * WakaTime-compatible servers: WakaTime, Wakapi, another Metronome) through a durable outbox.
 *
 * - Enqueue (`onHeartbeatsChanged`, a HeartbeatWriter hook): inside the ingest transaction, one
 *   indexed query for the committing users' enabled targets and, for those users only, one outbox
 *   row per target holding the batch's (time, hash) keys. It commits with the heartbeats or not at
 *   all: nothing acknowledged can miss the relay, and users without targets pay one query per commit.
 * - Deliver (`deliver`, the `relay.deliver` job: every few seconds and right after a commit that
 *   enqueued): per due target, under a lease (one deliverer across instances), the oldest outbox rows
 *   are read back from the heartbeats — only the ones that commit inserted (their created_at), so a
 *   duplicate a server sends back is never relayed again — and POSTed to `…/users/current/heartbeats.bulk`,
 *   one request per machine (X-Machine-Name). Rows are deleted after the target answered 201 for
 *   them; a failure keeps them and backs off (2 s, 4 s … 1 h). The target's own dedup (the same
 *   content hashes the same there) makes a retried delivery store nothing twice.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Transaction } from 'kysely';
import { epochSeconds, type Clock } from '../domain/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { unstorableText } from '../domain/heartbeat.js';
import { apiBase, relayBackoffSeconds, relayedHeartbeat } from '../domain/transfer.js';
import type { Storage } from '../storage/db.js';
import type { NewHeartbeatRow } from '../storage/heartbeats.js';
import {
  countRelayTargets,
  deleteOutbox,
  deleteRelayTarget,
  dueTargets,
  enabledTargetsOf,
  findRelayTarget,
  heartbeatsByKeys,
  insertOutbox,
  insertRelayTarget,
  leaseTarget,
  listRelayTargets,
  outboxBatch,
  updateRelayTarget,
  type RelayHeartbeatRow,
  type RelayTargetRow,
} from '../storage/relay.js';
import type { Database } from '../storage/schema.js';
import type { JobRunner } from './jobs.js';

/** Heartbeats per bulk request to a target (wakatime.com: 25, see WAKATIME_BATCH). */
const DEFAULT_BATCH = 1000;
/** Heartbeats per request to wakatime.com itself (its heartbeats.bulk limit). */
const WAKATIME_BATCH = 25;
/** Most relay targets per user. */
export const MAX_RELAY_TARGETS = 10;
/** How long a deliverer holds a target. */
const LEASE_SECONDS = 120;
const REQUEST_TIMEOUT_MS = 30_000;

export interface RelayTargetInput {
  name?: string;
  url?: string;
  api_key?: string;
  enabled?: boolean;
}

function text(field: string, value: string, max: number): string {
  const v = value.trim();
  if (v === '') throw new ValidationError(field, 'Must not be empty.');
  if (v.length > max) throw new ValidationError(field, `At most ${max} characters.`);
  const bad = unstorableText(v);
  if (bad || /[\u0000-\u001f\u007f]/.test(v)) throw new ValidationError(field, bad ?? 'Must not contain control characters.');
  return v;
}

export class RelayService {
  /** Seconds before retrying after `failures` failures in a row (tests shorten it). */
  backoff: (failures: number) => number = relayBackoffSeconds;
  /** Heartbeats per request to a target. */
  batchSize = DEFAULT_BATCH;
  private enqueued = false;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly storage: Storage,
    private readonly jobs: JobRunner,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
  ) {}

  private now(): number {
    return epochSeconds(this.clock);
  }

  /** The HeartbeatWriter hook: outbox rows for the committing users that have relay targets. */
  readonly onHeartbeatsChanged = async (tx: Transaction<Database>, changes: Map<number, number[]>, inserted?: readonly NewHeartbeatRow[]): Promise<void> => {
    if (!inserted || inserted.length === 0) return;
    const targets = await enabledTargetsOf(tx, [...changes.keys()]);
    if (targets.length === 0) return;
    const byUser = new Map<number, { keys: [number, number][]; createdAt: number }>();
    for (const t of targets) if (!byUser.has(t.user_id)) byUser.set(t.user_id, { keys: [], createdAt: 0 });
    for (const r of inserted) {
      const u = byUser.get(r.user_id);
      if (!u) continue;
      u.keys.push([r.time, r.hash]);
      u.createdAt = r.created_at;
    }
    const rows = [];
    for (const t of targets) {
      const u = byUser.get(t.user_id)!;
      if (u.keys.length > 0) rows.push({ target_id: t.id, user_id: t.user_id, items: JSON.stringify(u.keys), count: u.keys.length, created_at: u.createdAt });
    }
    await insertOutbox(tx, rows);
    if (rows.length > 0) this.enqueued = true;
  };

  /** After a commit (the 'heartbeats.committed' event): start a delivery if the commit enqueued. */
  afterCommit(): void {
    if (!this.enqueued) return;
    this.enqueued = false;
    this.jobs.send('relay.deliver', {}, { singletonKey: 'relay' }).catch((err: unknown) => this.log.warn({ err }, 'relay: could not queue a delivery'));
  }

  // ---- targets (the owner's settings) -----------------------------------------------------------

  async list(userId: number) {
    return listRelayTargets(this.storage.db, userId);
  }

  async create(userId: number, input: RelayTargetInput): Promise<RelayTargetRow> {
    if (input.url === undefined) throw new ValidationError('url', 'This field is required.');
    if (input.api_key === undefined) throw new ValidationError('api_key', 'This field is required.');
    const url = this.checkUrl(input.url);
    const key = text('api_key', input.api_key, 512);
    if ((await countRelayTargets(this.storage.db, userId)) >= MAX_RELAY_TARGETS) throw new ConflictError(`At most ${MAX_RELAY_TARGETS} relay targets.`, 'url');
    const now = this.now();
    return insertRelayTarget(this.storage.db, {
      uuid: randomUUID(),
      user_id: userId,
      name: input.name === undefined ? new URL(url).host : text('name', input.name, 100),
      url,
      api_key: key,
      enabled: input.enabled === false ? 0 : 1,
      failures: 0,
      next_attempt_at: 0,
      lease_until: 0,
      last_error: null,
      last_success_at: null,
      delivered: 0,
      created_at: now,
    });
  }

  async update(userId: number, uuid: string, input: RelayTargetInput): Promise<RelayTargetRow> {
    const t = await findRelayTarget(this.storage.db, userId, uuid);
    if (!t) throw new NotFoundError('No such relay target.');
    const set: Partial<RelayTargetRow> = {};
    if (input.url !== undefined) set.url = this.checkUrl(input.url);
    if (input.api_key !== undefined) set.api_key = text('api_key', input.api_key, 512);
    if (input.name !== undefined) set.name = text('name', input.name, 100);
    if (input.enabled !== undefined) set.enabled = input.enabled ? 1 : 0;
    // a changed address or key, or re-enabling: try again at once
    if (set.url !== undefined || set.api_key !== undefined || input.enabled) Object.assign(set, { failures: 0, next_attempt_at: 0 });
    if (Object.keys(set).length > 0) await updateRelayTarget(this.storage.db, t.id, set);
    if (set.next_attempt_at === 0) this.afterCommitForce();
    return { ...t, ...set };
  }

  async remove(userId: number, uuid: string): Promise<void> {
    const t = await findRelayTarget(this.storage.db, userId, uuid);
    if (!t) throw new NotFoundError('No such relay target.');
    await deleteRelayTarget(this.storage.db, t.id);
  }

  private checkUrl(raw: string): string {
    const url = apiBase(text('url', raw, 2048));
    if (!url) throw new ValidationError('url', 'Must be an http(s) URL of a WakaTime-compatible API, like https://wakatime.com/api/v1.');
    return url;
  }

  private afterCommitForce(): void {
    this.enqueued = true;
    this.afterCommit();
  }

  // ---- delivery ---------------------------------------------------------------------------------

  /** The job: delivers every due target's outbox (runs once at a time per instance). */
  async deliver(signal?: AbortSignal): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.round(signal);
      } while (this.again && !signal?.aborted);
    })().finally(() => (this.running = null));
    return this.running;
  }

  private async round(signal?: AbortSignal): Promise<void> {
    const db = this.storage.db;
    for (let guard = 0; guard < 1000 && !signal?.aborted; guard++) {
      const now = this.now();
      const targets = await dueTargets(db, now, 20);
      if (targets.length === 0) return;
      let progressed = false;
      for (const t of targets) {
        if (signal?.aborted) return;
        if (!(await leaseTarget(db, t.id, this.now(), this.now() + LEASE_SECONDS))) continue;
        try {
          progressed = (await this.deliverTarget(t, signal)) || progressed;
        } finally {
          await updateRelayTarget(db, t.id, { lease_until: 0 });
        }
      }
      if (!progressed) return;
    }
  }

  /** Delivers one target's outbox until empty or a failure; true when something was delivered. */
  private async deliverTarget(t: RelayTargetRow, signal?: AbortSignal): Promise<boolean> {
    const db = this.storage.db;
    let delivered = false;
    let total = t.delivered;
    for (let guard = 0; guard < 10_000 && !signal?.aborted; guard++) {
      const batch = await outboxBatch(db, t.id, this.batchSize);
      if (batch.length === 0) return delivered;
      const heartbeats = [];
      for (const row of batch) heartbeats.push(...(await heartbeatsByKeys(db, row.user_id, JSON.parse(row.items) as [number, number][], row.created_at)));
      try {
        await this.send(t, heartbeats, signal);
      } catch (err) {
        const failures = t.failures + 1;
        const message = err instanceof Error ? err.message : String(err);
        this.log.warn({ target: t.uuid, failures, err: message }, 'relay: delivery failed; retrying later');
        await updateRelayTarget(db, t.id, { failures, next_attempt_at: this.now() + this.backoff(failures), last_error: message.slice(0, 500) });
        return delivered;
      }
      await deleteOutbox(db, batch.map((r) => r.id));
      total += heartbeats.length;
      t.failures = 0;
      await updateRelayTarget(db, t.id, { failures: 0, next_attempt_at: 0, last_error: null, last_success_at: this.now(), delivered: total });
      delivered = true;
    }
    return delivered;
  }

  /** POSTs heartbeats to the target, per machine, in requests of batchSize; throws unless all were taken. */
  private async send(t: RelayTargetRow, heartbeats: RelayHeartbeatRow[], signal?: AbortSignal): Promise<void> {
    const byMachine = new Map<string, Record<string, unknown>[]>();
    for (const h of heartbeats) {
      const key = h.machine ?? '';
      let list = byMachine.get(key);
      if (!list) byMachine.set(key, (list = []));
      list.push(relayedHeartbeat(h));
    }
    // wakatime.com takes at most 25 heartbeats per bulk request; Wakapi and Metronome take more
    const size = /(^|\.)wakatime\.com$/i.test(new URL(t.url).hostname) ? Math.min(WAKATIME_BATCH, this.batchSize) : this.batchSize;
    for (const [machine, list] of byMachine) {
      for (let i = 0; i < list.length; i += size) {
        const chunk = list.slice(i, i + size);
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(t.api_key).toString('base64')}`,
          'user-agent': 'metronome-relay',
        };
        if (machine) headers['x-machine-name'] = machine;
        const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
        const res = await fetch(`${t.url}/users/current/heartbeats.bulk`, { method: 'POST', headers, body: JSON.stringify(chunk), signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        const body = await res.text();
        if (res.status !== 201 && res.status !== 202) throw new Error(`${t.url} answered ${res.status}: ${body.slice(0, 200)}`);
        // a heartbeat the target refuses for good (4xx) is dropped; one it could not store now (5xx) is retried
        const answers = (JSON.parse(body || '{}') as { responses?: [unknown, number][] }).responses ?? [];
        const retry = answers.filter((a) => Array.isArray(a) && typeof a[1] === 'number' && a[1] >= 500).length;
        if (retry > 0) throw new Error(`${t.url} could not store ${retry} heartbeats now`);
        const refused = answers.filter((a) => Array.isArray(a) && typeof a[1] === 'number' && a[1] >= 400 && a[1] < 500).length;
        if (refused > 0) this.log.warn({ target: t.uuid, refused }, 'relay: the target refused heartbeats');
      }
    }
  }
}
