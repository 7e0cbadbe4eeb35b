/**
 * The heartbeat write path. Requests hand their normalized heartbeats to one HeartbeatWriter,
 * which commits everything that arrived meanwhile in ONE transaction (group commit) and only
 * then lets the requests answer 201/202: an acknowledged heartbeat is durable, and the cost of a
 * commit (an fsync on SQLite with synchronous=FULL, a round trip on PostgreSQL) is shared.
 *
 * Inside that transaction: user agents and machines are upserted (their ids go on the rows),
 * heartbeats are inserted-or-ignored under their unique key, projects and the user's "last …"
 * fields move forward, and the heartbeats-changed hooks run (the time engine marks its rollups
 * stale there, in the same transaction, so no change can be missed).
 *
 * Isolation: a shared commit that fails for a reason that is not the database going away (a value
 * the database refuses, a failing hook) is retried in halves, down to each request alone and then
 * each heartbeat alone, so one poison heartbeat costs only itself: the others are committed and
 * the poison one gets its own entry (400 when the database refused its data, 500 otherwise, which
 * wakatime-cli queues and resends for that heartbeat only). A request none of whose heartbeats
 * could be stored for a passing reason fails as a whole (the client resends the batch).
 */
import type { FastifyBaseLogger } from 'fastify';
import { epochSeconds, systemClock, type Clock } from '../domain/clock.js';
import type { Transaction } from 'kysely';
import type { Heartbeat } from '../domain/heartbeat.js';
import type { Storage } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import {
  advanceUserLastSeen,
  deleteHeartbeats,
  insertHeartbeats,
  upsertMachines,
  upsertProjects,
  upsertUserAgents,
  type NewHeartbeatRow,
  type SeenRange,
} from '../storage/heartbeats.js';
import { setTimezoneIfUnset, type UserRow } from '../storage/users.js';
import { durableTransaction } from '../storage/sqlite-wal-sync.js';
import { parseUserAgentOnce } from '../domain/user-agent.js';
import { EventBus } from './events.js';


export interface IngestItem {
  heartbeat: Heartbeat;
  hash: number;
}

export interface IngestRequest {
  userId: number;
  items: IngestItem[];
  /** The client's address (for machines.ip). */
  ip: string | null;
  /** The Timezone header, when the user has no zone yet. */
  timezone: string | null;
}

/** What a commit wrote to a user's row: the newest heartbeat (users.last_*), a first timezone. */
export interface UserRowChange {
  latest: { time: number; plugin: string | null; editor: string | null; project: string | null; branch: string | null } | null;
  timezone: string | null;
}

/**
 * Applies a UserRowChange to a copy of the row held elsewhere (cached credentials), exactly as
 * advanceUserLastSeen and setTimezoneIfUnset changed the stored row.
 */
export function applyUserRowChange(user: UserRow, change: UserRowChange): void {
  const l = change.latest;
  if (l && (user.last_heartbeat_at === null || user.last_heartbeat_at < l.time)) {
    user.last_heartbeat_at = l.time;
    user.last_plugin = l.plugin;
    user.last_plugin_name = l.editor;
    user.last_project = l.project;
    user.last_branch = l.branch;
  }
  if (change.timezone && user.timezone === null) user.timezone = change.timezone;
}

/**
 * Called inside the write transaction with, per user, the times of heartbeats that were
 * inserted or deleted (duplicates included: over-reporting is harmless, missing one is not).
 * On inserts, `inserted` holds the rows written (duplicates of stored ones too: those keep their
 * stored `created_at`, the new ones carry this commit's, which tells them apart); the relay's hook reads it.
 */
export type HeartbeatsChangedHook = (tx: Transaction<Database>, changes: Map<number, number[]>, inserted?: readonly NewHeartbeatRow[]) => Promise<void>;

/** A heartbeat of a request that could not be stored on its own (index into request.items). */
export interface IngestFailure {
  index: number;
  /** 400: the database refuses this heartbeat's data (permanent); 500: try again later. */
  status: 400 | 500;
  error: string;
}

interface Pending {
  request: IngestRequest;
  resolve: (failures: IngestFailure[]) => void;
  reject: (err: unknown) => void;
}

