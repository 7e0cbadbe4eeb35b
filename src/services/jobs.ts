/**
 * Background jobs behind one interface, `JobRunner`:
 *
 * - PostgreSQL: pg-boss (its own schema `pgboss`, created and migrated by pg-boss at start). Jobs
 *   live in the database, so with several instances each job runs once, on whichever instance
 *   fetches it first (`FOR UPDATE SKIP LOCKED`); a job whose instance died is failed by pg-boss's
 *   maintenance after `expireInSeconds` and retried by another instance.
 * - SQLite (one process): an in-process runner with the same semantics, minus surviving a restart.
 *   Every job here is re-derivable (dirty marks and expiry times are in the database), so a job lost
 *   with the process is simply done again by the next periodic run.
 *
 * Semantics shared by both:
 * - `register(name, handler, options)` before `start()`; sending to an unregistered name throws.
 * - `send(name, data, { singletonKey, startAfter })`: with a singletonKey, a job is not queued while
 *   another with the same key is still waiting (the answer is then `null`).
 * - `schedule(name, everySeconds)`: periodic work, once per period across ALL instances (pg-boss:
 *   a throttled job per epoch-aligned slot of `everySeconds`, which a unique index admits once).
 * - retries with exponential backoff (`retryLimit`, `retryDelaySeconds`, `retryBackoff`).
 * - `stop()` stops fetching, aborts `ctx.signal`, and waits (up to a timeout) for running handlers.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { systemClock, type Clock } from '../domain/clock.js';

/** Every job of the application and its data (JSON). Add a line for a new job. */
export interface JobTypes {
  /** Deletes expired sessions, old failed logins, spent codes, dead tokens (services/housekeeping.ts). */
  'housekeeping.sweep': Record<string, never>;
  /** Recomputes the dirty rollup days of every user (services/rollups.ts). */
  'rollups.upkeep': Record<string, never>;
  /** Recomputes the stored leaders and the last_7_days aggregate (services/leaders.ts). */
  'leaders.recompute': Record<string, never>;
  /** Computes one aggregate stats range asked for the first time (services/leaders.ts). */
  'aggregate.compute': { range: string };
  /** Recomputes the cached progress of a user's goals (services/goals.ts). */
  'goals.refresh': { userId: number };
  /** Recomputes goal caches left dirty (a lost refresh), periodic. */
  'goals.sweep': Record<string, never>;
  /** One round of goal progress e-mails, periodic (services/goals.ts notifyRound). */
  'goals.notify': Record<string, never>;
  /** Sends one e-mail with retries (services/mail.ts); never carries a secret. */
  'mail.send': { to: string; subject: string; text: string; html?: string };
  /** One round of weekly summary e-mails, periodic (services/account-mail.ts). */
  'mail.weekly_summary': Record<string, never>;
  /** Writes a data dump's file (services/data-dumps.ts). */
  'data_dumps.generate': { dumpId: number };
  /** Deletes expired data dumps and finished imports' uploaded files (hourly). */
  'transfer.sweep': Record<string, never>;
  /** Runs (or resumes) an import (services/imports.ts). */
  'imports.run': { importId: number };
  /** Delivers the relay outbox to the users' relay targets (services/relay.ts). */
  'relay.deliver': Record<string, never>;
}

export interface JobContext {
  id: string;
  name: string;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
  /** Aborted when the runner stops: long handlers should end early (their work is retried). */
  signal: AbortSignal;
}

export type JobHandler<D> = (data: D, ctx: JobContext) => Promise<void>;

export interface QueueOptions {
  /** Retries after a failure (default 2). */
  retryLimit?: number;
  /** Delay before the first retry (default 5 s); doubled for each further retry with retryBackoff. */
  retryDelaySeconds?: number;
  /** Exponential backoff between retries (default true). */
  retryBackoff?: boolean;
  /**
   * A run taking longer is considered dead (default 15 min): on PostgreSQL the job is failed and
   * retried, possibly by another instance, which is how a killed instance's job is taken over.
   */
  expireInSeconds?: number;
  /** Jobs of this name run at once on one instance (default 1). */
  concurrency?: number;
}

export interface SendOptions {
  /** Not queued while a job of the same name with this key is waiting. */
  singletonKey?: string;
  /** Not run before this time. */
  startAfter?: Date;
}

