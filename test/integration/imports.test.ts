/**
 * Imports: a generated WakaTime heartbeats dump file (plain and gzip; resumed after an abort;
 * twice adds nothing; a report of what was skipped), a second Metronome instance started by the
 * test (day by day and through its data dump) and a Wakapi-shaped fake answering its compat routes.
 */
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { afterAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { createAccount } from '../../src/services/accounts.js';
import { openDatabase, type Storage } from '../../src/storage/db.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { basicAuth, describeEachDatabase, freshDatabase, testConfig, uniqueName } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

interface ImportRes {
  id: string;
  status: string;
  percent_complete: number;
  received: number;
  imported: number;
  skipped: number;
  skipped_reasons: Record<string, number>;
  error: string | null;
}

const day0 = DateTime.utc().startOf('day').minus({ days: 4 });

/** A WakaTime-shaped heartbeats export: n heartbeats over 3 days and a few bad ones. */
function dumpFile(n: number): { text: string; good: number; bad: number } {
  const days = [0, 1, 2].map((d) => ({ date: day0.plus({ days: d }).toISODate(), heartbeats: [] as unknown[] }));
  for (let i = 0; i < n; i++) {
    const d = i % 3;
    days[d]!.heartbeats.push({
      id: `x${i}`, user_id: 'someone', machine_name_id: 'm1', user_agent_id: 'ua1', created_at: '2024-01-01T00:00:00Z',
      entity: `/src/f${i % 11}.py`, type: 'file', category: 'coding', time: day0.plus({ days: d, hours: 8 }).toSeconds() + i, project: 'imported', language: 'Python',
      branch: 'main', is_write: i % 5 === 0, lines: null, lineno: 3, dependencies: ['os'], user_agent: 'wakatime/v1.90.0 (linux-6.1) go1.21 vim/9.0 vim-wakatime/11.0.0',
    });
  }
  days[0]!.heartbeats.push({ entity: '/bad', type: 'file', time: 12 }, { type: 'file', time: day0.toSeconds() }, 'not an object');
  return { text: JSON.stringify({ user: { username: 'x' }, range: { start: 0, end: 0 }, days }), good: n, bad: 3 };
}

async function startSecond(dialect: 'sqlite' | 'postgres'): Promise<{ app: App; storage: Storage; address: string; close(): Promise<void> }> {
  const fresh = await freshDatabase(dialect);
  const storage = openDatabase(fresh.url, { sqliteSynchronous: 'NORMAL', poolSize: 3 });
  await migrateToLatest(storage);
  // its data dumps' links point at it: a free port first, then BASE_URL on it
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  const app = await buildApp({ config: testConfig(fresh.url, { BASE_URL: `http://127.0.0.1:${port}` }), storage, logger: false });
  const address = await app.listen({ port, host: '127.0.0.1' });
  return { app, storage, address, close: async () => { await app.close(); await storage.close(); await fresh.drop(); } };
}

describeEachDatabase('imports', (t) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  const count = async (userId: number, storage: Storage = t.storage) =>
    Number((await storage.db.selectFrom('heartbeats').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow()).n);
  const waitFor = async (apiKey: string, id: string, app: App = t.app): Promise<ImportRes> => {
    let r: ImportRes | undefined;
    for (let i = 0; i < 400; i++) {
      r = (await app.inject({ method: 'GET', url: `/api/v1/users/current/imports/${id}`, headers: basicAuth(apiKey) })).json<{ data: ImportRes }>().data;
      if (!['pending', 'running', 'uploading'].includes(r.status)) return r;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`import did not finish: ${JSON.stringify(r)}`);
  };

  it('imports a heartbeats dump file (plain or gzip): streamed, resumable, idempotent, with a report', async () => {
    await t.app.ctx.services.startBackground();
    const { user, apiKey } = await t.createUser();
    const file = dumpFile(1200);

    const start = async () => {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/imports', headers: t.auth(apiKey), payload: { type: 'file' } });
      expect(r.statusCode).toBe(201);
      expect(r.json().data).toMatchObject({ type: 'file', status: 'uploading', percent_complete: 0 });
      return r.json().data.id as string;
    };
    const id = await start();
    const up = await t.app.inject({ method: 'PUT', url: `/api/v1/users/current/imports/${id}/file`, headers: { ...t.auth(apiKey), 'content-type': 'application/json' }, payload: file.text });
    expect(up.statusCode).toBe(200);
    const done = await waitFor(apiKey, id);
    expect(done).toMatchObject({ status: 'completed', percent_complete: 100, received: 1203, imported: 1200, skipped: 3, error: null });
    expect(done.skipped_reasons).toEqual({ 'time: Must be a UNIX timestamp in seconds after 2000-01-01.': 1, 'entity: This field is required.': 1, 'not a heartbeat object': 1 });
    expect(await count(user.id)).toBe(1200);
    // what was imported is what the file said, through the ingest path (editor from the user agent)
    const day = (await t.app.inject({ method: 'GET', url: `/api/v1/users/current/heartbeats?date=${day0.toISODate()}&timezone=UTC`, headers: t.auth(apiKey) })).json().data as Record<string, unknown>[];
    expect(day[0]).toMatchObject({ entity: '/src/f0.py', project: 'imported', editor: 'Vim', operating_system: 'Linux', is_write: true, dependencies: ['os'], lineno: 3, lines: null });
    expect(day[0]).not.toHaveProperty('user_id', 'someone');
    expect(day[0]).not.toHaveProperty('created_at', '2024-01-01T00:00:00Z');
    // summaries see it (rollups followed)
    const sum = (await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?start=${day0.toISODate()}&end=${day0.toISODate()}&timezone=UTC`, headers: t.auth(apiKey) })).json();
    expect(sum.data[0].projects[0].name).toBe('imported');

    // again, gzip: nothing new
    const again = await start();
    await t.app.inject({ method: 'PUT', url: `/api/v1/users/current/imports/${again}/file`, headers: { ...t.auth(apiKey), 'content-type': 'application/gzip' }, payload: gzipSync(file.text) });
    expect(await waitFor(apiKey, again)).toMatchObject({ status: 'completed', received: 1203, imported: 1200, skipped: 3 });
    expect(await count(user.id)).toBe(1200);

    // not JSON: failed, saying why; hostile ids and bodies: 4xx
    const junk = await start();
    await t.app.inject({ method: 'PUT', url: `/api/v1/users/current/imports/${junk}/file`, headers: { ...t.auth(apiKey), 'content-type': 'text/plain' }, payload: '{"days": [ {"heartbeats": [ nope' });
    expect(await waitFor(apiKey, junk)).toMatchObject({ status: 'failed', error: expect.stringContaining('JSON') });
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/users/current/imports/${junk}/file`, headers: t.auth(apiKey), payload: 'x' })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/imports/nope', headers: t.auth(apiKey) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/users/current/imports', headers: t.auth(apiKey), payload: { type: 'server', url: 'file:///etc/passwd', api_key: 'k' } })).statusCode).toBe(400);
    const { apiKey: otherKey } = await t.createUser();
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/current/imports/${id}`, headers: t.auth(otherKey) })).statusCode).toBe(404);

    // at most 3 imports at a time (an upload that never comes counts until deleted)
    for (let i = 0; i < 3; i++) await start();
    const fourth = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/imports', headers: t.auth(apiKey), payload: { type: 'file' } });
    expect(fourth.statusCode).toBe(409);
    const waiting = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/imports', headers: t.auth(apiKey) })).json().data as ImportRes[];
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/imports/${waiting.find((i) => i.status === 'uploading')!.id}`, headers: t.auth(apiKey) })).statusCode).toBe(204);
    await start();
  });

  it('resumes an interrupted file import from its cursor', async () => {
    const { user, apiKey } = await t.createUser();
    const imports = t.app.ctx.services.imports;
    const file = dumpFile(2000);
    const row = await imports.create(user.id, { type: 'file' });
    // uploaded without queueing the job: this test runs it by hand
    const { Readable } = await import('node:stream');
    const sent = t.app.ctx.services.jobs.send;
    t.app.ctx.services.jobs.send = async () => null;
    try {
      await imports.upload(user.id, row.uuid, Readable.from([Buffer.from(file.text)]));
    } finally {
      t.app.ctx.services.jobs.send = sent;
    }
    const abort = new AbortController();
    let batches = 0;
    await expect(imports.run(row.id, { signal: abort.signal, onProgress: () => ++batches === 1 && abort.abort() })).rejects.toThrow();
    const halfway = await imports.get(user.id, row.uuid);
    expect(halfway.status).toBe('pending');
    // stopped after a batch or two (one is stored while the next is parsed): the cursor says how far
    const { items } = JSON.parse(halfway.cursor!) as { items: number };
    expect([1000, 2000]).toContain(items);
    // (the parsed values counted include the file's 3 bad ones, in its first day)
    expect(items - (await count(user.id))).toBe(3);
    const end = await imports.run(row.id);
    expect(end?.error).toBeNull();
    expect(end).toMatchObject({ status: 'completed', received: 2003, imported: 2000, skipped: 3 });
    expect(await count(user.id)).toBe(2000);
  });

  it('imports from another Metronome, day by day and through its data dump', async () => {
    await t.app.ctx.services.startBackground();
    const b = await startSecond(t.dialect);
    cleanups.push(b.close);
    await b.app.ctx.services.startBackground();
    const { apiKey: keyB } = await createAccount(b.storage, { username: uniqueName(), email: null, password: null });
    const beats = [];
    for (let d = 0; d < 3; d++) for (let i = 0; i < 40; i++) beats.push({ entity: `/b/${i % 4}.go`, type: 'file', time: day0.plus({ days: d, hours: 13 }).toSeconds() + i * 30, project: 'remote', language: 'Go', extra: { k: i } });
    for (const machine of ['alpha', 'beta']) {
      const r = await b.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC', 'x-machine-name': machine }), ...basicAuth(keyB) }, payload: beats });
      expect(r.statusCode).toBe(201);
    }
    t.app.ctx.services.imports.dumpPollMs = 100;
    for (const method of ['days', 'dump']) {
      const { user, apiKey } = await t.createUser();
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/imports', headers: t.auth(apiKey), payload: { type: 'server', url: b.address, api_key: keyB, method, start: day0.minus({ days: 1 }).toISODate() } });
      expect(r.statusCode).toBe(201);
      expect(r.json().data).toMatchObject({ source: `${b.address}/api/v1`, method });
      expect(JSON.stringify(r.json())).not.toContain(keyB);
      const done = await waitFor(apiKey, r.json().data.id);
      expect(done).toMatchObject({ status: 'completed', received: 240, imported: 240, skipped: 0 });
      expect(await count(user.id)).toBe(240);
      const here = (await t.app.inject({ method: 'GET', url: `/api/v1/users/current/heartbeats?date=${day0.plus({ days: 1 }).toISODate()}&timezone=UTC`, headers: t.auth(apiKey) })).json().data as Record<string, unknown>[];
      expect(new Set(here.map((h) => h.machine))).toEqual(new Set(['alpha', 'beta']));
      expect(here[0]).toMatchObject({ project: 'remote', editor: 'VS Code', extra: { k: 0 } });
    }
  });

  it('imports from a Wakapi-shaped server (its compat API: ids for machines and user agents)', async () => {
    await t.app.ctx.services.startBackground();
    const hits: string[] = [];
    const wakapi = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      hits.push(url.pathname);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Basic ${Buffer.from('wakapi-key').toString('base64')}`) return send(401, { error: 'unauthorized' });
      const p = url.pathname.replace('/api/compat/wakatime/v1', '');
      if (p === '/users/current') return send(200, { data: { id: 'w', username: 'w', created_at: day0.minus({ days: 1 }).toISO(), timezone: 'Europe/Berlin' } });
      if (p === '/users/current/machine_names') return send(200, { data: [{ id: 'mid', value: 'wakapi-box' }] });
      if (p === '/users/current/user_agents') return send(404, { error: 'not found' });
      if (p === '/users/current/heartbeats') {
        const date = url.searchParams.get('date')!;
        const start = DateTime.fromISO(date, { zone: 'Europe/Berlin' }).plus({ hours: 10 }).toSeconds();
        if (date === day0.plus({ days: 1 }).toISODate() && hits.filter((h) => h.endsWith('/heartbeats')).length < 4) return send(502, { error: 'bad gateway' });
        return send(200, {
          data: [0, 1, 2].map((i) => ({ id: `${date}-${i}`, branch: 'dev', category: 'coding', entity: `/w/${i}.rs`, is_write: false, language: 'Rust', project: 'wk', time: start + i * 60, type: 'file', user_id: 'w', machine_name_id: 'mid', user_agent_id: 'u', created_at: '2020-01-01T00:00:00Z' })),
        });
      }
      send(404, { error: 'not found' });
    });
    await new Promise<void>((r) => wakapi.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => wakapi.close(() => r())));
    const port = (wakapi.address() as { port: number }).port;
    const { user, apiKey } = await t.createUser();
    const r = await t.app.inject({
      method: 'POST', url: '/api/v1/users/current/imports', headers: t.auth(apiKey),
      payload: { type: 'server', url: `http://127.0.0.1:${port}/api/compat/wakatime/v1`, api_key: 'wakapi-key', end: day0.plus({ days: 2 }).toISODate() },
    });
    expect(r.statusCode).toBe(201);
    const done = await waitFor(apiKey, r.json().data.id);
    // 4 days (created the day before day0 … day0 + 2), 3 heartbeats each; a 502 was retried
    expect(done).toMatchObject({ status: 'completed', received: 12, imported: 12, skipped: 0, percent_complete: 100 });
    expect(await count(user.id)).toBe(12);
    const rows = await t.storage.db.selectFrom('heartbeats').select(['machine', 'branch', 'project']).where('user_id', '=', user.id).execute();
    expect(new Set(rows.map((x) => `${x.machine} ${x.branch} ${x.project}`))).toEqual(new Set(['wakapi-box dev wk']));

    // a wrong key: failed, saying so; resumable with PATCH once fixed (here: still wrong → failed again)
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/imports', headers: t.auth(apiKey), payload: { type: 'server', url: `http://127.0.0.1:${port}/api/compat/wakatime/v1`, api_key: 'nope' } });
    const failed = await waitFor(apiKey, bad.json().data.id);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('refused the API key') });
  });
});