/** SQLSTATE / SQLite codes of errors that say nothing about the data: every retry would fail too. */
function isSystemic(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  // PostgreSQL: connection exceptions, insufficient resources, operator intervention, system errors
  if (/^(08|53|57|58|XX)/.test(code)) return true;
  // node: sockets; SQLite: busy, locked, I/O, full disk, read-only, can't open, corrupt
  return /^(E[A-Z]+|SQLITE_(BUSY|LOCKED|IOERR|FULL|READONLY|CANTOPEN|CORRUPT|NOMEM|NOTADB|PROTOCOL|INTERRUPT|ABORT))/.test(code);
}

/** Errors that say the database refuses the data itself: the same heartbeat will never be stored. */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  // PostgreSQL: data exceptions (NUL in text, integer out of range…) and integrity violations
  return /^(22|23)/.test(code) || /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
}

function failureOf(index: number, err: unknown): IngestFailure {
  if (isDataError(err)) {
    const reason = err instanceof Error ? err.message : String(err);
    return { index, status: 400, error: `This heartbeat can not be stored: ${reason}` };
  }
  return { index, status: 500, error: 'This heartbeat could not be stored right now; send it again later.' };
}

/**
 * A busy server's commit waits for as many requests as were recently in flight (under steady load
 * the same clients come back at once): on SQLite a commit (an fsync) costs about the same for 10
 * or 16 requests, so waiting for all of them means fewer commits. It waits while requests keep
 * arriving, and stops after LINGER_MS without one (fewer clients now) or MAX_LINGER_MS in all.
 */
const LINGER_MS = 2;
const MAX_LINGER_MS = 20;

/** A commit that ended this recently means the server is busy (an idle one commits at once). */
const BUSY_MS = 50;

/** Most heartbeats committed in one transaction; the rest wait for the next. */
const MAX_ROWS_PER_COMMIT = 5000;

function widen(map: Map<string, SeenRange>, key: string, time: number): void {
  const r = map.get(key);
  if (!r) map.set(key, { first: time, last: time });
  else {
    if (time < r.first) r.first = time;
    if (time > r.last) r.last = time;
  }
}

export class HeartbeatWriter {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Commits in progress (SQLite: at most one; PostgreSQL: a few, on separate connections). */
  private readonly running = new Set<Promise<void>>();
  private readonly maxConcurrent: number;
  private closed = false;
  private lastFlushEnd = -Infinity;
  private pendingRows = 0;
  /**
   * The most requests recently in flight at once (pending and committing): what a lingering
   * commit waits for, less those still committing.
   */
  private expected = 0;
  /** Requests in the commits now running. */
  private committing = 0;
  /** The commit waiting for more requests to join (run it early when enough came). */
  private lingering: { timer: NodeJS.Timeout; run: () => void; arrived: boolean; since: number } | null = null;
  readonly hooks: HeartbeatsChangedHook[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
    /** Told, after the commit, whose heartbeats changed (`heartbeats.committed`, e.g. to drop cached answers). */
    private readonly events: EventBus = new EventBus(log),
    /** "Now": the stored rows' created_at and first/last-seen stamps. */
    private readonly clock: Clock = systemClock,
  ) {
    // SQLite has one writer; PostgreSQL commits several batches at once on separate connections.
    this.maxConcurrent = storage.dialect === 'postgres' ? 4 : 1;
  }