export interface JobRunner<J extends object = JobTypes> {
  readonly kind: 'in-process' | 'pg-boss';
  register<K extends keyof J & string>(name: K, handler: JobHandler<J[K]>, options?: QueueOptions): void;
  /** Queues a job; resolves with its id, or null when a waiting job with the same singletonKey exists. */
  send<K extends keyof J & string>(name: K, data: J[K], options?: SendOptions): Promise<string | null>;
  /** Runs the job every `everySeconds` (at start, then each period), once per period across instances. */
  schedule<K extends keyof J & string>(name: K, everySeconds: number, data?: J[K]): void;
  start(): Promise<void>;
  /** Stops taking jobs and waits up to `timeoutMs` (default 30 s) for running ones. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

type Log = { error(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; debug(obj: object, msg?: string): void };

const DEFAULTS = { retryLimit: 2, retryDelaySeconds: 5, retryBackoff: true, expireInSeconds: 15 * 60, concurrency: 1 } satisfies Required<QueueOptions>;

interface Registration {
  handler: JobHandler<unknown>;
  options: Required<QueueOptions>;
}

interface Schedule {
  name: string;
  everySeconds: number;
  data: object;
}

function checkSchedule(everySeconds: number): void {
  if (!Number.isInteger(everySeconds) || everySeconds < 1) throw new Error(`a schedule's period must be a whole number of seconds ≥ 1, not ${everySeconds}`);
}

/** Delay before retry number `attempt` (1-based) of a job that failed. */
export function retryDelayMs(options: Required<QueueOptions>, failedAttempt: number): number {
  const base = options.retryDelaySeconds * 1000;
  return options.retryBackoff ? Math.max(base, 1000) * 2 ** (failedAttempt - 1) : base;
}

// ---------------------------------------------------------------------------------------------
// In-process (SQLite: one process owns the database)

interface LocalJob {
  id: string;
  name: string;
  data: unknown;
  key: string | undefined;
  runAt: number;
  attempt: number;
}

export class InProcessJobRunner<J extends object = JobTypes> implements JobRunner<J> {
  readonly kind = 'in-process' as const;
  private readonly queues = new Map<string, Registration & { waiting: LocalJob[]; running: number; wake?: NodeJS.Timeout }>();
  private readonly schedules: Schedule[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private abort = new AbortController();
  private started = false;

  constructor(
    private readonly log: Log,
    private readonly clock: Clock = systemClock,
  ) {}

  register<K extends keyof J & string>(name: K, handler: JobHandler<J[K]>, options: QueueOptions = {}): void {
    if (this.queues.has(name)) throw new Error(`job ${name} is already registered`);
    this.queues.set(name, { handler: handler as JobHandler<unknown>, options: { ...DEFAULTS, ...options }, waiting: [], running: 0 });
  }

  async send<K extends keyof J & string>(name: K, data: J[K], options: SendOptions = {}): Promise<string | null> {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`job ${name} is not registered`);
    if (options.singletonKey !== undefined && queue.waiting.some((j) => j.key === options.singletonKey)) return null;
    const job: LocalJob = { id: randomUUID(), name, data, key: options.singletonKey, runAt: options.startAfter?.getTime() ?? this.clock.now(), attempt: 1 };
    queue.waiting.push(job);
    this.dispatch(name);
    return job.id;
  }

  schedule<K extends keyof J & string>(name: K, everySeconds: number, data?: J[K]): void {
    checkSchedule(everySeconds);
    this.schedules.push({ name, everySeconds, data: data ?? {} });
    if (this.started) this.startSchedule(this.schedules[this.schedules.length - 1]!);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.abort = new AbortController();
    for (const s of this.schedules) this.startSchedule(s);
    for (const name of this.queues.keys()) this.dispatch(name);
  }

  private startSchedule(s: Schedule): void {
    const fire = () => {
      this.send(s.name as keyof J & string, s.data as J[keyof J & string], { singletonKey: `schedule:${s.name}` }).catch((err: unknown) => this.log.error({ err, job: s.name }, 'scheduling a job failed'));
    };
    const timer = setInterval(fire, s.everySeconds * 1000);
    timer.unref();
    this.timers.add(timer);
    fire();
  }

  /** Starts the due jobs of a queue, up to its concurrency; wakes up for the next future one. */
  private dispatch(name: string): void {
    const queue = this.queues.get(name)!;
    if (!this.started) return;
    if (queue.wake) {
      clearTimeout(queue.wake);
      this.timers.delete(queue.wake);
      queue.wake = undefined;
    }
    const now = this.clock.now();
    while (queue.running < queue.options.concurrency) {
      const i = queue.waiting.findIndex((j) => j.runAt <= now);
      if (i < 0) break;
      const [job] = queue.waiting.splice(i, 1);
      this.run(queue, job!);
    }
    if (queue.waiting.length > 0 && queue.running < queue.options.concurrency) {
      const next = Math.min(...queue.waiting.map((j) => j.runAt));
      const wake = setTimeout(() => {
        this.timers.delete(wake);
        if (queue.wake === wake) queue.wake = undefined;
        this.dispatch(name);
      }, Math.max(0, next - now));
      wake.unref();
      queue.wake = wake;
      this.timers.add(wake);
    }
  }

