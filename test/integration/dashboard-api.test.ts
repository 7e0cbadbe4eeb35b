/**
 * The API reads and changes the web dashboard needs (issue 9): the activity calendar with streaks
 * and best day, changing / setting a first password, deleting an account with all its data, and
 * share links (badges and embeds: SVG and JSON, cache headers, revocation).
 */
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';
import { webLogin } from '../helpers/web.js';
import { tablesWithUserId } from '../../src/storage/account-data.js';

describeEachDatabase('dashboard API: activity, password, account deletion, share links', (t) => {
  async function send(apiKey: string, body: object[]) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: body });
    expect(res.statusCode).toBe(201);
  }
  const today = () => DateTime.utc().startOf('day');
  /** Two heartbeats `secs` apart at 01:00 UTC `daysAgo` days ago (project p, language l). */
  const day = (daysAgo: number, secs: number, project = 'alpha', language = 'Go', editorUa?: string) => {
    const t0 = today().minus({ days: daysAgo }).plus({ hours: 1 }).toSeconds();
    const ua = editorUa ? { user_agent: editorUa } : {};
    return [
      { entity: `/src/${project}.x`, time: t0, project, language, ...ua },
      { entity: `/src/${project}.x`, time: t0 + secs, project, language, ...ua },
    ];
  };

  it('answers the activity calendar: every day, shades, current and longest streak, best day', async () => {
    const { apiKey } = await t.createUser();
    // today, yesterday, 2 days ago (streak of 3); 10..13 days ago (4 in a row); best day 11 days ago
    await send(apiKey, [...day(0, 60), ...day(1, 120), ...day(2, 60), ...day(10, 60), ...day(11, 840), ...day(12, 60), ...day(13, 60)]);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/activity', headers: t.auth(apiKey) });
    expect(res.statusCode).toBe(200);
    const d = res.json().data;
    expect(d.days).toHaveLength(365);
    expect(d.end).toBe(today().toISODate());
    expect(d.start).toBe(today().minus({ days: 364 }).toISODate());
    expect(d.total_seconds).toBe(60 + 120 + 60 + 60 + 840 + 60 + 60);
    expect(d.days_active).toBe(7);
    expect(d.current_streak).toEqual({ days: 3, start: today().minus({ days: 2 }).toISODate(), end: today().toISODate() });
    expect(d.longest_streak).toEqual({ days: 4, start: today().minus({ days: 13 }).toISODate(), end: today().minus({ days: 10 }).toISODate() });
    expect(d.best_day).toEqual({ date: today().minus({ days: 11 }).toISODate(), total_seconds: 840, text: "14 mins" });
    const byDate = new Map(d.days.map((x: { date: string }) => [x.date, x]));
    expect(byDate.get(today().minus({ days: 11 }).toISODate()!)).toMatchObject({ level: 4, total_seconds: 840 });
    expect(byDate.get(today().toISODate()!)).toMatchObject({ level: 1, total_seconds: 60, text: '1 min' });
    expect(byDate.get(today().minus({ days: 5 }).toISODate()!)).toMatchObject({ level: 0, total_seconds: 0 });
    // a custom range; bad ranges name their field
    const short = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/activity?start=${today().minus({ days: 2 }).toISODate()}&end=${today().toISODate()}`, headers: t.auth(apiKey) });
    expect(short.json().data.days.map((x: { total_seconds: number }) => x.total_seconds)).toEqual([60, 120, 60]);
    const backwards = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/activity?start=2024-02-01&end=2024-01-01', headers: t.auth(apiKey) });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors).toHaveProperty('end');
    const tooLong = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/activity?start=2001-01-01&end=2024-01-01', headers: t.auth(apiKey) });
    expect(tooLong.statusCode).toBe(400);
  });

  it("answers the dashboard with summaries' numbers: totals, daily average, best day, each day's projects, breakdowns", async () => {
    const { apiKey } = await t.createUser();
    await send(apiKey, [...day(1, 600, 'alpha', 'Go'), ...day(1, 120, 'beta', 'Python').map((h) => ({ ...h, time: h.time + 3600 })), ...day(3, 300, 'beta', 'Python'), ...day(5, 60, 'gamma', 'Other')]);
    for (const q of ['range=Last%207%20Days', `start=${today().minus({ days: 6 }).toISODate()}&end=${today().toISODate()}`, 'range=Last%2030%20Days&project=beta']) {
      const [dash, sum] = await Promise.all([
        t.app.inject({ method: 'GET', url: `/api/v1/users/current/dashboard?${q}`, headers: t.auth(apiKey) }),
        t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?${q}`, headers: t.auth(apiKey) }),
      ]);
      expect(dash.statusCode, dash.body).toBe(200);
      const d = dash.json().data;
      const s = sum.json();
      expect(d.cumulative_total).toEqual(s.cumulative_total);
      expect(d.daily_average).toEqual(s.daily_average);
      expect(d.days.map((x: { date: string; total_seconds: number }) => [x.date, x.total_seconds])).toEqual(s.data.map((x: { range: { date: string }; grand_total: { total_seconds: number } }) => [x.range.date, x.grand_total.total_seconds]));
      d.days.forEach((x: { projects: { name: string; total_seconds: number }[] }, i: number) => {
        expect(x.projects).toEqual(s.data[i].projects.map((p: { name: string; total_seconds: number }) => ({ name: p.name, total_seconds: p.total_seconds })));
      });
      for (const dim of ['projects', 'languages', 'editors', 'operating_systems', 'categories', 'machines']) {
        const summed = new Map<string, number>();
        for (const x of s.data) for (const it of x[dim]) summed.set(it.name, (summed.get(it.name) ?? 0) + it.total_seconds);
        expect(new Map(d[dim].map((it: { name: string; total_seconds: number }) => [it.name, it.total_seconds])), `${q} ${dim}`).toEqual(summed);
      }
    }
    const d = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/dashboard?range=Last%207%20Days', headers: t.auth(apiKey) })).json().data;
    expect(d.best_day).toMatchObject({ date: today().minus({ days: 1 }).toISODate(), total_seconds: 720 });
    expect(d.range).toBe('Last 7 Days');
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/dashboard?range=Forever', headers: t.auth(apiKey) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toHaveProperty('range');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/dashboard' , headers: t.auth(apiKey) })).json().errors).toHaveProperty('start');
    const other = await t.createUser();
    const { user } = await t.createUser();
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.username}/dashboard?range=Today`, headers: t.auth(other.apiKey) })).statusCode).toBe(403);
  });

  it('shows the activity of a public profile to anyone, and of a private one to no one else', async () => {
    const { user, apiKey } = await t.createUser();
    await send(apiKey, day(1, 60));
    const anon = await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.username}/activity` });
    expect(anon.statusCode).toBe(401);
    const other = await t.createUser();
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.username}/activity`, headers: t.auth(other.apiKey) })).statusCode).toBe(403);
    await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { logged_time_public: true } });
    const pub = await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.username}/activity` });
    expect(pub.statusCode).toBe(200);
    expect(pub.json().data.total_seconds).toBe(60);
  });

  it('changes a password (the current one required, wrong ones refused) and sets a first one with the API key', async () => {
    // made by the CLI: no password; the API key sets a first one
    const { user, apiKey } = await t.createUser();
    const first = await t.app.inject({ method: 'POST', url: '/api/web/password', headers: t.auth(apiKey), payload: { new_password: 'first password 1' } });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().data.first_password).toBe(true);
    const web = await webLogin(t.app, user.username, 'first password 1');
    const otherBrowser = await webLogin(t.app, user.username, 'first password 1');
    const session = { cookie: web.cookie, 'x-csrf-token': web.csrf };
    // now the current password is needed, and must be right
    const missing = await t.app.inject({ method: 'POST', url: '/api/web/password', headers: session, payload: { new_password: 'second password 2' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toHaveProperty('current_password');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/web/password', headers: session, payload: { current_password: 'nope nope nope', new_password: 'second password 2' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toHaveProperty('current_password');
    const short = await t.app.inject({ method: 'POST', url: '/api/web/password', headers: session, payload: { current_password: 'first password 1', new_password: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toHaveProperty('new_password');
    // a session without the CSRF token cannot
    expect((await t.app.inject({ method: 'POST', url: '/api/web/password', headers: { cookie: web.cookie }, payload: { current_password: 'first password 1', new_password: 'second password 2' } })).statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'POST', url: '/api/web/password', headers: session, payload: { current_password: 'first password 1', new_password: 'second password 2' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().data.first_password).toBe(false);
    // this browser stays logged in, the other one is logged out
    expect((await t.app.inject({ method: 'GET', url: '/api/web/session', headers: { cookie: web.cookie } })).json().data.user?.username).toBe(user.username);
    expect((await t.app.inject({ method: 'GET', url: '/api/web/session', headers: { cookie: otherBrowser.cookie } })).json().data.user).toBeNull();
    await expect(webLogin(t.app, user.username, 'first password 1')).rejects.toThrow(/401/);
    await expect(webLogin(t.app, user.username, 'second password 2')).resolves.toHaveProperty('cookie');
    // without credentials: 401
    expect((await t.app.inject({ method: 'POST', url: '/api/web/password', payload: { new_password: 'whatever 123' } })).statusCode).toBe(401);
  });

  it('deletes an account with all its data after the confirmation, leaving other users alone', async () => {
    const { user, apiKey } = await t.createUser({ password: 'delete me please' });
    const other = await t.createUser();
    await send(apiKey, day(1, 60));
    await send(other.apiKey, day(1, 60));
    await t.app.inject({ method: 'POST', url: '/api/v1/users/current/share_links', headers: t.auth(apiKey), payload: { kind: 'badge', range: 'last_7_days' } });
    // read once so rollups exist
    await t.app.inject({ method: 'GET', url: '/api/v1/users/current/activity', headers: t.auth(apiKey) });
    const noConfirm = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { confirm: 'someone', password: 'delete me please' } });
    expect(noConfirm.statusCode).toBe(400);
    expect(noConfirm.json().errors).toHaveProperty('confirm');
    const wrongPw = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { confirm: user.username, password: 'not it at all' } });
    expect(wrongPw.statusCode).toBe(400);
    const res = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { confirm: user.username, password: 'delete me please' } });
    expect(res.statusCode).toBe(200);
    // nothing of the user is left in any table; the other user's data is
    const tables = await tablesWithUserId(t.storage);
    expect(tables).toEqual(expect.arrayContaining(['heartbeats', 'rollup_days', 'api_keys', 'share_links', 'projects']));
    for (const table of tables) {
      const left = await t.storage.db.selectFrom(table as 'heartbeats').select((eb) => eb.fn.countAll<string | number>().as('n')).where('user_id', '=', user.id).executeTakeFirst();
      expect(Number(left?.n), table).toBe(0);
    }
    expect(await t.storage.db.selectFrom('users').select('id').where('id', '=', user.id).executeTakeFirst()).toBeUndefined();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(apiKey) })).statusCode).toBe(401);
    const theirs = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/activity', headers: t.auth(other.apiKey) });
    expect(theirs.json().data.total_seconds).toBe(60);
  });

  it('serves badges and embeds by share link, cacheable, and stops after revocation', async () => {
    const { apiKey } = await t.createUser();
    await send(apiKey, [...day(1, 600, 'alpha', 'Go'), ...day(2, 300, 'beta', 'Python'), ...day(3, 60, '<b>&"x', 'Rust')]);
    const create = async (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/users/current/share_links', headers: t.auth(apiKey), payload });
    const total = await create({ kind: 'badge', range: 'last_7_days' });
    expect(total.statusCode).toBe(201);
    const link = total.json().data;
    expect(link).toMatchObject({ kind: 'badge', range: 'last_7_days', project: null, label: 'wakatime' });
    expect(link.token).toMatch(/^msl_/);
    expect(link.svg_url).toBe(`${t.config.baseUrl}/api/v1/share/${link.token}/image.svg`);
    const path = (u: string) => new URL(u).pathname;

    const svg = await t.app.inject({ method: 'GET', url: path(link.svg_url) });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.headers['cache-control']).toMatch(/public, max-age=300/);
    expect(svg.headers['content-security-policy']).toContain("default-src 'none'");
    expect(svg.body).toContain('<svg');
    expect(svg.body).toContain('16 mins'); // 600 + 300 + 60 s
    expect(svg.body).toContain('wakatime');
    // unchanged: 304 for the same ETag
    const again = await t.app.inject({ method: 'GET', url: path(link.svg_url), headers: { 'if-none-match': String(svg.headers.etag) } });
    expect(again.statusCode).toBe(304);

    // one project's badge; a project with markup is escaped in the picture
    const proj = (await create({ kind: 'badge', range: 'last_7_days', project: 'beta', label: 'beta time' })).json().data;
    expect((await t.app.inject({ method: 'GET', url: path(proj.svg_url) })).body).toContain('5 mins');
    const json = await t.app.inject({ method: 'GET', url: path(proj.json_url) });
    expect(json.json().data).toMatchObject({ kind: 'badge', project: 'beta', total_seconds: 300, human_readable_total: '5 mins', label: 'beta time' });
    expect(json.headers['access-control-allow-origin']).toBe('*');

    const langs = (await create({ kind: 'languages', range: 'last_7_days' })).json().data;
    const lj = (await t.app.inject({ method: 'GET', url: path(langs.json_url) })).json().data;
    expect(lj.items.map((i: { name: string; percent: number }) => [i.name, i.percent])).toEqual([
      ['Go', 62.5],
      ['Python', 31.25],
      ['Rust', 6.25],
    ]);
    expect((await t.app.inject({ method: 'GET', url: path(langs.svg_url) })).body).toContain('Python');
    const act = (await create({ kind: 'activity', range: 'last_7_days' })).json().data;
    const aj = (await t.app.inject({ method: 'GET', url: path(act.json_url) })).json().data;
    expect(aj.days).toHaveLength(7);
    expect(aj.days[aj.days.length - 1]).toMatchObject({ date: today().minus({ days: 1 }).toISODate(), total_seconds: 600 });
    const evil = (await create({ kind: 'badge', range: 'last_7_days', project: '<b>&"x' })).json().data;
    const evilSvg = (await t.app.inject({ method: 'GET', url: path(evil.svg_url) })).body;
    expect(evilSvg).not.toContain('<b>');

    // bad input names its field
    for (const [payload, field] of [
      [{ kind: 'pie', range: 'last_7_days' }, 'kind'],
      [{ kind: 'badge', range: 'forever' }, 'range'],
      [{ kind: 'languages', range: 'last_7_days', project: 'alpha' }, 'project'],
      [{ kind: 'badge', range: 'last_7_days', label: 'x'.repeat(41) }, 'label'],
    ] as const) {
      const bad = await create(payload);
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json().errors).toHaveProperty(field);
    }

    // the list never shows tokens; revoking stops the link (404, never cached)
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/share_links', headers: t.auth(apiKey) });
    expect(list.json().data).toHaveLength(5);
    expect(JSON.stringify(list.json())).not.toContain(link.token);
    const other = await t.createUser();
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/share_links/${link.id}`, headers: t.auth(other.apiKey) })).statusCode).toBe(404);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/share_links/${link.id}`, headers: t.auth(apiKey) });
    expect(del.statusCode).toBe(200);
    const gone = await t.app.inject({ method: 'GET', url: path(link.svg_url) });
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['cache-control']).toBe('no-store');
    expect((await t.app.inject({ method: 'GET', url: path(link.json_url) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/share/msl_nonsense/image.svg' })).statusCode).toBe(404);
    // the others still work
    expect((await t.app.inject({ method: 'GET', url: path(proj.svg_url) })).statusCode).toBe(200);
    // until the account is disabled by an administrator
    const { user: owner } = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(apiKey) }).then((r) => ({ user: r.json().data }));
    await t.storage.db.updateTable('users').set({ disabled_at: Date.now() / 1000 }).where('uuid', '=', owner.id).execute();
    expect((await t.app.inject({ method: 'GET', url: path(proj.svg_url) })).statusCode).toBe(404);
  });
});
