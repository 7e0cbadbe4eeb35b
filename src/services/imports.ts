/**
 * Imports: a user's history brought in from elsewhere, through the same ingest path as plugins
 * (services/ingest.ts: normalization, the canonical hash, dedup, rollup dirty marks, relay).
 *
 * Sources:
 * - `file`: a WakaTime-style `heartbeats` data dump (`{ days: [{ heartbeats: [...] }] }`, also a
 *   bare array or `{ data: [...] }`), plain or gzip, uploaded into the database in parts (or, from
 *   the CLI, read from a local file), stream-parsed with stream-json: memory stays flat;
 * - `server`: another WakaTime-compatible server by API URL + key (WakaTime, Wakapi's compat API,
 *   another Metronome), either day by day (`GET …/users/current/heartbeats?date=`) or through its
 *   data dump (`POST …/data_dumps`, then the download, stream-parsed like a file).
 *
 * Resumable: the cursor (heartbeats done for files and dumps, the last finished date for days) is
 * saved with the progress after every batch; a job that dies is retried and a restarted server
 * queues unfinished imports again (`resumeAll`); a resumed import skips what the cursor says is done.
 * Idempotent: the canonical hash makes a heartbeat imported twice stored once.
 * The report: heartbeats received, imported (stored, or already there), skipped with the reasons.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import fs from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import { DateTime } from 'luxon';
import parserStream from 'stream-json';
import pick from 'stream-json/filters/pick.js';
import streamValues from 'stream-json/streamers/stream-values.js';
import { EARLIEST_DATE, isValidTimezone, localDate } from '../domain/calendar.js';
import { epochSeconds, type Clock } from '../domain/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { heartbeatHash, normalizeHeartbeat, unstorableText } from '../domain/heartbeat.js';
import { daysBetweenInclusive } from '../domain/ranges.js';
import { apiBase, countReason, importableHeartbeat, skipReason } from '../domain/transfer.js';
import { parseUserAgentOnce } from '../domain/user-agent.js';
import type { Storage } from '../storage/db.js';
import {
  claimImport,
  countActiveImports,
  deleteAbandonedUploads,
  deleteImport,
  deleteImportParts,
  deleteOldImportParts,
  findImport,
  findImportById,
  insertImport,
  insertImportPart,
  listImports,
  readImportPart,
  unfinishedImports,
  updateImport,
  type ImportRow,
} from '../storage/imports.js';
import { partsSink } from './file-parts.js';
import type { HeartbeatWriter, IngestItem } from './ingest.js';
import type { JobRunner } from './jobs.js';

/** Heartbeats per ingest submission (and per saved cursor). */
const BATCH = 1000;
/** A running import whose runner did not report for this long is taken over. */
const STALE_SECONDS = 60;
const REQUEST_TIMEOUT_MS = 60_000;
/** Attempts per request to the other server before the import fails (resumable). */
const REQUEST_ATTEMPTS = 5;
/** Longest wait for another server's data dump to be generated. */
const DUMP_WAIT_SECONDS = 6 * 3600;
/** A JSON path a heartbeat object sits at in the accepted file shapes. */
const HEARTBEAT_PATH = /^(?:days\.\d+\.heartbeats|data|heartbeats)\.\d+$|^\d+$/;

/** Imports of one user waiting, uploading or running at once. */
export const MAX_ACTIVE_IMPORTS = 3;

export const IMPORT_TYPES = ['file', 'server'] as const;
export const IMPORT_METHODS = ['days', 'dump'] as const;

export interface ImportInput {
  type: string;
  url?: string;
  api_key?: string;
  method?: string;
  start?: string;
  end?: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** The CLI's local file (never a path from a request). */
  localFile?: string;
  /** Run it even if another runner seems to hold it (the CLI resuming its own import). */
  takeOver?: boolean;
  /** Told after every saved batch (the CLI's progress bar). */
  onProgress?: (row: ImportRow) => void;
}

class ImportCanceled extends Error {}

/** The other server answered something else than expected (the import fails, resumable). */
class RemoteError extends Error {}

export class ImportService {
  /** Largest uploaded file (IMPORT_MAX_BYTES). */
  maxUploadBytes = 2 * 1024 ** 3;
  /** Waits between polls of another server's data dump (tests shorten it). */
  dumpPollMs = 10_000;

  constructor(
    private readonly storage: Storage,
    private readonly writer: HeartbeatWriter,
    private readonly jobs: JobRunner,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
  ) {}