  /**
   * Resolves once the heartbeats are committed, with the ones that could not be stored on their
   * own (usually none); rejects when none of them could be, for a reason worth a retry.
   */
  submit(request: IngestRequest): Promise<IngestFailure[]> {
    if (this.closed) return Promise.reject(new Error('server is shutting down'));
    if (request.items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      this.pendingRows += request.items.length;
      if (this.lingering && (this.pending.length + this.committing >= this.expected || this.pendingRows >= MAX_ROWS_PER_COMMIT / 2)) {
        const { timer, run } = this.lingering;
        this.lingering = null;
        clearTimeout(timer);
        setImmediate(run);
      } else if (this.lingering) this.lingering.arrived = true;
      else this.schedule();
    });
  }

  /**
   * Under load (the previous commit ended a moment ago) wait for as many requests as were
   * recently in flight: fewer, larger commits. An idle server commits at once.
   */
  private schedule(): void {
    if (this.scheduled || this.running.size >= this.maxConcurrent) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      const flushing: Promise<void> = this.flush().finally(() => {
        this.running.delete(flushing);
        this.lastFlushEnd = performance.now();
        if (this.pending.length > 0) this.schedule();
      });
      this.running.add(flushing);
    };
    if (performance.now() - this.lastFlushEnd < BUSY_MS && this.pending.length + this.committing < this.expected && this.pendingRows < MAX_ROWS_PER_COMMIT / 2) {
      const wake = () => {
        if (this.lingering !== lingering) return;
        if (lingering.arrived && performance.now() - lingering.since < MAX_LINGER_MS) {
          lingering.arrived = false;
          lingering.timer = setTimeout(wake, LINGER_MS);
          return;
        }
        this.lingering = null;
        // fewer clients than before: expect one less next time
        this.expected = Math.max(this.pending.length + this.committing, this.expected - 1);
        run();
      };
      const lingering = { run, timer: setTimeout(wake, LINGER_MS), arrived: false, since: performance.now() };
      this.lingering = lingering;
    } else setImmediate(run);
  }

  private take(): Pending[] {
    let rows = 0;
    let n = 0;
    while (n < this.pending.length && (n === 0 || rows + this.pending[n]!.request.items.length <= MAX_ROWS_PER_COMMIT)) {
      rows += this.pending[n]!.request.items.length;
      n++;
    }
    this.pendingRows -= rows;
    if (n + this.committing > this.expected) this.expected = n + this.committing;
    return this.pending.splice(0, n);
  }

  private async flush(): Promise<void> {
    const batch = this.take();
    if (batch.length === 0) return;
    this.committing += batch.length;
    try {
      await this.commitBatch(batch);
    } finally {
      this.committing -= batch.length;
    }
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    let rows: Map<number, UserRowChange>;
    try {
      rows = await this.commit(batch.map((p) => p.request));
    } catch (err) {
      if (isSystemic(err)) {
        this.log.error({ err }, 'heartbeat commit failed');
        for (const p of batch) p.reject(err);
        return;
      }
      this.log.warn({ err }, 'heartbeat commit failed: committing its requests and heartbeats on their own');
      await this.isolate(batch, err);
      return;
    }
    this.committed(rows);
    for (const p of batch) p.resolve([]);
  }

  /** One transaction for these requests; PostgreSQL deadlocks and serialization failures are retried. */
  private async commit(requests: IngestRequest[]): Promise<Map<number, UserRowChange>> {
    for (let attempt = 1; ; attempt++) {
      try {
        // durable when it resolves; on SQLite the WAL's fsync runs off the event loop
        return await durableTransaction(this.storage, (tx) => this.write(tx, requests));
      } catch (err) {
        // PostgreSQL may abort one of two colliding transactions (deadlock, serialization): retry it.
        const code = (err as { code?: string }).code;
        if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw err;
      }
    }
  }

  /**
   * A group of requests failed together with `err`: commit each half on its own, down to single
   * requests (then their heartbeats), so the requests that can be stored are, in few commits.
   */
  private async isolate(group: Pending[], err: unknown): Promise<void> {
    if (group.length === 1) return this.isolateItems(group[0]!, err);
    const mid = group.length >> 1;
    for (const half of [group.slice(0, mid), group.slice(mid)]) {
      let rows: Map<number, UserRowChange>;
      try {
        rows = await this.commit(half.map((p) => p.request));
      } catch (halfErr) {
        if (isSystemic(halfErr)) {
          for (const p of half) p.reject(halfErr);
          continue;
        }
        await this.isolate(half, halfErr);
        continue;
      }
      this.committed(rows);
      for (const p of half) p.resolve([]);
    }
  }

  /** One request failed alone with `err`: find its heartbeats that can not be stored, store the rest. */
  private async isolateItems(p: Pending, err: unknown): Promise<void> {
    const { request } = p;
    const failures: IngestFailure[] = [];
    let stored = 0;
    let systemic: unknown = null;
    const rows = new Map<number, UserRowChange>();
    const attempt = async (from: number, to: number, failed: unknown): Promise<void> => {
      if (systemic) return;
      if (isSystemic(failed)) {
        systemic = failed;
        return;
      }
      if (to - from === 1) {
        failures.push(failureOf(from, failed));
        return;
      }
      const mid = (from + to) >> 1;
      for (const [a, b] of [[from, mid], [mid, to]] as const) {
        if (systemic) return;
        try {
          const change = (await this.commit([{ ...request, items: request.items.slice(a, b) }])).get(request.userId)!;
          const seen = rows.get(request.userId);
          if (!seen) rows.set(request.userId, change);
          else {
            if (change.latest && (!seen.latest || change.latest.time >= seen.latest.time)) seen.latest = change.latest;
            seen.timezone ??= change.timezone;
          }
          stored += b - a;
        } catch (e) {
          await attempt(a, b, e);
        }
      }
    };
    await attempt(0, request.items.length, err);
    if (stored > 0) this.committed(rows);
    if (systemic || (stored === 0 && failures.some((f) => f.status === 500))) {
      // The database went away, or nothing was stored for what may be a passing reason: the whole
      // request fails and the client resends it (what was stored meanwhile is deduplicated).
      this.log.error({ err: systemic ?? err }, 'heartbeat commit failed');
      p.reject(systemic ?? err);
      return;
    }
    this.log.warn({ userId: request.userId, failures }, 'heartbeats that could not be stored');
    p.resolve(failures.sort((a, b) => a.index - b.index));
  }

  private async write(tx: Transaction<Database>, requests: IngestRequest[]): Promise<Map<number, UserRowChange>> {
    const now = epochSeconds(this.clock);
    const agents = new Map<string, SeenRange>();
    const machines = new Map<string, SeenRange>();
    const machineInfo = new Map<string, { ip: string | null; timezone: string | null }>();
    const projects = new Map<string, SeenRange>();
    const latest = new Map<number, Heartbeat>();
    const timezones = new Map<number, string>();
    const changes = new Map<number, number[]>();

    for (const req of requests) {
      if (req.timezone) timezones.set(req.userId, req.timezone);
      let times = changes.get(req.userId);
      if (!times) changes.set(req.userId, (times = []));
      // a request's heartbeats nearly always share agent, machine and project: build keys once
      const agent = new KeyOf(req.userId);
      const machine = new KeyOf(req.userId);
      const project = new KeyOf(req.userId);
      let l = latest.get(req.userId);
      let infoSet: string | null = null;
      for (const { heartbeat: h } of req.items) {
        times.push(h.time);
        if (h.user_agent) widen(agents, agent.of(h.user_agent), h.time);
        if (h.machine) {
          const key = machine.of(h.machine);
          widen(machines, key, h.time);
          if (key !== infoSet) machineInfo.set((infoSet = key), { ip: req.ip, timezone: req.timezone });
        }
        if (h.project) widen(projects, project.of(h.project), h.time);
        if (!l || h.time >= l.time) l = h;
      }
      if (l) latest.set(req.userId, l);
    }

    // Sorted keys: concurrent instances on PostgreSQL lock rows in the same order (no deadlock).
    const agentIds = await upsertUserAgents(
      tx,
      [...agents.keys()].sort().map((key) => {
        const [userId, value] = split(key);
        const ua = parseUserAgentOnce(value);
        const seen = agents.get(key)!;
        return { userId, value, ...seen, editor: ua.editor, version: ua.plugin_version, os: ua.operating_system, isBrowserExtension: ua.is_browser_extension, isDesktopApp: ua.is_desktop_app };
      }),
    );
    const machineIds = await upsertMachines(
      tx,
      [...machines.keys()].sort().map((key) => {
        const [userId, value] = split(key);
        return { userId, value, ...machines.get(key)!, ...machineInfo.get(key)! };
      }),
    );

    const rows: NewHeartbeatRow[] = [];
    for (const req of requests) {
      const agent = new KeyOf(req.userId);
      const machine = new KeyOf(req.userId);
      for (const { heartbeat: h, hash } of req.items) {
        rows.push({
          user_id: req.userId,
          time: h.time,
          hash,
          entity: h.entity,
          type: h.type,
          category: h.category,
          project: h.project,
          project_root_count: h.project_root_count,
          branch: h.branch,
          language: h.language,
          dependencies: h.dependencies.length ? JSON.stringify(h.dependencies) : null,
          lines: h.lines,
          line_additions: h.line_additions,
          line_deletions: h.line_deletions,
          lineno: h.lineno,
          cursorpos: h.cursorpos,
          is_write: h.is_write ? 1 : 0,
          ai_line_changes: h.ai_line_changes,
          human_line_changes: h.human_line_changes,
          user_agent_id: h.user_agent ? agentIds.get(agent.of(h.user_agent)) ?? null : null,
          editor: h.editor,
          operating_system: h.operating_system,
          machine_name_id: h.machine ? machineIds.get(machine.of(h.machine)) ?? null : null,
          machine: h.machine,
          extra: h.extra ? JSON.stringify(h.extra) : null,
          created_at: now,
        });
      }
    }
    // One global order of keys: concurrent commits never wait on each other in a cycle.
    rows.sort((a, b) => a.user_id - b.user_id || a.time - b.time || a.hash - b.hash);
    await insertHeartbeats(tx, rows);

    await upsertProjects(
      tx,
      [...projects.keys()].sort().map((key) => {
        const [userId, name] = split(key);
        return { userId, name, ...projects.get(key)! };
      }),
      now,
    );
    for (const [uid, h] of [...latest].sort((a, b) => a[0] - b[0])) {
      await advanceUserLastSeen(tx, uid, { time: h.time, plugin: h.user_agent, editor: h.editor, project: h.project, branch: h.branch });
    }
    for (const [uid, tz] of timezones) await setTimezoneIfUnset(tx, uid, tz);
    for (const hook of this.hooks) await hook(tx, changes, rows);
    const rowChanges = new Map<number, UserRowChange>();
    for (const uid of changes.keys()) {
      const h = latest.get(uid);
      rowChanges.set(uid, {
        latest: h ? { time: h.time, plugin: h.user_agent, editor: h.editor, project: h.project, branch: h.branch } : null,
        timezone: timezones.get(uid) ?? null,
      });
    }
    return rowChanges;
  }

  /** Deletes heartbeats by hash within [start, end) and tells the hooks; returns how many went. */
  async delete(userId: number, start: number, end: number, hashes: number[]): Promise<number> {
    const n = await this.storage.db.transaction().execute(async (tx) => {
      const times = await deleteHeartbeats(tx, userId, start, end, hashes);
      if (times.length > 0) for (const hook of this.hooks) await hook(tx, new Map([[userId, times]]));
      return times.length;
    });
    if (n > 0) this.committed(new Map([[userId, { latest: null, timezone: null }]]));
    return n;
  }

  private committed(userRows: Map<number, UserRowChange>): void {
    // synchronous listeners (cache updates) have run when emit returns: before the requests answer
    void this.events.emit('heartbeats.committed', { userIds: new Set(userRows.keys()), userRows });
  }

  /** Commits whatever is pending, then refuses new work. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.lingering) {
      const { timer, run } = this.lingering;
      this.lingering = null;
      clearTimeout(timer);
      run();
    }
    while (this.running.size > 0 || this.pending.length > 0 || this.scheduled) {
      if (this.running.size > 0) await Promise.all(this.running);
      else await new Promise((r) => setImmediate(r));
    }
  }
}

/** `${userId}\n${value}` map keys, the last one remembered (a request repeats the same values). */
class KeyOf {
  private value: string | null = null;
  private key = '';
  constructor(private readonly userId: number) {}
  of(value: string): string {
    if (value !== this.value) {
      this.value = value;
      this.key = `${this.userId}\n${value}`;
    }
    return this.key;
  }
}

function split(key: string): [number, string] {
  const i = key.indexOf('\n');
  return [Number(key.slice(0, i)), key.slice(i + 1)];
}
