/**
 * The job runner: the in-process one (SQLite) on its own, pg-boss with two instances on one
 * PostgreSQL database (each job once, periodic jobs once per period, a killed instance's job taken
 * over by the other), and the app's own periodic jobs through createServices.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { InProcessJobRunner, PgBossJobRunner, retryDelayMs, type JobContext } from '../../src/services/jobs.js';
import { openDatabase, type Storage } from '../../src/storage/db.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createAccount } from '../../src/services/accounts.js';
import { insertSession } from '../../src/storage/sessions.js';
import { freshDatabase, testConfig, uniqueName } from '../helpers/harness.js';
import { exited, ROOT } from '../helpers/process.js';
import { STUCK_QUEUE } from '../helpers/jobs.js';

const quiet = { error: () => {}, warn: () => {}, debug: () => {} };

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type TestJobs = { 'test.once': { n: number }; 'test.flaky': { n: number }; 'test.slow': Record<string, never>; 'test.tick': Record<string, never> };

describe('in-process job runner', () => {
  it('runs each sent job once, and not before start', async () => {
    const runner = new InProcessJobRunner<TestJobs>(quiet);
    const seen: number[] = [];
    runner.register('test.once', async ({ n }) => void seen.push(n), { concurrency: 3 });
    for (let n = 0; n < 10; n++) expect(await runner.send('test.once', { n })).toEqual(expect.any(String));
    await sleep(20);
    expect(seen).toEqual([]);
    await runner.start();
    await waitFor(() => seen.length === 10, 'ten jobs');
    await sleep(20);
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await runner.stop();
  });

  it('keeps one waiting job per singletonKey, and honours startAfter', async () => {
    const runner = new InProcessJobRunner<TestJobs>(quiet);
    const seen: number[] = [];
    runner.register('test.once', async ({ n }) => void seen.push(n));
    const later = new Date(Date.now() + 150);
    expect(await runner.send('test.once', { n: 1 }, { singletonKey: 'user:1', startAfter: later })).not.toBeNull();
    expect(await runner.send('test.once', { n: 2 }, { singletonKey: 'user:1' })).toBeNull();
    expect(await runner.send('test.once', { n: 3 }, { singletonKey: 'user:2' })).not.toBeNull();
    await runner.start();
    await waitFor(() => seen.length === 1, 'the unkeyed job');
    expect(seen).toEqual([3]);
    await waitFor(() => seen.length === 2, 'the delayed job');
    expect(Date.now()).toBeGreaterThanOrEqual(later.getTime());
    expect(seen).toEqual([3, 1]);
    await expect(runner.send('nope' as 'test.once', { n: 0 })).rejects.toThrow(/not registered/);
    await runner.stop();
  });

  it('retries a failing job up to its limit, with the attempt number', async () => {
    const runner = new InProcessJobRunner<TestJobs>(quiet);
    const attempts: number[] = [];
    runner.register(
      'test.flaky',
      async (_d, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error('not yet');
      },
      { retryLimit: 5, retryDelaySeconds: 0, retryBackoff: false },
    );
    const gaveUp: number[] = [];
    runner.register(
      'test.once',
      async (_d, ctx) => {
        gaveUp.push(ctx.attempt);
        throw new Error('never');
      },
      { retryLimit: 1, retryDelaySeconds: 0, retryBackoff: false },
    );
    await runner.start();
    await runner.send('test.flaky', { n: 1 });
    await runner.send('test.once', { n: 1 });
    await waitFor(() => attempts.length === 3 && gaveUp.length === 2, 'retries');
    await sleep(50);
    expect(attempts).toEqual([1, 2, 3]);
    expect(gaveUp).toEqual([1, 2]);
    await runner.stop();
  });

  it('backs off exponentially between retries', () => {
    const o = { retryLimit: 5, retryDelaySeconds: 5, retryBackoff: true, expireInSeconds: 60, concurrency: 1 };
    expect([1, 2, 3, 4].map((a) => retryDelayMs(o, a))).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs({ ...o, retryBackoff: false }, 3)).toBe(5000);
  });

  it('runs a scheduled job at start, never twice at once, and stop waits for a running job', async () => {
    const runner = new InProcessJobRunner<TestJobs>(quiet);
    let running = 0;
    let most = 0;
    let runs = 0;
    let finished = false;
    let aborted = false;
    runner.register('test.slow', async (_d, ctx: JobContext) => {
      running++;
      most = Math.max(most, running);
      runs++;
      await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => setTimeout(r, 100)));
      aborted = ctx.signal.aborted;
      running--;
      finished = true;
    });
    runner.schedule('test.slow', 1);
    await runner.start();
    await waitFor(() => runs === 1, 'the scheduled run');
    await sleep(1200); // a second period passes while the first run still runs
    expect(most).toBe(1);
    await runner.stop();
    expect(finished).toBe(true);
    expect(aborted).toBe(true);
    expect(runs).toBe(1);
  });
});

const pgUrl = inject('pgUrl');

// Under CI=true an unreachable PostgreSQL fails the run in test/helpers/global-setup.ts.
describe.skipIf(!pgUrl)('pg-boss job runner, two instances on one database [postgres]', () => {
  let url: string;
  let drop: () => Promise<void>;
  let client: pg.Client;
  const runners: PgBossJobRunner<TestJobs & { 'test.stuck': { n: number } }>[] = [];
  const runner = (name: string) => {
    const r = new PgBossJobRunner<TestJobs & { 'test.stuck': { n: number } }>({ connectionString: url, log: { ...quiet, error: (o, m) => m !== 'job failed' && console.error(name, m, o) }, pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1, poolSize: 2 });
    runners.push(r);
    return r;
  };

  beforeAll(async () => {
    const fresh = await freshDatabase('postgres');
    url = fresh.url;
    drop = fresh.drop;
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(async () => {
    for (const r of runners) await r.stop({ timeoutMs: 1000 }).catch(() => {});
    await client?.end();
    await drop?.();
  });

  it('runs a job sent once exactly once, whichever instance takes it', async () => {
    const ran: { n: number; by: string }[] = [];
    const [a, b] = [runner('A'), runner('B')];
    for (const [r, by] of [[a, 'A'], [b, 'B']] as const) {
      r.register('test.once', async ({ n }) => {
        await sleep(5);
        ran.push({ n, by });
      }, { concurrency: 2 });
    }
    await Promise.all([a.start(), b.start()]);
    for (let n = 0; n < 30; n++) await (n % 2 ? a : b).send('test.once', { n });
    await waitFor(() => ran.length >= 30, '30 jobs');
    await sleep(1500); // a second run of any of them would show up by now
    expect(ran.map((r) => r.n).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // a singletonKey keeps one waiting job across instances
    expect(await a.send('test.once', { n: 100 }, { singletonKey: 'k', startAfter: new Date(Date.now() + 60_000) })).not.toBeNull();
    expect(await b.send('test.once', { n: 101 }, { singletonKey: 'k' })).toBeNull();
    await Promise.all([a.stop(), b.stop()]);
  });

  it('runs a periodic job once per period across both instances', async () => {
    const runs: string[] = [];
    const [a, b] = [runner('A'), runner('B')];
    for (const [r, by] of [[a, 'A'], [b, 'B']] as const) {
      r.register('test.tick', async () => void runs.push(by));
      r.schedule('test.tick', 2);
    }
    await Promise.all([a.start(), b.start()]);
    await sleep(7000);
    await Promise.all([a.stop(), b.stop()]);
    const { rows } = await client.query<{ slot: string; n: number; states: string }>(
      `select singleton_on::text as slot, count(*)::int as n, string_agg(state::text, ',') as states from pgboss.job where name = 'test.tick' group by singleton_on order by singleton_on`,
    );
    // 7 s of 2-second slots: 4 or 5 slots, each with exactly one job (the instances offered it ~14 times each)
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.length).toBeLessThanOrEqual(5);
    for (const row of rows) expect(row.n).toBe(1);
    const completed = rows.filter((r) => r.states === 'completed').length;
    expect(runs.length).toBe(completed);
    expect(runs.length).toBeGreaterThanOrEqual(3);
  });

  it('retries a failing job with its attempt number, and stop waits for a running job', async () => {
    const a = runner('A');
    const attempts: number[] = [];
    let finished = false;
    a.register(
      'test.flaky',
      async (_d, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error('not yet');
      },
      { retryLimit: 4, retryDelaySeconds: 0, retryBackoff: false },
    );
    a.register('test.slow', async () => {
      await sleep(700);
      finished = true;
    });
    await a.start();
    await a.send('test.flaky', { n: 1 });
    await waitFor(() => attempts.length === 3, 'three attempts');
    await a.send('test.slow', {});
    await waitFor(async () => (await client.query(`select 1 from pgboss.job where name = 'test.slow' and state = 'active'`)).rowCount === 1, 'the slow job to start');
    await a.stop();
    expect(finished).toBe(true);
    await sleep(200);
    expect(attempts).toEqual([1, 2, 3]);
    const { rows } = await client.query<{ state: string }>(`select state::text from pgboss.job where name in ('test.flaky', 'test.slow') order by name`);
    expect(rows.map((r) => r.state)).toEqual(['completed', 'completed']);
  });

  it("picks up the job of an instance killed mid-run once it expires", async () => {
    const b = runner('B');
    const ranOnB: { n: number; id: string; attempt: number }[] = [];
    b.register('test.stuck', async ({ n }, ctx) => void ranOnB.push({ n, id: ctx.id, attempt: ctx.attempt }), STUCK_QUEUE);
    const id = await b.send('test.stuck', { n: 42 }); // creates the queue; B takes no jobs yet

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/job-worker.ts'), url], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await waitFor(() => out.includes(`started ${id} 1`) || child.exitCode !== null, 'the child to take the job', 30_000);
      expect(out).toContain(`started ${id} 1`);
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
    const state = async () => (await client.query<{ state: string }>(`select state::text from pgboss.job where id = $1`, [id])).rows[0]?.state;
    expect(await state()).toBe('active'); // nobody completed or failed it: its instance is gone

    await b.start();
    await waitFor(() => ranOnB.length > 0, 'instance B to take the expired job', 30_000);
    await sleep(1000);
    expect(ranOnB).toEqual([{ n: 42, id, attempt: 2 }]);
    await waitFor(async () => (await state()) === 'completed', 'the job to be completed');
    await b.stop();
  });
});

describe('the app runs its periodic jobs through the runner', () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    describe.skipIf(dialect === 'postgres' && !pgUrl)(`[${dialect}]`, () => {
      let fresh: Awaited<ReturnType<typeof freshDatabase>>;
      const apps: App[] = [];
      const storages: Storage[] = [];
      beforeAll(async () => {
        fresh = await freshDatabase(dialect);
      });
      afterAll(async () => {
        for (const app of apps) await app.close();
        for (const s of storages) await s.close();
        await fresh?.drop();
      });

      it(dialect === 'postgres' ? 'housekeeping runs once for two app instances' : 'housekeeping runs at start', async () => {
        const instances = dialect === 'postgres' ? 2 : 1;
        for (let i = 0; i < instances; i++) {
          const storage = openDatabase(fresh.url, { sqliteSynchronous: 'NORMAL', poolSize: 3 });
          storages.push(storage);
          await migrateToLatest(storage);
          apps.push(await buildApp({ config: testConfig(fresh.url), storage, logger: false }));
        }
        const db = storages[0]!.db;
        const { user } = await createAccount(storages[0]!, { username: uniqueName(), email: null, password: null });
        const now = Date.now() / 1000;
        await insertSession(db, { token: 'expired', userId: user.id, now: now - 3600, expiresAt: now - 1, ip: null, userAgent: null });
        await insertSession(db, { token: 'live', userId: user.id, now, expiresAt: now + 3600, ip: null, userAgent: null });

        await Promise.all(apps.map((app) => app.ctx.services.startBackground()));
        const sessions = async () => (await db.selectFrom('sessions').select('user_id').execute()).length;
        await waitFor(async () => (await sessions()) === 1, 'the expired session to be swept', 30_000);
        if (dialect === 'postgres') {
          const c = new pg.Client({ connectionString: fresh.url });
          await c.connect();
          try {
            await waitFor(async () => (await c.query(`select 1 from pgboss.job where name = 'housekeeping.sweep' and state = 'completed'`)).rowCount === 1, 'the sweep to complete');
            await sleep(1500); // both instances offered it; the other offer must not have become a job
            const { rows } = await c.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'housekeeping.sweep'`);
            expect(rows[0]!.n).toBe(1);
          } finally {
            await c.end();
          }
        }
      });

      it('the leaders are recomputed by the job runner at start (once per period across instances)', async () => {
        const db = storages[0]!.db;
        await waitFor(async () => (await db.selectFrom('leader_runs').select('range').where('range', '=', 'last_7_days').execute()).length === 1, 'leaders.recompute to store a run', 30_000);
        expect(await db.selectFrom('aggregate_stats').select('range').where('range', '=', 'last_7_days').executeTakeFirst()).toBeDefined();
      });

      it('rollup upkeep keeps rollups current without any read', async () => {
        const storage = storages[0]!;
        const { user, apiKey } = await createAccount(storage, { username: uniqueName(), email: null, password: null, keyName: 'k' });
        const t0 = Math.floor(Date.now() / 1000) - 3 * 86400;
        const res = await apps[apps.length - 1]!.inject({
          method: 'POST',
          url: '/api/v1/users/current/heartbeats.bulk',
          headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(apiKey).toString('base64')}` },
          payload: [{ entity: 'a.ts', type: 'file', time: t0 }, { entity: 'a.ts', type: 'file', time: t0 + 60 }],
        });
        expect(res.statusCode).toBe(201);
        // nothing reads this user's time: only the upkeep job can build their rollups and clear the marks
        const dirty = async () => (await storage.db.selectFrom('rollup_dirty').select('hour').where('user_id', '=', user.id).execute()).length;
        const days = async () => (await storage.db.selectFrom('rollup_days').selectAll().where('user_id', '=', user.id).execute()).length;
        await waitFor(async () => (await dirty()) === 0 && (await days()) > 0, 'upkeep to build the rollups', 30_000);
        if (dialect === 'postgres') {
          const c = new pg.Client({ connectionString: fresh.url });
          await c.connect();
          try {
            const { rows } = await c.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'rollups.upkeep' group by singleton_on having count(*) > 1`);
            expect(rows).toEqual([]); // one round per 2-second slot, whatever the number of instances
          } finally {
            await c.end();
          }
        }
      });
    });
  }
});
