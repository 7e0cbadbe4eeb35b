/** The typed event bus, and the reactions createServices subscribes to it (caches dropped at once). */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/services/events.js';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

describe('EventBus', () => {
  it('runs listeners in order, synchronous ones before emit returns, and survives a failing one', async () => {
    const errors: unknown[] = [];
    const bus = new EventBus({ error: (o: object) => void errors.push(o) });
    const seen: string[] = [];
    const ids = (p: { userIds: ReadonlySet<number> }) => [...p.userIds].join();
    bus.on('heartbeats.committed', (p) => void seen.push(`a${ids(p)}`));
    bus.on('heartbeats.committed', () => {
      throw new Error('boom');
    });
    const off = bus.on('heartbeats.committed', async (p) => {
      await new Promise((r) => setTimeout(r, 10));
      seen.push(`c${ids(p)}`);
    });
    bus.on('heartbeats.committed', async () => {
      throw new Error('async boom');
    });
    const done = bus.emit('heartbeats.committed', { userIds: new Set([7]), userRows: new Map() });
    expect(seen).toEqual(['a7']);
    await done;
    expect(seen).toEqual(['a7', 'c7']);
    expect(errors).toHaveLength(2);
    off();
    await bus.emit('heartbeats.committed', { userIds: new Set([8]), userRows: new Map() });
    expect(seen).toEqual(['a7', 'c7', 'a8']);
    await new EventBus().emit('preferences.changed', {} as never); // no listener: fine
  });
});

describeEachDatabase('events reach the caches of this instance', (t) => {
  it('a revoked API key stops working at once, though it was just cached', async () => {
    const { apiKey } = await t.createUser();
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/api_keys', headers: t.auth(apiKey), payload: { name: 'second' } });
    expect(created.statusCode).toBe(201);
    const { id, api_key: second } = created.json().data;
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(second) })).statusCode).toBe(200);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/api_keys/${id}`, headers: t.auth(apiKey) });
    expect(del.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(second) })).statusCode).toBe(401);
  });

  it('new preferences and new heartbeats show at once through the cached credentials and status bar', async () => {
    const { apiKey } = await t.createUser();
    const me = () => t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(apiKey) });
    const bar = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/status_bar/today', headers: t.auth(apiKey) })).json().data;
    expect((await me()).json().data.timezone).toBe('UTC');
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { timezone: 'Asia/Tokyo' } });
    expect(patched.statusCode).toBe(200);
    expect((await me()).json().data.timezone).toBe('Asia/Tokyo');
    expect((await bar()).range.timezone).toBe('Asia/Tokyo');

    expect((await bar()).grand_total.total_seconds).toBe(0);
    const now = Math.floor(Date.now() / 1000);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders(), ...t.auth(apiKey) }, payload: [{ entity: 'a.ts', time: now - 30 }, { entity: 'a.ts', time: now - 10 }] });
    expect(res.statusCode).toBe(201);
    expect((await bar()).grand_total.total_seconds).toBe(20);
    expect((await me()).json().data.last_heartbeat_at).not.toBeNull();
  });
});
