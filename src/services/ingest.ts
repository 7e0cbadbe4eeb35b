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
 */
import type { FastifyBaseLogger } from 'fastify';
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
import { setTimezoneIfUnset } from '../storage/users.js';
import { parseUserAgent } from '../domain/user-agent.js';
import { memoize } from '../domain/memo.js';
import { EventBus } from './events.js';

const parseAgent = memoize(parseUserAgent);

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

/**
 * Called inside the write transaction with, per user, the times of heartbeats that were
 * inserted or deleted (duplicates included: over-reporting is harmless, missing one is not).
 */
export type HeartbeatsChangedHook = (tx: Transaction<Database>, changes: Map<number, number[]>) => Promise<void>;

interface Pending {
  request: IngestRequest;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** How long a commit may wait for more requests to join it when the server is busy. */
const LINGER_MS = 2;

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
  readonly hooks: HeartbeatsChangedHook[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
    /** Told, after the commit, whose heartbeats changed (`heartbeats.committed`, e.g. to drop cached answers). */
    private readonly events: EventBus = new EventBus(log),
  ) {
    // SQLite has one writer; PostgreSQL commits several batches at once on separate connections.
    this.maxConcurrent = storage.dialect === 'postgres' ? 4 : 1;
  }

  /** Resolves once the heartbeats are committed. */
  submit(request: IngestRequest): Promise<void> {
    if (this.closed) return Promise.reject(new Error('server is shutting down'));
    if (request.items.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Under load (the previous commit ended a moment ago) wait LINGER_MS for more requests to
   * join the next commit: fewer, larger commits. An idle server commits at once.
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
    if (performance.now() - this.lastFlushEnd < LINGER_MS && this.pendingRows() < MAX_ROWS_PER_COMMIT / 2) setTimeout(run, LINGER_MS);
    else setImmediate(run);
  }

  private pendingRows(): number {
    let n = 0;
    for (const p of this.pending) n += p.request.items.length;
    return n;
  }

  private take(): Pending[] {
    let rows = 0;
    let n = 0;
    while (n < this.pending.length && (n === 0 || rows + this.pending[n]!.request.items.length <= MAX_ROWS_PER_COMMIT)) {
      rows += this.pending[n]!.request.items.length;
      n++;
    }
    return this.pending.splice(0, n);
  }

  private async flush(): Promise<void> {
    const batch = this.take();
    if (batch.length === 0) return;
    try {
      const requests = batch.map((p) => p.request);
      for (let attempt = 1; ; attempt++) {
        try {
          await this.storage.db.transaction().execute((tx) => this.write(tx, requests));
          break;
        } catch (err) {
          // PostgreSQL may abort one of two colliding transactions (deadlock, serialization): retry it.
          const code = (err as { code?: string }).code;
          if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw err;
        }
      }
      this.committed(new Set(requests.map((r) => r.userId)));
      for (const p of batch) p.resolve();
    } catch (err) {
      this.log.error({ err }, 'heartbeat commit failed');
      for (const p of batch) p.reject(err);
    }
  }

  private async write(tx: Transaction<Database>, requests: IngestRequest[]): Promise<void> {
    const now = Date.now() / 1000;
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
      for (const { heartbeat: h } of req.items) {
        times.push(h.time);
        if (h.user_agent) widen(agents, `${req.userId}\n${h.user_agent}`, h.time);
        if (h.machine) {
          const key = `${req.userId}\n${h.machine}`;
          widen(machines, key, h.time);
          machineInfo.set(key, { ip: req.ip, timezone: req.timezone });
        }
        if (h.project) widen(projects, `${req.userId}\n${h.project}`, h.time);
        const l = latest.get(req.userId);
        if (!l || h.time >= l.time) latest.set(req.userId, h);
      }
    }

    // Sorted keys: concurrent instances on PostgreSQL lock rows in the same order (no deadlock).
    const agentIds = await upsertUserAgents(
      tx,
      [...agents.keys()].sort().map((key) => {
        const [userId, value] = split(key);
        const ua = parseAgent(value);
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
          user_agent_id: h.user_agent ? agentIds.get(`${req.userId}\n${h.user_agent}`) ?? null : null,
          editor: h.editor,
          operating_system: h.operating_system,
          machine_name_id: h.machine ? machineIds.get(`${req.userId}\n${h.machine}`) ?? null : null,
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
    for (const hook of this.hooks) await hook(tx, changes);
  }

  /** Deletes heartbeats by hash within [start, end) and tells the hooks; returns how many went. */
  async delete(userId: number, start: number, end: number, hashes: number[]): Promise<number> {
    const n = await this.storage.db.transaction().execute(async (tx) => {
      const times = await deleteHeartbeats(tx, userId, start, end, hashes);
      if (times.length > 0) for (const hook of this.hooks) await hook(tx, new Map([[userId, times]]));
      return times.length;
    });
    if (n > 0) this.committed(new Set([userId]));
    return n;
  }

  private committed(userIds: Set<number>): void {
    // synchronous listeners (cache drops) have run when emit returns: before the requests answer
    void this.events.emit('heartbeats.committed', { userIds });
  }

  /** Commits whatever is pending, then refuses new work. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running.size > 0 || this.pending.length > 0 || this.scheduled) {
      if (this.running.size > 0) await Promise.all(this.running);
      else await new Promise((r) => setImmediate(r));
    }
  }
}

function split(key: string): [number, string] {
  const i = key.indexOf('\n');
  return [Number(key.slice(0, i)), key.slice(i + 1)];
}
