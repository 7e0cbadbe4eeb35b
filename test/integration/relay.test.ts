/**
 * Relay: every accepted heartbeat reaches the user's relay target (a second Metronome started by the
 * test) exactly once, across an outage of the target; duplicates are never relayed again.
 */
import { DateTime } from 'luxon';
import { afterAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { createAccount } from '../../src/services/accounts.js';
import { openDatabase } from '../../src/storage/db.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { basicAuth, describeEachDatabase, freshDatabase, testConfig, uniqueName } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

async function until(what: string, check: () => Promise<boolean>, tick?: () => Promise<void>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await tick?.();
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeEachDatabase('relay', (t) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('forwards every accepted heartbeat to another instance exactly once, across its outage', async () => {
    // the second instance: its own database
    const fresh = await freshDatabase(t.dialect);
    const storageB = openDatabase(fresh.url, { sqliteSynchronous: 'NORMAL', poolSize: 3 });
    await migrateToLatest(storageB);
    const configB = testConfig(fresh.url);
    let appB: App = await buildApp({ config: configB, storage: storageB, logger: false });
    const addressB = await appB.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(addressB).port);
    cleanups.push(async () => {
      await appB.close();
      await storageB.close();
      await fresh.drop();
    });
    const { user: userB, apiKey: keyB } = await createAccount(storageB, { username: uniqueName(), email: null, password: null });
    const countB = async () => Number((await storageB.db.selectFrom('heartbeats').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userB.id).executeTakeFirstOrThrow()).n);

    const { apiKey } = await t.createUser();
    const relay = t.app.ctx.services.relay;
    relay.backoff = () => 0.2;
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/relay_targets', headers: t.auth(apiKey), payload: { name: 'b', url: `${addressB}/api/v1/`, api_key: keyB } });
    expect(created.statusCode).toBe(201);
    expect(created.json().data).toMatchObject({ name: 'b', url: `${addressB}/api/v1`, enabled: true, pending: 0, api_key_hint: expect.stringContaining('…') });
    expect(JSON.stringify(created.json())).not.toContain(keyB);
    // refused: not an URL, missing key, hostile text
    for (const payload of [{ url: 'ftp://x', api_key: 'k' }, { url: 'http://x' }, { url: 'http://x', api_key: 'a\u0000b' }]) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/relay_targets', headers: t.auth(apiKey), payload });
      expect(r.statusCode).toBe(400);
    }
    await t.app.ctx.services.startBackground();

    const base = DateTime.utc().startOf('day').minus({ days: 1 }).plus({ hours: 9 }).toSeconds();
    let sent = 0;
    const send = async (n: number, machine = 'devbox') => {
      const payload = Array.from({ length: n }, (_, i) => ({ entity: `/p/f${(sent + i) % 7}.ts`, type: 'file', time: base + sent + i, project: 'alpha', language: 'TypeScript', is_write: i % 2 === 0 }));
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC', 'x-machine-name': machine }), ...t.auth(apiKey) }, payload });
      expect(r.statusCode).toBe(201);
      sent += n;
      return payload;
    };
    const first = await send(20);
    await until('the first batch at B', async () => (await countB()) === 20);

    // B goes away: heartbeats are still accepted at once, and wait in the outbox
    await appB.close();
    for (let i = 0; i < 5; i++) await send(30, i % 2 ? 'laptop' : 'devbox');
    const targets = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/relay_targets', headers: t.auth(apiKey) })).json().data as { pending: number; failures: number; last_error: string | null; delivered: number }[];
    await until('a failed delivery', async () => (await targets())[0]!.failures > 0, () => relay.deliver());
    expect((await targets())[0]).toMatchObject({ pending: 150, last_error: expect.any(String) });

    // B comes back on the same address: everything arrives, once
    appB = await buildApp({ config: configB, storage: storageB, logger: false });
    await appB.listen({ port, host: '127.0.0.1' });
    await until('the outbox drained', async () => (await targets())[0]!.pending === 0, () => relay.deliver());
    expect(await countB()).toBe(170);
    expect((await targets())[0]).toMatchObject({ failures: 0, last_error: null, delivered: 170 });

    // the same heartbeats sent again are duplicates at A: nothing is relayed twice
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: first });
    expect(again.statusCode).toBe(201);
    await until('the outbox drained', async () => (await targets())[0]!.pending === 0, () => relay.deliver());
    expect(await countB()).toBe(170);
    expect((await targets())[0]!.delivered).toBe(170);

    // B saw the same heartbeats: machines, editor (from the relayed user agent), fields
    const day = DateTime.fromSeconds(base, { zone: 'UTC' }).toISODate();
    const atB = (await appB.inject({ method: 'GET', url: `/api/v1/users/current/heartbeats?date=${day}&timezone=UTC`, headers: basicAuth(keyB) })).json().data as { machine: string; editor: string; is_write: boolean; entity: string }[];
    expect(atB).toHaveLength(170);
    expect(new Set(atB.map((h) => h.machine))).toEqual(new Set(['devbox', 'laptop']));
    expect(atB[0]).toMatchObject({ editor: 'VS Code', entity: '/p/f0.ts', is_write: true });

    // edit and remove
    const id = created.json().data.id as string;
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/current/relay_targets/${id}`, headers: t.auth(apiKey), payload: { enabled: false } });
    expect(patched.json().data.enabled).toBe(false);
    await send(3);
    expect((await targets())[0]!.pending).toBe(0);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/relay_targets/${id}`, headers: t.auth(apiKey) })).statusCode).toBe(204);
    expect(await targets()).toEqual([]);
  });
});
