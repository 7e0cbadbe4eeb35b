/**
 * GET summaries keeps each day's JSON while the day's rollups keep their version
 * (services/summaries.ts): these tests show it is reused, and that every change of a past day is
 * seen at once — a late heartbeat, a deletion, another instance's write, a viewer who may see less
 * — by comparing with the same service keeping nothing.
 */
import { afterEach, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/storage/db.js';
import { SummaryService } from '../../src/services/summaries.js';
import { findUserById } from '../../src/storage/users.js';
import { userSettings } from '../../src/domain/user.js';
import { createOauthApp } from '../../src/storage/oauth.js';
import { issueTokens } from '../../src/services/oauth.js';
import { describeEachDatabase, testConfig } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

const DAY = 86_400;
const FIRST = Date.UTC(2024, 2, 1) / 1000; // 2024-03-01, a Friday

describeEachDatabase('summaries: past days kept while their rollups are unchanged', (t) => {
  afterEach(() => vi.restoreAllMocks());

  async function send(app: typeof t.app, apiKey: string, body: object[]) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: body });
    expect(res.statusCode).toBe(201);
  }
  async function summaries(apiKey: string, query: string, app = t.app) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?${query}`, headers: t.auth(apiKey) });
    expect(res.statusCode).toBe(200);
    return res.body;
  }
  /** The same answer from a service that keeps nothing. */
  async function uncached(userId: number, first: string, last: string, filters: Record<string, string[]> = {}) {
    const s = t.app.ctx.services;
    const user = (await findUserById(t.storage.db, userId))!;
    const service = new SummaryService(s.stats, s.time, 0);
    return (await service.summaries({ user, viewer: { kind: 'owner', scopes: 'all' }, filters, settings: userSettings(user), first, last, now: s.stats.now() })).json;
  }
  const hb = (day: number, minute: number, extra: object = {}) => ({ entity: `/src/f${minute % 3}.ts`, time: FIRST + day * DAY + 9 * 3600 + minute * 60, project: 'alpha', language: 'TypeScript', branch: 'main', ...extra });

  it('reuses past days, and shows a late heartbeat, a deletion and another instance\'s write at once', async () => {
    const { user, apiKey } = await t.createUser();
    const week = [0, 1, 2, 3, 4, 5, 6].flatMap((d) => [hb(d, 0), hb(d, 1), hb(d, 2), hb(d, 3, { project: 'beta' }), hb(d, 4, { project: 'beta' })]);
    await send(t.app, apiKey, week);
    const range = 'start=2024-03-01&end=2024-03-07';
    for (const q of [range, `${range}&project=alpha`]) {
      const first = await summaries(apiKey, q);
      const answer = vi.spyOn(t.app.ctx.services.stats, 'answer');
      // every day kept: nothing computed again
      expect(await summaries(apiKey, q)).toBe(first);
      expect(answer).not.toHaveBeenCalled();
      answer.mockRestore();
    }

    // late heartbeats on a past day: that day alone is computed again
    await send(t.app, apiKey, [hb(2, 10), hb(2, 12)]);
    const answer = vi.spyOn(t.app.ctx.services.stats, 'answer');
    const late = JSON.parse(await summaries(apiKey, `${range}&project=alpha`));
    expect(answer).toHaveBeenCalledTimes(1);
    expect(answer.mock.calls[0]![0].range).toEqual({ first: '2024-03-03', last: '2024-03-03' });
    answer.mockRestore();
    expect(late.data.map((d: any) => d.grand_total.total_seconds)).toEqual([180, 180, 180 + 120, 180, 180, 180, 180]);
    expect(late.cumulative_total.seconds).toBe(7 * 180 + 120);
    expect(JSON.stringify(late)).toBe(await uncached(user.id, '2024-03-01', '2024-03-07', { projects: ['alpha'] }));
    const all = JSON.parse(await summaries(apiKey, range));
    expect(all.data[2].grand_total.total_seconds).toBe(240 + 360 + 120);
    expect(JSON.stringify(all)).toBe(await uncached(user.id, '2024-03-01', '2024-03-07'));

    // a deletion of a past day's heartbeats
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/heartbeats?date=2024-03-05', headers: t.auth(apiKey) });
    const ids = (listed.json().data as { id: string; project: string }[]).filter((h) => h.project === 'alpha').map((h) => h.id);
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/heartbeats.bulk', headers: t.auth(apiKey), payload: { date: '2024-03-05', ids } });
    expect(del.statusCode).toBe(200);
    const deleted = JSON.parse(await summaries(apiKey, `${range}&project=alpha`));
    expect(deleted.data[4].grand_total.total_seconds).toBe(0);
    expect(deleted.data[4].projects).toEqual([]);
    expect(JSON.stringify(deleted)).toBe(await uncached(user.id, '2024-03-01', '2024-03-07', { projects: ['alpha'] }));

    // another instance on the same database takes a heartbeat of a past day: this one sees it
    const storage = openDatabase(t.databaseUrl, { sqliteSynchronous: 'NORMAL', poolSize: 2 });
    const other = await buildApp({ config: testConfig(t.databaseUrl), storage, logger: false });
    try {
      await other.ready();
      await send(other, apiKey, [hb(6, 30), hb(6, 31)]);
      const seen = JSON.parse(await summaries(apiKey, `${range}&project=alpha`));
      expect(seen.data[6].grand_total.total_seconds).toBe(180 + 60);
      expect(JSON.stringify(seen)).toBe(await uncached(user.id, '2024-03-01', '2024-03-07', { projects: ['alpha'] }));
    } finally {
      await other.close();
      await storage.close();
    }
  });

  it('keeps what one viewer sees apart from what another may see', async () => {
    const { user, apiKey } = await t.createUser();
    const stranger = await t.createUser();
    await send(t.app, apiKey, [hb(0, 0), hb(0, 1), hb(0, 2, { language: 'Go' }), hb(0, 3, { language: 'Go' })]);
    const range = 'start=2024-03-01&end=2024-03-02';
    const owner = JSON.parse(await summaries(apiKey, range));
    expect(owner.data[0].projects.map((p: any) => p.name)).toEqual(['alpha']);
    // an app granted only the languages of summaries: the owner's kept days are not its answer
    const { app } = await createOauthApp(t.storage.db, { userId: stranger.user.id, name: 'languages only', redirectUris: ['https://app.example/cb'], isPublic: false });
    const issued = await t.storage.db.transaction().execute((tx) => issueTokens(tx, { appId: app.id, userId: user.id, scopes: ['read_summaries.languages'], flow: 'code' }, Date.now() / 1000 - 60));
    for (let i = 0; i < 2; i++) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?${range}`, headers: { authorization: `Bearer ${issued.accessToken}` } });
      expect(res.statusCode).toBe(200);
      const granted = res.json();
      expect(granted.data[0].grand_total.total_seconds).toBe(owner.data[0].grand_total.total_seconds);
      expect(granted.data[0].languages.map((l: any) => l.name)).toEqual(['TypeScript', 'Go']);
      expect(granted.data[0].projects).toBeNull();
      expect(granted.data[0].machines).toBeNull();
    }
    // and the owner's answer is still the owner's
    expect(JSON.parse(await summaries(apiKey, range))).toEqual(owner);
  });

  it('gives what a service keeping nothing gives, over random writes, deletions and questions', async () => {
    const { user, apiKey } = await t.createUser();
    const dates = ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04', '2024-03-05', '2024-03-06'];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), day: fc.integer({ min: 0, max: 5 }), minute: fc.integer({ min: 0, max: 1439 }), project: fc.constantFrom('alpha', 'beta'), language: fc.constantFrom('Go', 'Other') }),
      fc.record({ kind: fc.constant('delete' as const), day: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant('read' as const), from: fc.integer({ min: 0, max: 5 }), length: fc.integer({ min: 0, max: 5 }), project: fc.constantFrom(null, 'alpha', 'beta') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 12 }), async (steps) => {
        for (const s of steps) {
          if (s.kind === 'write') {
            await send(t.app, apiKey, [{ entity: `/${s.project}/a.go`, time: FIRST + s.day * DAY + s.minute * 60, project: s.project, language: s.language }]);
          } else if (s.kind === 'delete') {
            const listed = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/heartbeats?date=${dates[s.day]}`, headers: t.auth(apiKey) });
            const ids = (listed.json().data as { id: string }[]).slice(0, 2).map((h) => h.id);
            if (ids.length) await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/heartbeats.bulk', headers: t.auth(apiKey), payload: { date: dates[s.day], ids } });
          } else {
            const last = dates[Math.min(5, s.from + s.length)]!;
            const query = `start=${dates[s.from]}&end=${last}${s.project ? `&project=${s.project}` : ''}`;
            const got = await summaries(apiKey, query);
            expect(got).toBe(await uncached(user.id, dates[s.from]!, last, s.project ? { projects: [s.project] } : {}));
          }
        }
      }),
      { seed: 20261201, numRuns: 12 },
    );
  });
});
