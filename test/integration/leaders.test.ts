/**
 * Public leaders, private leaderboards and aggregate stats against a brute-force recomputation
 * from the heartbeats sent (random users, zones, flags and languages), on both databases.
 */
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { describeEachDatabase, type TestContext } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Pacific/Auckland'];
const LANGUAGES = ['Python', 'TypeScript', 'Go', 'Rust', 'Other'];
const COUNTRIES = ['US', 'DE', 'JP'];

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Beat {
  time: number;
  language: string;
}

interface Sim {
  id: number;
  username: string;
  apiKey: string;
  zone: string;
  public: boolean;
  languagesPublic: boolean;
  hireable: boolean;
  country: string;
  beats: Beat[];
}

/**
 * The reference rule, written out independently: each gap shorter than 15 minutes is credited to
 * the earlier heartbeat's language; only the part inside [start, end) counts; Other is left out.
 */
function bruteForce(beats: Beat[], start: number, end: number): { total: number; languages: Map<string, number> } {
  const sorted = [...beats].sort((a, b) => a.time - b.time);
  const languages = new Map<string, number>();
  for (let i = 0; i + 1 < sorted.length; i++) {
    const gap = sorted[i + 1]!.time - sorted[i]!.time;
    if (gap >= 900) continue;
    const from = Math.max(start, sorted[i]!.time);
    const to = Math.min(end, sorted[i]!.time + gap);
    if (to <= from) continue;
    languages.set(sorted[i]!.language, (languages.get(sorted[i]!.language) ?? 0) + (to - from));
  }
  languages.delete('Other');
  return { total: [...languages.values()].reduce((a, b) => a + b, 0), languages };
}

/** Last 7 days from yesterday in the zone, as [start, end) epoch seconds. */
function last7(zone: string): { start: number; end: number } {
  const today = DateTime.now().setZone(zone).startOf('day');
  return { start: today.minus({ days: 7 }).toSeconds(), end: today.toSeconds() };
}

async function send(t: TestContext, sim: Sim): Promise<void> {
  for (let i = 0; i < sim.beats.length; i += 100) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/current/heartbeats.bulk',
      headers: { ...cliHeaders({ timezone: sim.zone }), ...t.auth(sim.apiKey) },
      payload: sim.beats.slice(i, i + 100).map((b) => ({ entity: `/src/f.${b.language}`, type: 'file', time: b.time, project: 'p', language: b.language })),
    });
    expect(res.statusCode).toBe(201);
  }
}

async function makeUsers(t: TestContext, count: number, seed: number): Promise<Sim[]> {
  const r = rng(seed);
  const sims: Sim[] = [];
  const now = Date.now() / 1000;
  for (let i = 0; i < count; i++) {
    const { user, apiKey } = await t.createUser();
    const sim: Sim = {
      id: user.id,
      username: user.username,
      apiKey,
      zone: ZONES[Math.floor(r() * ZONES.length)]!,
      public: i === 1 ? false : i === 2 ? true : r() < 0.75,
      languagesPublic: r() < 0.6,
      hireable: r() < 0.5,
      country: COUNTRIES[Math.floor(r() * COUNTRIES.length)]!,
      beats: [],
    };
    // bursts of typing over the last 9 days, some gaps over the timeout, across local midnights
    const bursts = 1 + Math.floor(r() * 6);
    for (let b = 0; b < bursts; b++) {
      let time = Math.floor(now - 9 * 86400 + r() * 9 * 86400);
      const n = 5 + Math.floor(r() * 30);
      for (let k = 0; k < n; k++) {
        if (time > now - 60) break;
        sim.beats.push({ time, language: LANGUAGES[Math.floor(r() * LANGUAGES.length)]! });
        time += r() < 0.1 ? 900 + Math.floor(r() * 2000) : 10 + Math.floor(r() * 600);
      }
    }
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/current',
      headers: t.auth(apiKey),
      payload: {
        timezone: sim.zone,
        logged_time_public: sim.public,
        languages_used_public: sim.languagesPublic,
        is_hireable: sim.hireable,
        city_country_code: sim.country.toLowerCase(),
        city_name: 'Springfield',
        is_email_public: i % 3 === 0,
        email: `${user.username}@example.com`,
        // own settings other than the public ones: the leaders still count with timeout 15, every heartbeat
        ...(i === 2 ? { timeout: 45, writes_only: true } : {}),
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.city.country_code).toBe(sim.country);
    await send(t, sim);
    sims.push(sim);
  }
  return sims;
}

