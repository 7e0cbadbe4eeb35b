/**
 * Issue 8 item 1: every time endpoint (summaries, stats, insights, durations, status bar,
 * all_time_since_today) accepts the same filters — project, branches, language, editor,
 * operating_system, machine, category — and answers the filtered time exactly; a filter on a
 * dimension the viewer may not see is refused (401 anonymous, 403 otherwise) naming the field.
 */
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { createOauthApp } from '../../src/storage/oauth.js';
import { issueTokens } from '../../src/services/oauth.js';
import { FILTERS, FILTER_DIMENSION } from '../../src/domain/stats-query.js';
import { StatsService } from '../../src/services/stats.js';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

const VIM_ON_MAC = 'wakatime/v1.102.1 (darwin-23.0.0-arm64) go1.21.6 vim/9.1.0 vim-wakatime/11.1.1';

describeEachDatabase('filters on every time endpoint', (t) => {
  it('filter every time endpoint by each dimension, refusing dimensions the viewer may not see', async () => {
    const owner = await t.createUser();
    const stranger = await t.createUser();
    const send = async (body: object[], extra: Record<string, string>) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC', ...extra }), ...t.auth(owner.apiKey) }, payload: body });
      expect(res.statusCode).toBe(201);
    };
    // two streams a day: Go on project alpha (branch main, coding, vscode on Linux, devbox) then
    // Rust on beta (branch dev, debugging, vim on macOS, laptop); yesterday and just before now
    const now = Math.floor(Date.now() / 1000);
    const yesterday = DateTime.utc().startOf('day').minus({ days: 1 });
    for (const base of [yesterday.plus({ hours: 10 }).toSeconds(), now - 2000]) {
      await send([0, 300, 600].map((s) => ({ entity: '/a/main.go', type: 'file', time: base + s, project: 'alpha', branch: 'main', language: 'Go', category: 'coding' })), {});
      await send([900, 1200, 1500].map((s) => ({ entity: '/b/lib.rs', type: 'file', time: base + s, project: 'beta', branch: 'dev', language: 'Rust', category: 'debugging' })), { 'user-agent': VIM_ON_MAC, 'x-machine-name': 'laptop' });
    }
    const get = async (url: string, headers: Record<string, string> = t.auth(owner.apiKey)) => t.app.inject({ method: 'GET', url, headers });
    const u = `/api/v1/users/${owner.user.username}`;
    const day = (n: number) => DateTime.utc().startOf('day').minus({ days: n }).toISODate()!;

    // the reference: an unfiltered summary's items over the same days
    const reference = async (first: string, last: string) => {
      const res = await get(`${u}/summaries?start=${first}&end=${last}&timezone=UTC`);
      expect(res.statusCode).toBe(200);
      const per = new Map<string, number>();
      for (const d of res.json().data) {
        for (const dim of ['projects', 'languages', 'editors', 'operating_systems', 'machines', 'categories']) {
          for (const item of d[dim]) per.set(`${dim}:${item.name}`, (per.get(`${dim}:${item.name}`) ?? 0) + item.total_seconds);
        }
      }
      // branches main and dev are exactly projects alpha and beta here
      per.set('branches:main', per.get('projects:alpha') ?? 0);
      per.set('branches:dev', per.get('projects:beta') ?? 0);
      return per;
    };
    const names = await reference(day(1), day(1));
    // one name of each dimension, from the first stream (devbox, vscode …) and the second (laptop, vim …)
    const pick = (dim: string, second: boolean) => {
      const all = [...names.keys()].filter((k) => k.startsWith(`${dim}:`)).map((k) => k.slice(dim.length + 1));
      expect(all, dim).toHaveLength(2);
      const firstStream = all.find((n) => names.get(`${dim}:${n}`) === 900)!;
      return second ? all.find((n) => n !== firstStream)! : firstStream;
    };

    const endpoints: { path: string; range: [string, string]; total: (body: any) => number }[] = [
      { path: `summaries?start=${day(1)}&end=${day(0)}`, range: [day(1), day(0)], total: (b) => b.cumulative_total.seconds },
      { path: 'stats/last_7_days', range: [day(7), day(1)], total: (b) => b.data.total_seconds_including_other_language },
      { path: 'stats', range: [day(7), day(1)], total: (b) => b.data.total_seconds_including_other_language },
      { path: 'insights/days/last_7_days', range: [day(7), day(1)], total: (b) => b.data.days.reduce((s: number, d: any) => s + d.total, 0) },
      { path: `durations?date=${day(1)}`, range: [day(1), day(1)], total: (b) => b.data.reduce((s: number, d: any) => s + d.duration, 0) },
      { path: 'status_bar/today', range: [day(0), day(0)], total: (b) => b.data.grand_total.total_seconds },
      { path: 'all_time_since_today', range: [day(2), day(0)], total: (b) => b.data.total_seconds },
    ];
    const withParam = (path: string, param: string) => `${u}/${path}${path.includes('?') ? '&' : '?'}${param}`;

    for (const e of endpoints) {
      const ref = await reference(...e.range);
      const whole = await get(`${u}/${e.path}`);
      expect(whole.statusCode, e.path).toBe(200);
      for (const f of FILTERS) {
        const dim = FILTER_DIMENSION[f];
        for (const second of [false, true]) {
          const name = pick(dim, second);
          const url = withParam(e.path, `${f}=${encodeURIComponent(name)}`);
          const res = await get(url);
          expect(res.statusCode, url).toBe(200);
          expect(e.total(res.json()), url).toBeCloseTo(ref.get(`${dim}:${name}`) ?? 0, 1);
        }
        // a name nobody used: no time, not an error
        const none = await get(withParam(e.path, `${f}=no-such-name`));
        expect(none.statusCode, e.path).toBe(200);
        expect(e.total(none.json()), `${e.path} ${f}=no-such-name`).toBe(0);
      }
    }

    // stats filtered by a project break that project down (its languages), as summaries do
    const alpha = await get(`${u}/stats/last_7_days?project=alpha`);
    expect(alpha.json().data.languages.map((l: any) => l.name)).toEqual(['Go']);
    expect(alpha.json().data.projects.map((l: any) => l.name)).toEqual(['alpha']);

    // public profile: time and languages only. A stranger may filter public stats by language,
    // nothing else; summaries and durations are not public, so every filter is refused there
    const patch = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(owner.apiKey), payload: { logged_time_public: true, languages_used_public: true } });
    expect(patch.statusCode).toBe(200);
    const publicStats = ['stats/last_7_days', 'stats', 'insights/days/last_7_days', 'all_time_since_today'];
    for (const e of endpoints) {
      for (const f of FILTERS) {
        const url = withParam(e.path, `${f}=x`);
        const allowed = f === 'language' && publicStats.includes(e.path);
        const anon = await get(url, {});
        const other = await get(url, t.auth(stranger.apiKey));
        if (allowed) {
          expect(anon.statusCode, url).toBe(200);
          expect(other.statusCode, url).toBe(200);
          continue;
        }
        expect(anon.statusCode, url).toBe(401);
        expect(anon.json().errors, url).toHaveProperty(f);
        expect(other.statusCode, url).toBe(403);
        expect(other.json().errors, url).toHaveProperty(f);
      }
    }

    // an OAuth grant limited to languages filters by language, by nothing else
    const { app } = await createOauthApp(t.storage.db, { userId: stranger.user.id, name: 'languages only', redirectUris: ['https://app.example/cb'], isPublic: false });
    const issued = await t.storage.db.transaction().execute((tx) => issueTokens(tx, { appId: app.id, userId: owner.user.id, scopes: ['read_summaries.languages'], flow: 'code' }, now - 60));
    const bearer = { authorization: `Bearer ${issued.accessToken}` };
    const me = '/api/v1/users/current';
    const go = await get(`${me}/summaries?start=${day(1)}&end=${day(1)}&language=Go`, bearer);
    expect(go.statusCode).toBe(200);
    expect(go.json().cumulative_total.seconds).toBe(900);
    expect(go.json().data[0].editors).toBeNull();
    for (const f of FILTERS.filter((x) => x !== 'language')) {
      const res = await get(`${me}/summaries?start=${day(1)}&end=${day(1)}&${f}=x`, bearer);
      expect(res.statusCode, f).toBe(403);
      expect(res.json().errors, f).toHaveProperty(f);
    }
  });

  it('answers one query for several subjects: each one apart, and their sum', async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    const base = DateTime.utc().startOf('day').minus({ days: 1 }).plus({ hours: 9 }).toSeconds();
    for (const [who, project, n] of [[a, 'alpha', 3], [b, 'alpha', 5]] as const) {
      const beats = Array.from({ length: n }, (_, i) => ({ entity: '/x.go', type: 'file', time: base + i * 60, project, language: 'Go' }));
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(who.apiKey) }, payload: beats });
      expect(res.statusCode).toBe(201);
    }
    const day = DateTime.utc().minus({ days: 1 }).toISODate()!;
    const answer = await t.app.ctx.services.stats.answer({
      subjects: [a.user.id, b.user.id],
      range: { first: day, last: day },
      zone: 'UTC',
      settings: { timeoutSeconds: 900, writesOnly: false },
      filters: { projects: ['alpha'] },
      dimensions: ['languages'],
      granularity: 'day',
      viewer: { kind: 'owner', scopes: 'all' },
      family: 'summaries',
    });
    expect(answer.bySubject.get(a.user.id)!.sum.total).toBe(120);
    expect(answer.bySubject.get(b.user.id)!.sum.total).toBe(240);
    expect(answer.sum.total).toBe(360);
    expect(answer.days.get(day)!.dims.languages.get('Go')).toBe(360);
    expect(answer.dayTotals.get(day)).toBe(360);
    expect(answer.upToDate).toBe(true);
  });

  it('reads "now" from the injected clock: today, named ranges and stamps', async () => {
    const { apiKey } = await t.createUser();
    const services = t.app.ctx.services;
    const real = services.stats;
    const fixed = DateTime.fromISO('2024-05-10T12:00:00Z').toSeconds();
    services.stats = new StatsService(t.storage, services.time, () => fixed);
    try {
      const today = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?range=Today&timezone=UTC', headers: t.auth(apiKey) });
      expect(today.statusCode).toBe(200);
      expect(today.json().data[0].range).toMatchObject({ date: '2024-05-10', text: 'Today' });
      const stats = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/last_7_days?timezone=UTC', headers: t.auth(apiKey) });
      expect(stats.json().data).toMatchObject({ start: '2024-05-03T00:00:00Z', end: '2024-05-09T23:59:59Z', created_at: '2024-05-10T12:00:00.000Z' });
      const bar = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/status_bar/today', headers: t.auth(apiKey) });
      expect(bar.json().data.range.date).toBe('2024-05-10');
    } finally {
      services.stats = real;
    }
  });
});