  private run(queue: Registration & { waiting: LocalJob[]; running: number }, job: LocalJob): void {
    queue.running++;
    const ctx: JobContext = { id: job.id, name: job.name, attempt: job.attempt, signal: this.abort.signal };
    const started = this.clock.now();
    // eslint-disable-next-line prefer-const
    let p!: Promise<void>;
    p = (async () => {
      try {
        await queue.handler(job.data, ctx);
      } catch (err) {
        const retry = job.attempt <= queue.options.retryLimit && this.started;
        this.log.error({ err, job: job.name, attempt: job.attempt, retry }, 'job failed');
        if (retry) queue.waiting.push({ ...job, attempt: job.attempt + 1, runAt: this.clock.now() + retryDelayMs(queue.options, job.attempt) });
      } finally {
        const took = this.clock.now() - started;
        if (took > queue.options.expireInSeconds * 1000) this.log.warn({ job: job.name, ms: took }, 'job ran longer than its expiry');
        queue.running--;
        this.running.delete(p);
        if (this.started) this.dispatch(job.name);
      }
    })();
    this.running.add(p);
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const t of this.timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    this.timers.clear();
    for (const q of this.queues.values()) {
      q.wake = undefined;
      q.waiting.length = 0; // re-derivable work: the next start schedules it again
    }
    this.abort.abort();
    await waitAll(this.running, options.timeoutMs ?? 30_000, this.log);
  }
}

async function waitAll(running: Set<Promise<void>>, timeoutMs: number, log: Log): Promise<void> {
  if (running.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), timeoutMs);
    timer.unref();
  });
  const result = await Promise.race([Promise.allSettled([...running]).then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  if (result === 'timeout') log.warn({ jobs: running.size }, 'jobs still running at stop');
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: pg-boss

export interface PgBossRunnerOptions {
  connectionString: string;
  log: Log;
  /** Connections of pg-boss's own pool (default 4). */
  poolSize?: number;
  /** How often an idle worker looks for jobs (default 2 s). */
  pollingIntervalSeconds?: number;
  /** How often pg-boss's maintenance (expiring dead jobs, archiving) runs, once across instances (default 60 s). */
  maintenanceIntervalSeconds?: number;
  /** pg-boss's schema (default `pgboss`). */
  schema?: string;
}

export class PgBossJobRunner<J extends object = JobTypes> implements JobRunner<J> {
  readonly kind = 'pg-boss' as const;
  private readonly queues = new Map<string, Registration>();
  private readonly schedules: Schedule[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private boss: PgBoss | undefined;
  private booting: Promise<PgBoss> | undefined;
  private abort = new AbortController();
  private started = false;
  /** Set by stop(): a send then must not open a new pg-boss connection nobody would close. */
  private closed = false;

  constructor(private readonly options: PgBossRunnerOptions) {}

  register<K extends keyof J & string>(name: K, handler: JobHandler<J[K]>, options: QueueOptions = {}): void {
    if (this.queues.has(name)) throw new Error(`job ${name} is already registered`);
    if (this.booting) throw new Error(`register job ${name} before the runner starts or sends`);
    this.queues.set(name, { handler: handler as JobHandler<unknown>, options: { ...DEFAULTS, ...options } });
  }

  schedule<K extends keyof J & string>(name: K, everySeconds: number, data?: J[K]): void {
    checkSchedule(everySeconds);
    if (this.booting) throw new Error(`schedule job ${name} before the runner starts or sends`);
    this.schedules.push({ name, everySeconds, data: data ?? {} });
  }

  /** Starts pg-boss (installing or migrating its schema) and creates the queues; no workers yet. */
  private connect(): Promise<PgBoss> {
    if (this.closed) return Promise.reject(new Error('the job runner is stopped'));
    this.booting ??= (async () => {
      const o = this.options;
      // a throttled slot must not outlive the archiving of its job (pg-boss checks it)
      const longest = Math.max(0, ...this.schedules.map((s) => s.everySeconds));
      const boss = new PgBoss({
        connectionString: o.connectionString,
        schema: o.schema ?? 'pgboss',
        max: o.poolSize ?? 4,
        application_name: 'metronome-jobs',
        schedule: false, // no cron: periodic jobs are throttled sends (see schedule())
        supervise: true,
        migrate: true,
        maintenanceIntervalSeconds: o.maintenanceIntervalSeconds ?? 60,
        archiveCompletedAfterSeconds: Math.max(3600, longest),
        deleteAfterDays: 1,
      });
      boss.on('error', (err) => o.log.error({ err }, 'job queue error'));
      await boss.start();
      // Instances starting together would deadlock creating the same queues' tables: one at a time.
      const lock = new pg.Client({ connectionString: o.connectionString });
      await lock.connect();
      try {
        await lock.query(`select pg_advisory_lock(hashtext('metronome.jobs.queues'))`);
        await this.createQueues(boss);
      } finally {
        await lock.end(); // ends the session, and so its lock
      }
      this.boss = boss;
      return boss;
    })();
    return this.booting;
  }

  private async createQueues(boss: PgBoss): Promise<void> {
    for (const [name, { options }] of this.queues) {
      const queue: PgBoss.Queue = {
        name,
        // 'short': at most one waiting job per singletonKey (unkeyed sends get a unique key)
        policy: 'short',
        retryLimit: options.retryLimit,
        retryDelay: options.retryDelaySeconds,
        retryBackoff: options.retryBackoff,
        expireInSeconds: options.expireInSeconds,
      };
      await boss.createQueue(name, queue);
      await boss.updateQueue(name, queue);
    }
  }

  async send<K extends keyof J & string>(name: K, data: J[K], options: SendOptions = {}): Promise<string | null> {
    if (!this.queues.has(name)) throw new Error(`job ${name} is not registered`);
    const boss = await this.connect();
    return boss.send(name, data as object, { singletonKey: options.singletonKey ?? randomUUID(), ...(options.startAfter ? { startAfter: options.startAfter } : {}) });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.closed = false;
    this.abort = new AbortController();
    const boss = await this.connect();
    for (const [name, { handler, options }] of this.queues) {
      for (let i = 0; i < options.concurrency; i++) {
        if (!this.started) return; // stopped while starting
        await boss.work<unknown>(name, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
          if (!job) return;
          const attempt = job.retryCount + 1;
          try {
            await handler(job.data, { id: job.id, name, attempt, signal: this.abort.signal });
          } catch (err) {
            this.options.log.error({ err, job: name, attempt, retry: attempt <= options.retryLimit }, 'job failed');
            throw err; // pg-boss records the failure and schedules the retry
          }
        });
      }
    }
    if (!this.started) return;
    for (const s of this.schedules) this.startSchedule(boss, s);
  }

  /**
   * Every instance offers the job of the current slot (epoch-aligned, `everySeconds` long) a few
   * times per period; pg-boss's unique index on (name, slot, key) admits it once, so the job runs
   * once per period whatever the number of instances, and again after a restart only in a new slot.
   */
  private startSchedule(boss: PgBoss, s: Schedule): void {
    const offer = () => {
      if (!this.started) return;
      boss.send(s.name, s.data, { singletonKey: `schedule:${s.name}`, singletonSeconds: s.everySeconds }).catch((err: unknown) => this.options.log.error({ err, job: s.name }, 'scheduling a job failed'));
    };
    const timer = setInterval(offer, Math.min(60_000, Math.max(250, (s.everySeconds * 1000) / 4)));
    timer.unref();
    this.timers.add(timer);
    offer();
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    this.started = false;
    this.closed = true;
    if (!this.booting) return;
    const boss = await this.booting.catch(() => undefined);
    this.booting = undefined;
    this.boss = undefined;
    if (!boss) return;
    this.abort.abort();
    // graceful: no new fetches, wait for running handlers; what is still running at the timeout is
    // failed and so retried (by another instance, or this one after a restart)
    await boss.stop({ graceful: true, wait: true, close: true, timeout: options.timeoutMs ?? 30_000 });
  }
}

/** The runner for a database: pg-boss on PostgreSQL, in-process on SQLite. */
export function createJobRunner(deps: { dialect: 'sqlite' | 'postgres'; databaseUrl: string; log: Log; clock?: Clock }): JobRunner {
  if (deps.dialect === 'postgres') return new PgBossJobRunner({ connectionString: deps.databaseUrl, log: deps.log });
  return new InProcessJobRunner(deps.log, deps.clock);
}

/**
 * Installs or migrates pg-boss's schema (`metronome migrate` on PostgreSQL; the server's start does
 * the same through pg-boss, under pg-boss's own advisory lock).
 */
export async function installJobSchema(connectionString: string, schema = 'pgboss'): Promise<void> {
  const boss = new PgBoss({ connectionString, schema, max: 1, supervise: false, schedule: false, migrate: true });
  boss.on('error', () => {}); // start() rejects with the error itself
  await boss.start();
  await boss.stop({ graceful: false, close: true });
}