interface Expected {
  sim: Sim;
  total: number;
  languages: Map<string, number>;
}

function expectedRanking(sims: Sim[], filter: (s: Sim) => boolean = () => true, language?: string): Expected[] {
  return sims
    .filter((s) => s.public && filter(s) && (!language || s.languagesPublic))
    .map((sim) => {
      const { start, end } = last7(sim.zone);
      return { sim, ...bruteForce(sim.beats, start, end) };
    })
    .map((e) => ({ ...e, key: language ? (e.languages.get(language) ?? 0) : e.total }))
    .filter((e) => e.key > 0)
    .sort((a, b) => b.key - a.key || a.sim.id - b.sim.id);
}

describeEachDatabase('leaders', (t) => {
  let sims: Sim[] = [];
  beforeAll(async () => {
    sims = await makeUsers(t, 14, t.dialect === 'sqlite' ? 7 : 11);
    await t.app.ctx.services.leaders.recompute();
  }, 60_000);

  it('ranks public users by their last 7 days from yesterday (timeout 15, without Other) as a brute force does', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/leaders' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const expected = expectedRanking(sims);
    expect(expected.length).toBeGreaterThan(3);
    // the user with timeout 45 and writes_only is ranked with the public settings too
    expect(expected.map((e) => e.sim.id)).toContain(sims[2]!.id);
    expect(body.data.map((d: { user: { username: string } }) => d.user.username)).toEqual(expected.map((e) => e.sim.username));
    body.data.forEach((d: { rank: number; running_total: { total_seconds: number; languages: { name: string; total_seconds: number }[] } }, i: number) => {
      const e = expected[i]!;
      expect(d.rank).toBe(i + 1);
      expect(d.running_total.total_seconds).toBeCloseTo(e.total, 0);
      if (e.sim.languagesPublic) {
        expect(d.running_total.languages.map((l) => l.name).sort()).toEqual([...e.languages.keys()].filter((k) => e.languages.get(k)! > 0).sort());
      } else {
        expect(d.running_total.languages).toEqual([]);
      }
    });
    expect(body).toMatchObject({ current_user: null, page: 1, total_pages: 1, timeout: 15, writes_only: false, language: null, is_hireable: null, country_code: null });
    expect(body.range.name).toBe('last_7_days');
    expect(typeof body.modified_at).toBe('string');
    // e-mail only when public
    for (const d of body.data) {
      const sim = sims.find((s) => s.username === d.user.username)!;
      expect(d.user.email === null).toBe(!d.user.is_email_public);
      expect(d.user.city.country_code).toBe(sim.country);
    }
  });

  it('reads users whose rollups hold the public settings from stored rollups, many at once, with the same numbers', async () => {
    const stored = async () =>
      (await t.storage.db.selectFrom('leader_totals').select(['user_id', 'total_seconds', 'daily_average', 'languages', 'rank']).where('range', '=', 'last_7_days').orderBy('user_id').execute()).map((r) => ({
        ...r,
        total_seconds: Math.round(Number(r.total_seconds) * 100) / 100,
        daily_average: Math.round(Number(r.daily_average) * 100) / 100,
        languages: (JSON.parse(r.languages) as [string, number][]).map(([n, v]) => [n, Math.round(v * 100) / 100]),
      }));
    // the first recomputation (beforeAll) built everyone's rollups through the stats query layer
    const before = await stored();
    const answer = vi.spyOn(t.app.ctx.services.stats, 'answer');
    try {
      await t.app.ctx.services.leaders.recompute();
      // now only the user with their own timeout (45) and writes_only needs the stats query layer
      expect(new Set(answer.mock.calls.map(([q]) => q.subjects[0]))).toEqual(new Set([sims[2]!.id]));
    } finally {
      answer.mockRestore();
    }
    expect(await stored()).toEqual(before);
  });

  it('filters by language, country_code and is_hireable, ranking within the filter', async () => {
    for (const [query, filter, language] of [
      ['language=python', () => true, 'Python'],
      ['language=Go', () => true, 'Go'],
      ['country_code=de', (s: Sim) => s.country === 'DE', undefined],
      ['is_hireable=true', (s: Sim) => s.hireable, undefined],
      ['is_hireable=no&country_code=US', (s: Sim) => !s.hireable && s.country === 'US', undefined],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/leaders?${query}` });
      expect(res.statusCode, query).toBe(200);
      const expected = expectedRanking(sims, filter, language);
      expect(res.json().data.map((d: { user: { username: string } }) => d.user.username), query).toEqual(expected.map((e) => e.sim.username));
      expect(res.json().data.map((d: { rank: number }) => d.rank)).toEqual(expected.map((_, i) => i + 1));
    }
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/leaders?country_code=Germany' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.country_code).toBeDefined();
    const badBool = await t.app.inject({ method: 'GET', url: '/api/v1/leaders?is_hireable=maybe' });
    expect(badBool.statusCode).toBe(400);
    const badPage = await t.app.inject({ method: 'GET', url: '/api/v1/leaders?page=0' });
    expect(badPage.statusCode).toBe(400);
    const empty = await t.app.inject({ method: 'GET', url: '/api/v1/leaders?page=5' });
    expect(empty.json()).toMatchObject({ data: [], page: 5, total_pages: 1 });
  });

  it("gives the signed-in user's rank and page; private users have none", async () => {
    const expected = expectedRanking(sims);
    const third = expected[2]!;
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/leaders', headers: t.auth(third.sim.apiKey) });
    expect(res.json().current_user).toMatchObject({ rank: 3, page: 1, user: { username: third.sim.username } });
    const lang = expectedRanking(sims, () => true, 'Python');
    const inPython = lang.find((e) => e.sim.id === third.sim.id);
    const res2 = await t.app.inject({ method: 'GET', url: '/api/v1/leaders?language=Python', headers: t.auth(third.sim.apiKey) });
    expect(res2.json().current_user.rank).toBe(inPython ? lang.indexOf(inPython) + 1 : null);
    const hidden = sims.find((s) => !s.public)!;
    const res3 = await t.app.inject({ method: 'GET', url: '/api/v1/leaders', headers: t.auth(hidden.apiKey) });
    expect(res3.json().current_user).toMatchObject({ rank: null, page: null, user: { username: hidden.username } });
  });

  it('hides a user who makes their time private at once, and the recomputation leaves them out', async () => {
    const expected = expectedRanking(sims);
    const leaving = expected[0]!.sim;
    await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(leaving.apiKey), payload: { logged_time_public: false } });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/leaders' });
    expect(res.json().data.map((d: { user: { username: string } }) => d.user.username)).not.toContain(leaving.username);
    expect(res.json().data[0].rank).toBe(1);
    leaving.public = false;
    await t.app.ctx.services.leaders.recompute();
    const again = await t.app.inject({ method: 'GET', url: '/api/v1/leaders' });
    expect(again.json().data.map((d: { user: { username: string } }) => d.user.username)).toEqual(expectedRanking(sims).map((e) => e.sim.username));
  });

  it("asks for a recomputation when a user's leader fields change (not for other preferences)", async () => {
    const send = vi.spyOn(t.app.ctx.services.jobs, 'send');
    try {
      const sim = sims[3]!;
      await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(sim.apiKey), payload: { full_name: 'Only A Name' } });
      expect(send.mock.calls.filter(([name]) => name === 'leaders.recompute')).toHaveLength(0);
      await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(sim.apiKey), payload: { is_hireable: !sim.hireable } });
      await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(sim.apiKey), payload: { is_hireable: sim.hireable } });
      const calls = send.mock.calls.filter(([name]) => name === 'leaders.recompute');
      expect(calls).toHaveLength(2);
      expect(calls[0]![2]).toMatchObject({ singletonKey: 'settings' });
    } finally {
      send.mockRestore();
    }
    const bad = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(sims[3]!.apiKey), payload: { city_country_code: 'Germany' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.city_country_code).toBeDefined();
  });

  it('aggregates the public users over last_7_days; other ranges are computed when first asked', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/stats/last_7_days' });
    expect(res.statusCode).toBe(200);
    const data = res.json().data;
    const expected = expectedRanking(sims);
    const totals = expected.map((e) => e.total).sort((a, b) => a - b);
    expect(data.total.count.total).toBe(totals.length);
    expect(data.total.sum.seconds).toBeCloseTo(totals.reduce((a, b) => a + b, 0), 0);
    expect(data.total.max.seconds).toBeCloseTo(totals[totals.length - 1]!, 0);
    const mid = totals.length % 2 ? totals[(totals.length - 1) / 2]! : (totals[totals.length / 2 - 1]! + totals[totals.length / 2]!) / 2;
    expect(data.total.median.seconds).toBeCloseTo(mid, 0);
    // languages only from users whose languages are public
    const py = expected.filter((e) => e.sim.languagesPublic && (e.languages.get('Python') ?? 0) > 0);
    const item = data.languages.find((l: { name: string }) => l.name === 'Python');
    if (py.length) expect(item).toMatchObject({ name: 'Python', is_verified: true, count: { total: py.length } });
    expect(data).toMatchObject({ timeout: 15, writes_only: false, is_up_to_date: true, range: { name: 'last_7_days' } });

    const first = await t.app.inject({ method: 'GET', url: '/api/v1/stats/last_30_days' });
    expect(first.statusCode).toBe(202);
    expect(first.json().data).toMatchObject({ is_up_to_date: false, total: { count: { total: 0 } } });
    await t.app.ctx.services.leaders.computeAggregate('last_30_days');
    const ready = await t.app.inject({ method: 'GET', url: '/api/v1/stats/last_30_days' });
    expect(ready.statusCode).toBe(200);
    const in30 = sims.filter((s) => {
      const today = DateTime.now().setZone(s.zone).startOf('day');
      return s.public && bruteForce(s.beats, today.minus({ days: 30 }).toSeconds(), today.toSeconds()).total > 0;
    });
    expect(ready.json().data.total.count.total).toBe(in30.length);
    for (const bad of ['last_week', '1999', String(new Date().getUTCFullYear()), 'all_time']) {
      const r = await t.app.inject({ method: 'GET', url: `/api/v1/stats/${bad}` });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().errors.range).toBeDefined();
    }
    const year = await t.app.inject({ method: 'GET', url: `/api/v1/stats/${new Date().getUTCFullYear() - 1}` });
    expect(year.statusCode).toBe(202);
  });

  describe('private leaderboards', () => {
    it('creates, lists (with a trailing slash too), renames and deletes; only the owner changes it', async () => {
      const [owner, other] = sims;
      const created = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards', headers: t.auth(owner!.apiKey), payload: { name: ' Team ' } });
      expect(created.statusCode).toBe(201);
      const board = created.json().data;
      expect(board).toMatchObject({ name: 'Team', time_range: 'last_7_days', can_edit: true, can_delete: true, members_count: 1, status: 'owner', has_available_seat: true });
      expect(board.join_url).toMatch(/^http:\/\/metronome\.test\/leaderboards\/join\/[\w-]+$/);
      for (const url of ['/api/v1/users/current/leaderboards', '/api/v1/users/current/leaderboards/', `/api/v1/users/${owner!.username}/leaderboards/`]) {
        const list = await t.app.inject({ method: 'GET', url, headers: t.auth(owner!.apiKey) });
        expect(list.statusCode, url).toBe(200);
        expect(list.json()).toMatchObject({ total: 1, total_pages: 1, data: [{ id: board.id, name: 'Team' }] });
      }
      // another user's boards are private
      const peek = await t.app.inject({ method: 'GET', url: `/api/v1/users/${owner!.username}/leaderboards`, headers: t.auth(other!.apiKey) });
      expect(peek.statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(other!.apiKey) })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(other!.apiKey), payload: { name: 'x' } })).statusCode).toBe(404);
      const renamed = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(owner!.apiKey), payload: { name: 'Renamed', time_range: 'last_30_days' } });
      expect(renamed.json().data).toMatchObject({ name: 'Renamed', time_range: 'last_30_days' });
      const bad = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(owner!.apiKey), payload: { time_range: 'all_time' } });
      expect(bad.statusCode).toBe(400);
      const blank = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards', headers: t.auth(owner!.apiKey), payload: { name: '   ' } });
      expect(blank.statusCode).toBe(400);
      expect(blank.json().errors.name).toBeDefined();
      // hostile input: 4xx naming the field, never a 5xx
      const long = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards', headers: t.auth(owner!.apiKey), payload: { name: 'x'.repeat(101) } });
      expect(long.statusCode).toBe(400);
      const nul = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards', headers: t.auth(owner!.apiKey), payload: { name: 'a\u0000b' } });
      expect(nul.statusCode).toBe(400);
      for (const id of ['nope', '%27%3B--', '00000000-0000-4000-8000-000000000000']) {
        expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/current/leaderboards/${id}`, headers: t.auth(owner!.apiKey) })).statusCode, id).toBe(404);
      }
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/leaders?language=%00' })).statusCode).toBe(400);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/leaders?page=1e309' })).statusCode).toBe(400);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/leaders?language=%F0%9F%92%A9&page=2' })).json()).toMatchObject({ data: [], page: 2 });

      const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(owner!.apiKey) });
      expect(del.statusCode).toBe(204);
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(owner!.apiKey) })).statusCode).toBe(404);
    });

    it('invites by username, joins by link, ranks members (private ones included) as a brute force does; leave and remove', async () => {
      const owner = sims[0]!;
      const members = sims.slice(1, 9);
      const board = (await t.app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards', headers: t.auth(owner.apiKey), payload: { name: 'Crew' } })).json().data;
      const code = board.join_url.split('/').pop();
      for (const [i, m] of members.entries()) {
        if (i % 2 === 0) {
          const inv = await t.app.inject({ method: 'POST', url: `/api/v1/users/current/leaderboards/${board.id}/members`, headers: t.auth(owner.apiKey), payload: { username: m.username } });
          expect(inv.statusCode).toBe(201);
          expect(inv.json().data).toMatchObject({ status: 'invited', user: { username: m.username } });
          // invited, not yet a member: the board is listed as an invitation and cannot be read
          const list = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/leaderboards', headers: t.auth(m.apiKey) });
          expect(list.json().data[0]).toMatchObject({ id: board.id, status: 'invited', join_url: null, can_edit: false });
          expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(m.apiKey) })).statusCode).toBe(404);
          const accept = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards/join', headers: t.auth(m.apiKey), payload: { board: board.id } });
          expect(accept.statusCode).toBe(200);
          expect(accept.json().data.status).toBe('member');
        } else {
          const join = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards/join', headers: t.auth(m.apiKey), payload: { code } });
          expect(join.statusCode).toBe(200);
        }
      }
      const notInvited = sims[10]!;
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards/join', headers: t.auth(notInvited.apiKey), payload: { board: board.id } })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards/join', headers: t.auth(notInvited.apiKey), payload: { code: 'nope' } })).statusCode).toBe(404);
      const again = await t.app.inject({ method: 'POST', url: `/api/v1/users/current/leaderboards/${board.id}/members`, headers: t.auth(owner.apiKey), payload: { username: members[0]!.username } });
      expect(again.statusCode).toBe(409);
      expect(again.json().errors.username).toBeDefined();
      const unknown = await t.app.inject({ method: 'POST', url: `/api/v1/users/current/leaderboards/${board.id}/members`, headers: t.auth(owner.apiKey), payload: { username: 'no-such-user-here' } });
      expect(unknown.statusCode).toBe(404);
      // a member cannot invite
      expect((await t.app.inject({ method: 'POST', url: `/api/v1/users/current/leaderboards/${board.id}/members`, headers: t.auth(members[0]!.apiKey), payload: { username: notInvited.username } })).statusCode).toBe(403);

      const everyone = [owner, ...members];
      const expected = everyone
        .map((sim) => ({ sim, ...bruteForce(sim.beats, last7(sim.zone).start, last7(sim.zone).end) }))
        .sort((a, b) => b.total - a.total || a.sim.id - b.sim.id);
      const read = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(members[1]!.apiKey) });
      expect(read.statusCode).toBe(200);
      const body = read.json();
      expect(body.data.map((d: { user: { username: string } }) => d.user.username)).toEqual(expected.map((e) => e.sim.username));
      body.data.forEach((d: { rank: number; running_total: { total_seconds: number } }, i: number) => {
        expect(d.rank).toBe(i + 1);
        expect(d.running_total.total_seconds).toBeCloseTo(expected[i]!.total, 0);
      });
      const myRank = expected.findIndex((e) => e.sim.id === members[1]!.id) + 1;
      expect(body.current_user).toMatchObject({ rank: myRank, page: 1 });
      expect(body).toMatchObject({ timeout: 15, writes_only: false, page: 1, total_pages: 1, range: { name: 'last_7_days' } });

      const byLang = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/leaderboards/${board.id}?language=python&country_code=`, headers: t.auth(owner.apiKey) });
      const pyExpected = everyone
        .map((sim) => ({ sim, s: bruteForce(sim.beats, last7(sim.zone).start, last7(sim.zone).end).languages.get('Python') ?? 0 }))
        .filter((e) => e.s > 0)
        .sort((a, b) => b.s - a.s || a.sim.id - b.sim.id);
      expect(byLang.json().data.map((d: { user: { username: string } }) => d.user.username)).toEqual(pyExpected.map((e) => e.sim.username));
      const byCountry = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/leaderboards/${board.id}?country_code=JP`, headers: t.auth(owner.apiKey) });
      expect(byCountry.json().data.map((d: { user: { username: string } }) => d.user.username)).toEqual(expected.filter((e) => e.sim.country === 'JP').map((e) => e.sim.username));

      // the board's time range: last_30_days, recomputed for its members
      await t.app.inject({ method: 'PATCH', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(owner.apiKey), payload: { time_range: 'last_30_days' } });
      await t.app.ctx.services.leaders.recompute();
      const month = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(owner.apiKey) });
      const last30 = (sim: Sim) => {
        const today = DateTime.now().setZone(sim.zone).startOf('day');
        return bruteForce(sim.beats, today.minus({ days: 30 }).toSeconds(), today.toSeconds()).total;
      };
      const expected30 = everyone.map((sim) => ({ sim, total: last30(sim) })).sort((x, y) => y.total - x.total || x.sim.id - y.sim.id);
      expect(month.json().range.name).toBe('last_30_days');
      expect(month.json().data.map((d: { user: { username: string }; running_total: { total_seconds: number } }) => [d.user.username, Math.round(d.running_total.total_seconds)])).toEqual(
        expected30.map((e) => [e.sim.username, Math.round(e.total)]),
      );
      await t.app.inject({ method: 'PATCH', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(owner.apiKey), payload: { time_range: 'last_7_days' } });

      const membersList = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/leaderboards/${board.id}/members`, headers: t.auth(owner.apiKey) });
      expect(membersList.json().total).toBe(everyone.length);

      // leave, owner removes, members cannot remove others, owner cannot leave
      expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/leaderboards/${board.id}/members/current`, headers: t.auth(members[0]!.apiKey) })).statusCode).toBe(204);
      expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/leaderboards/${board.id}/members/${members[2]!.username}`, headers: t.auth(members[3]!.apiKey) })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/leaderboards/${board.id}/members/${members[2]!.username}`, headers: t.auth(owner.apiKey) })).statusCode).toBe(204);
      expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/leaderboards/${board.id}/members/current`, headers: t.auth(owner.apiKey) })).statusCode).toBe(409);
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(members[0]!.apiKey) })).statusCode).toBe(404);
      const after = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/leaderboards', headers: t.auth(owner.apiKey) });
      expect(after.json().data.find((b: { id: string }) => b.id === board.id).members_count).toBe(everyone.length - 2);
      // a reset join link stops the old one
      await t.app.inject({ method: 'PATCH', url: `/api/v1/users/current/leaderboards/${board.id}`, headers: t.auth(owner.apiKey), payload: { reset_join_code: true } });
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/users/current/leaderboards/join', headers: t.auth(notInvited.apiKey), payload: { code } })).statusCode).toBe(404);
    });
  });
});