  private now(): number {
    return epochSeconds(this.clock);
  }

  list(userId: number): Promise<ImportRow[]> {
    return listImports(this.storage.db, userId);
  }

  async get(userId: number, uuid: string): Promise<ImportRow> {
    const row = await findImport(this.storage.db, userId, uuid);
    if (!row) throw new NotFoundError('No such import.');
    return row;
  }

  /** A new import: `server` ones are queued at once, `file` ones wait for their upload. */
  async create(userId: number, input: ImportInput, opts: { localFile?: string } = {}): Promise<ImportRow> {
    if (!(IMPORT_TYPES as readonly string[]).includes(input.type)) throw new ValidationError('type', `Must be one of ${IMPORT_TYPES.join(', ')}.`);
    const now = this.now();
    let url: string | null = null;
    let key: string | null = null;
    let method: string | null = null;
    const date = (field: 'start' | 'end') => {
      const v = input[field];
      if (v === undefined || v === '') return null;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !DateTime.fromISO(v, { zone: 'UTC' }).isValid || v < EARLIEST_DATE) throw new ValidationError(field, 'Must be a date as YYYY-MM-DD from 2000-01-01.');
      return v;
    };
    if ((await countActiveImports(this.storage.db, userId)) >= MAX_ACTIVE_IMPORTS) {
      throw new ConflictError(`At most ${MAX_ACTIVE_IMPORTS} imports at a time: wait for one to finish, or cancel or delete one.`, 'type');
    }
    const start = date('start');
    const end = date('end');
    if (start && end && end < start) throw new ValidationError('end', 'Must not be before start.');
    if (input.type === 'server') {
      if (!input.url) throw new ValidationError('url', 'This field is required.');
      if (!input.api_key) throw new ValidationError('api_key', 'This field is required.');
      url = apiBase(input.url);
      if (!url || unstorableText(input.url)) throw new ValidationError('url', 'Must be an http(s) URL of a WakaTime-compatible API, like https://wakatime.com/api/v1.');
      if (input.api_key.length > 512 || unstorableText(input.api_key) || /[\u0000-\u001f\u007f]/.test(input.api_key)) throw new ValidationError('api_key', 'Must be an API key.');
      key = input.api_key.trim();
      method = input.method ?? 'days';
      if (!(IMPORT_METHODS as readonly string[]).includes(method)) throw new ValidationError('method', `Must be one of ${IMPORT_METHODS.join(', ')}.`);
    } else if (opts.localFile) {
      url = `file:${opts.localFile}`;
    }
    const row = await insertImport(this.storage.db, {
      uuid: randomUUID(),
      user_id: userId,
      kind: input.type,
      status: input.type === 'server' || opts.localFile ? 'pending' : 'uploading',
      source_url: url,
      api_key: key,
      method,
      start_date: start,
      end_date: end,
      file_bytes: 0,
      done: 0,
      total: 0,
      cursor: null,
      received: 0,
      imported: 0,
      skipped: 0,
      skipped_reasons: '{}',
      error: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    });
    if (input.type === 'server') await this.jobs.send('imports.run', { importId: row.id });
    return row;
  }

  /** Stores an uploaded file (streamed, in parts) and queues the import. */
  async upload(userId: number, uuid: string, body: Readable): Promise<ImportRow> {
    const row = await this.get(userId, uuid);
    if (row.kind !== 'file' || row.status !== 'uploading') throw new ConflictError('This import takes no (more) file.', 'id');
    const db = this.storage.db;
    await deleteImportParts(db, row.id);
    let bytes = 0;
    const max = this.maxUploadBytes;
    try {
      await pipeline(
        body,
        partsSink(
          (seq, data) => insertImportPart(db, row.id, seq, data),
          (chunk) => {
            bytes += chunk.length;
            return bytes > max ? new ValidationError('file', `The file may be at most ${max} bytes.`) : undefined;
          },
        ),
      );
    } catch (err) {
      await deleteImportParts(db, row.id);
      throw err;
    }
    if (bytes === 0) throw new ValidationError('file', 'The file is empty.');
    const set = { status: 'pending', file_bytes: bytes, total: bytes, updated_at: this.now() };
    await updateImport(db, row.id, set);
    await this.jobs.send('imports.run', { importId: row.id });
    return { ...row, ...set };
  }

  /** Cancels a running or waiting import, or queues a failed or canceled one again (resuming it). */
  async setStatus(userId: number, uuid: string, status: string): Promise<ImportRow> {
    const row = await this.get(userId, uuid);
    if (status === 'canceled') {
      if (['completed', 'canceled'].includes(row.status)) return row;
      const set = { status: 'canceled', api_key: null, updated_at: this.now(), finished_at: this.now() };
      await updateImport(this.storage.db, row.id, set);
      return { ...row, ...set };
    }
    if (status === 'pending') {
      if (row.status !== 'failed' && row.status !== 'canceled') throw new ConflictError('Only a failed or canceled import can be resumed.', 'status');
      if (row.kind === 'server' && !row.api_key) throw new ConflictError("This import's API key was erased when it ended: start a new import.", 'status');
      if (row.kind === 'file' && row.file_bytes === 0) throw new ConflictError('This import has no file.', 'status');
      const set = { status: 'pending', error: null, finished_at: null, updated_at: this.now() };
      await updateImport(this.storage.db, row.id, set);
      await this.jobs.send('imports.run', { importId: row.id });
      return { ...row, ...set };
    }
    throw new ValidationError('status', "Must be 'canceled' or 'pending' (to resume).");
  }

  async remove(userId: number, uuid: string): Promise<void> {
    const row = await this.get(userId, uuid);
    await deleteImport(this.storage.db, row.id);
  }

  /** After a restart: queue every unfinished import again (SQLite's in-process jobs died with the process). */
  async resumeAll(): Promise<void> {
    // (the CLI's local-file imports are resumed by the CLI: the server never reads local paths)
    for (const { id } of await unfinishedImports(this.storage.db)) await this.jobs.send('imports.run', { importId: id }, { singletonKey: `import-${id}` });
  }

  async sweep(): Promise<void> {
    await deleteOldImportParts(this.storage.db, this.now() - 24 * 3600);
    await deleteAbandonedUploads(this.storage.db, this.now() - 24 * 3600);
  }

  /**
   * Runs (or resumes) an import to its end. Throws when another runner holds it (the job is retried
   * later) or when it failed for a reason worth a retry; its row says failed otherwise.
   */
  async run(importId: number, opts: RunOptions = {}): Promise<ImportRow | undefined> {
    const db = this.storage.db;
    const row = await findImportById(db, importId);
    if (!row || !['pending', 'running'].includes(row.status)) return row;
    if (!(await claimImport(db, row.id, this.now(), opts.takeOver ? -1 : STALE_SECONDS))) throw new Error(`import ${row.uuid} is being run elsewhere`);
    row.status = 'running';
    const state = new RunState(row);
    try {
      if (row.kind === 'file') await this.runFile(state, opts);
      else if (row.method === 'dump') await this.runRemoteDump(state, opts);
      else await this.runDays(state, opts);
      await this.save(state, { status: 'completed', api_key: null, finished_at: this.now(), done: state.row.total });
    } catch (err) {
      if (err instanceof ImportCanceled) return state.row;
      if (opts.signal?.aborted) {
        // the server stops: pending again, so a restart (or another instance) resumes it from its cursor
        await updateImport(this.storage.db, row.id, { status: 'pending', updated_at: this.now() }).catch(() => undefined);
        state.row.status = 'pending';
        throw err;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn({ import: row.uuid, err: message }, 'import failed');
      // the report stays in step with the cursor: a resumed run counts the failed batch again
      state.rewind();
      await this.save(state, { status: 'failed', error: message.slice(0, 500), finished_at: this.now() });
    }
    opts.onProgress?.(state.row);
    return state.row;
  }

  private async save(state: RunState, set: Partial<ImportRow> = {}): Promise<void> {
    const now = this.now();
    const fresh = await findImportById(this.storage.db, state.row.id);
    if (!fresh || fresh.status === 'canceled') throw new ImportCanceled();
    Object.assign(state.row, set, {
      received: state.received,
      imported: state.imported,
      skipped: state.skipped,
      skipped_reasons: JSON.stringify(state.reasons),
      cursor: JSON.stringify(state.cursor),
      updated_at: now,
    });
    const { id: _id, uuid: _uuid, user_id: _u, ...rest } = state.row;
    await updateImport(this.storage.db, state.row.id, rest);
    state.saved();
  }

  /** Normalizes and submits one batch of raw heartbeats through ingest; counts the report. */
  private async ingest(state: RunState, batch: { raw: unknown }[], lookups: Parameters<typeof importableHeartbeat>[1]): Promise<void> {
    const items: IngestItem[] = [];
    const now = this.now();
    for (const { raw } of batch) {
      state.received++;
      const imp = importableHeartbeat(raw, lookups);
      if (!imp) {
        state.skip('not a heartbeat object');
        continue;
      }
      const r = normalizeHeartbeat(imp.input, { userAgent: null, machine: imp.machine, parseUserAgent: parseUserAgentOnce, now });
      if (!r.ok) {
        state.skip(skipReason(r));
        continue;
      }
      items.push({ heartbeat: r.heartbeat, hash: heartbeatHash(state.row.user_id, r.heartbeat) });
    }
    if (items.length === 0) return;
    const failures = await this.writer.submit({ userId: state.row.user_id, items, ip: null, timezone: null });
    for (const f of failures) state.skip(f.error);
    state.imported += items.length - failures.length;
  }

  /** Stream-parses heartbeats out of a JSON (or gzip JSON) byte stream, skipping the first `skip`. */
  private async parseStream(state: RunState, source: AsyncIterable<Buffer>, opts: RunOptions, lookups: Parameters<typeof importableHeartbeat>[1] = {}, onBytes?: (n: number) => void): Promise<void> {
    const it = source[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) throw new ValidationError('file', 'The file is empty.');
    const head: Buffer = first.value;
    const bytes = Readable.from(
      (async function* () {
        onBytes?.(head.length);
        yield head;
        for (;;) {
          const n = await it.next();
          if (n.done) return;
          onBytes?.(n.value.length);
          yield n.value;
        }
      })(),
    );
    const gz = head[0] === 0x1f && head[1] === 0x8b;
    const skipFirst = state.cursor.items ?? 0;
    let seen = 0;
    let batch: { raw: unknown }[] = [];
    // one batch is ingested while the next is parsed; cursors are saved in order
    let inflight: Promise<void> = Promise.resolve();
    const flush = async () => {
      await inflight;
      if (batch.length === 0) return;
      const taken = batch;
      const upTo = seen;
      batch = [];
      inflight = (async () => {
        await this.ingest(state, taken, lookups);
        state.cursor.items = upTo;
        await this.save(state);
        opts.onProgress?.(state.row);
      })();
      inflight.catch(() => undefined);
    };
    const stages: (NodeJS.ReadableStream | NodeJS.ReadWriteStream)[] = [bytes];
    if (gz) stages.push(createGunzip());
    stages.push(parserStream(), pick.asStream({ filter: HEARTBEAT_PATH }), streamValues.asStream());
    const consume = async (values: AsyncIterable<{ value: unknown }>) => {
      for await (const { value } of values) {
        seen++;
        if (seen <= skipFirst) continue;
        batch.push({ raw: value });
        if (batch.length >= BATCH) {
          opts.signal?.throwIfAborted();
          await flush();
        }
      }
      await flush();
      await inflight;
    };
    const run = pipeline as unknown as (streams: unknown[], options?: { signal?: AbortSignal }) => Promise<void>;
    try {
      try {
        await (opts.signal ? run([...stages, consume], { signal: opts.signal }) : run([...stages, consume]));
      } finally {
        // a batch still being stored finishes (and saves its cursor) before the run ends
        await inflight.catch(() => undefined);
      }
    } catch (err) {
      if (err instanceof ImportCanceled || opts.signal?.aborted) throw err;
      const message = err instanceof Error ? err.message : String(err);
      if (/incorrect header check|unexpected end of file|invalid (block|distance|code)/i.test(message)) throw new ValidationError('file', `Not a valid gzip file: ${message}`);
      if (err instanceof Error && !(err as { code?: unknown }).code && /pars|json|token|expected/i.test(message)) throw new ValidationError('file', `Not a JSON data dump: ${message.slice(0, 200)}`);
      throw err;
    }
  }

  private async runFile(state: RunState, opts: RunOptions): Promise<void> {
    const row = state.row;
    const db = this.storage.db;
    let source: AsyncIterable<Buffer>;
    if (row.source_url?.startsWith('file:')) {
      if (!opts.localFile) throw new Error('This import reads a local file: resume it with the CLI (metronome import).');
      const size = fs.statSync(opts.localFile).size;
      row.total = row.file_bytes = size;
      source = fs.createReadStream(opts.localFile, { highWaterMark: 256 * 1024 });
    } else {
      source = (async function* () {
        for (let seq = 0; ; seq++) {
          const part = await readImportPart(db, row.id, seq);
          if (!part) return;
          yield part;
        }
      })();
    }
    let read = 0;
    await this.parseStream(state, source, opts, {}, (n) => {
      read += n;
      row.done = Math.min(read, row.total);
    });
  }

  // ---- another server ---------------------------------------------------------------------------

  private async remote(state: RunState, path: string, init: { method?: string; body?: unknown } = {}, signal?: AbortSignal): Promise<Response> {
    const row = state.row;
    const url = path.startsWith('http') ? path : `${row.source_url}${path}`;
    // the key goes only to the server it belongs to (a dump's download link may be elsewhere)
    const sameOrigin = new URL(url).origin === new URL(row.source_url!).origin;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'metronome-import' };
    if (sameOrigin) headers.authorization = `Basic ${Buffer.from(row.api_key ?? '').toString('base64')}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let lastError = '';
    for (let attempt = 1; attempt <= REQUEST_ATTEMPTS; attempt++) {
      signal?.throwIfAborted();
      let res: Response;
      try {
        const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
        res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: signal ? AbortSignal.any([signal, timeout]) : timeout, redirect: sameOrigin ? 'manual' : 'follow' });
      } catch (err) {
        if (signal?.aborted) throw err;
        lastError = err instanceof Error ? err.message : String(err);
        await sleep(Math.min(30_000, 500 * 2 ** attempt), signal);
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        lastError = `${url.replace(/[?#].*$/, '')} answered ${res.status}`;
        const retryAfter = Number(res.headers.get('retry-after'));
        await res.body?.cancel();
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 120) * 1000 : Math.min(30_000, 500 * 2 ** attempt), signal);
        continue;
      }
      if (res.status === 401 || res.status === 403) throw new RemoteError(`${row.source_url} refused the API key (${res.status}).`);
      if (res.status >= 300 && res.status !== 304) throw new RemoteError(`${url.replace(/[?#].*$/, '')} answered ${res.status}.`);
      return res;
    }
    throw new RemoteError(`${row.source_url} did not answer: ${lastError}`);
  }

  private async remoteJson<T>(state: RunState, path: string, init?: { method?: string; body?: unknown }, signal?: AbortSignal): Promise<T> {
    const res = await this.remote(state, path, init, signal);
    const text = await res.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new RemoteError(`${path} did not answer JSON.`);
    }
  }

  /** The other server's user agents and machines by id (their heartbeats may carry only ids). */
  private async lookups(state: RunState, signal?: AbortSignal): Promise<Parameters<typeof importableHeartbeat>[1]> {
    const map = async (path: string) => {
      try {
        const body = await this.remoteJson<{ data?: { id?: unknown; value?: unknown; name?: unknown }[] }>(state, path, undefined, signal);
        const m = new Map<string, string>();
        for (const x of Array.isArray(body.data) ? body.data : []) {
          const v = x.value ?? x.name;
          if (typeof x.id === 'string' && typeof v === 'string') m.set(x.id, v);
        }
        return m;
      } catch (err) {
        if (signal?.aborted) throw err;
        return new Map<string, string>();
      }
    };
    return { userAgents: await map('/users/current/user_agents'), machines: await map('/users/current/machine_names') };
  }

  /** Day by day: GET heartbeats?date= for every date of the range, in the other user's zone. */
  private async runDays(state: RunState, opts: RunOptions): Promise<void> {
    const row = state.row;
    const me = await this.remoteJson<{ data?: { created_at?: unknown; timezone?: unknown } }>(state, '/users/current', undefined, opts.signal);
    const zone = typeof me.data?.timezone === 'string' && isValidTimezone(me.data.timezone) ? me.data.timezone : 'UTC';
    const today = localDate(zone, this.now());
    const created = typeof me.data?.created_at === 'string' ? DateTime.fromISO(me.data.created_at, { zone }).toISODate() : null;
    let first = row.start_date ?? created ?? EARLIEST_DATE;
    if (first < EARLIEST_DATE) first = EARLIEST_DATE;
    let last = row.end_date ?? today;
    if (last > today) last = today;
    const lookups = await this.lookups(state, opts.signal);
    const total = first <= last ? daysBetweenInclusive(first, last) : 0;
    row.total = total;
    let date = state.cursor.date ? DateTime.fromISO(state.cursor.date, { zone: 'UTC' }).plus({ days: 1 }).toISODate()! : first;
    for (let i = date <= last ? daysBetweenInclusive(first, date) - 1 : total; i < total; i++) {
      opts.signal?.throwIfAborted();
      const body = await this.remoteJson<{ data?: unknown }>(state, `/users/current/heartbeats?date=${date}`, undefined, opts.signal);
      if (!Array.isArray(body.data)) throw new RemoteError(`/users/current/heartbeats?date=${date} answered no list of heartbeats.`);
      for (let k = 0; k < body.data.length; k += BATCH) await this.ingest(state, body.data.slice(k, k + BATCH).map((raw) => ({ raw })), lookups);
      state.cursor.date = date;
      row.done = i + 1;
      await this.save(state);
      opts.onProgress?.(row);
      date = DateTime.fromISO(date, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;
    }
  }

  /** Through the other server's data dump: start one (or reuse it), wait, download and parse it. */
  private async runRemoteDump(state: RunState, opts: RunOptions): Promise<void> {
    const row = state.row;
    const signal = opts.signal;
    type Dump = { id?: unknown; status?: unknown; download_url?: unknown; has_failed?: unknown; type?: unknown; percent_complete?: unknown };
    if (!state.cursor.dump) {
      const created = await this.remoteJson<{ data?: Dump }>(state, '/users/current/data_dumps', { method: 'POST', body: { type: 'heartbeats', email_when_finished: false } }, signal);
      if (typeof created.data?.id !== 'string') throw new RemoteError('The other server started no data dump.');
      state.cursor.dump = created.data.id;
      await this.save(state);
    }
    const lookups = await this.lookups(state, signal);
    let url: string | null = null;
    const deadline = this.now() + DUMP_WAIT_SECONDS;
    while (!url) {
      const list = await this.remoteJson<{ data?: Dump[] }>(state, '/users/current/data_dumps', undefined, signal);
      const d = (Array.isArray(list.data) ? list.data : []).find((x) => x.id === state.cursor.dump);
      if (!d) throw new RemoteError("The other server's data dump is gone.");
      if (d.has_failed === true) throw new RemoteError("The other server's data dump failed.");
      if (typeof d.download_url === 'string' && d.download_url && (d.status === 'Completed' || d.percent_complete === 100)) url = d.download_url;
      else {
        if (this.now() > deadline) throw new RemoteError("The other server's data dump did not finish in time.");
        await this.save(state);
        await sleep(this.dumpPollMs, signal);
      }
    }
    if (!/^https?:\/\//i.test(url)) throw new RemoteError('The data dump has no http(s) download link.');
    const res = await this.remote(state, url, undefined, signal);
    if (!res.body) throw new RemoteError('The data dump download is empty.');
    const length = Number(res.headers.get('content-length'));
    row.total = Number.isFinite(length) && length > 0 ? length : 0;
    let read = 0;
    await this.parseStream(state, Readable.fromWeb(res.body as never) as AsyncIterable<Buffer>, opts, lookups, (n) => {
      read += n;
      row.done = row.total > 0 ? Math.min(read, row.total) : 0;
    });
  }
}

/** A run's counters and cursor (saved with the row after every batch). */
class RunState {
  received: number;
  imported: number;
  skipped: number;
  reasons: Record<string, number>;
  cursor: { items?: number; date?: string; dump?: string };

  constructor(readonly row: ImportRow) {
    this.received = Number(row.received);
    this.imported = Number(row.imported);
    this.skipped = Number(row.skipped);
    this.reasons = safeJson(row.skipped_reasons, {}) as Record<string, number>;
    this.cursor = safeJson(row.cursor, {}) as RunState['cursor'];
    // a resumed file restarts its counters from the cursor
    if (this.cursor.items === undefined && row.kind === 'file') {
      this.received = this.imported = this.skipped = 0;
      this.reasons = {};
    }
    this.saved();
  }

  private last = { received: 0, imported: 0, skipped: 0, reasons: '{}' };

  /** The counters as saved with the cursor. */
  saved(): void {
    this.last = { received: this.received, imported: this.imported, skipped: this.skipped, reasons: JSON.stringify(this.reasons) };
  }

  /** Back to the counters saved with the cursor (a batch that failed half-way is not counted). */
  rewind(): void {
    this.received = this.last.received;
    this.imported = this.last.imported;
    this.skipped = this.last.skipped;
    this.reasons = JSON.parse(this.last.reasons) as Record<string, number>;
  }

  skip(reason: string): void {
    this.skipped++;
    countReason(this.reasons, reason);
  }
}

function safeJson(text: string | null, fallback: unknown): unknown {
  if (!text) return fallback;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? v : fallback;
  } catch {
    return fallback;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
