/** The one boolean parser and the one zone check, seen from the routes. */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';

describeEachDatabase('one boolean reading and one zone message on every route', (t) => {
  it('takes writes_only=on like unreleased=on, refuses the same words alike, and names a bad zone alike', async () => {
    const { apiKey } = await t.createUser();
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: t.auth(apiKey) });
    for (const word of ['on', 'OFF', 'yes', '0']) {
      expect((await get(`/api/v1/users/current/summaries?range=Today&writes_only=${word}`)).statusCode, word).toBe(200);
      expect((await get(`/api/v1/editors?unreleased=${word}`)).statusCode, word).toBe(200);
    }
    const a = (await get('/api/v1/users/current/summaries?range=Today&writes_only=maybe')).json();
    const b = (await get('/api/v1/editors?unreleased=maybe')).json();
    expect(a.errors.writes_only).toEqual(b.errors.unreleased);
    const zone = 'Not/AZone';
    const message = [`Unknown time zone "${zone}": use an IANA name such as Europe/Berlin.`];
    expect((await get(`/api/v1/users/current/summaries?range=Today&timezone=${zone}`)).json().errors.timezone).toEqual(message);
    expect((await get(`/api/v1/users/current/heartbeats?date=2024-01-01&timezone=${zone}`)).json().errors.timezone).toEqual(message);
    const patch = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { timezone: zone } });
    expect(patch.json().errors.timezone).toEqual(message);
  });
});
