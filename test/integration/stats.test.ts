import { expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

describeEachDatabase('stats and all_time_since_today', (t) => {
  async function send(apiKey: string, body: object[]) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: body });
    expect(res.statusCode).toBe(201);
  }
  const daysAgo = (n: number, hour = 10) => DateTime.utc().startOf('day').minus({ days: n }).plus({ hours: hour }).toSeconds();

  it('answers every range with the reference fields, Other excluded from total_seconds', async () => {
    const { user, apiKey } = await t.createUser();
    await send(apiKey, [
      { entity: 'a.go', time: daysAgo(2), language: 'Go', project: 'p1' },
      { entity: 'a.go', time: daysAgo(2) + 600, language: 'Go', project: 'p1' },
      { entity: 'notes', time: daysAgo(2) + 900, language: null, project: 'p1' },
      { entity: 'notes', time: daysAgo(2) + 1000, project: 'p1' },
      { entity: 'b.rs', time: daysAgo(3), language: 'Rust', project: 'p2' },
      { entity: 'b.rs', time: daysAgo(3) + 300, language: 'Rust', project: 'p2' },
    ]);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/last_7_days', headers: t.auth(apiKey) });
    expect(res.statusCode).toBe(200);
    const d = res.json().data;
    expect(d).toMatchObject({
      total_seconds: 1200, total_seconds_including_other_language: 1300,
      human_readable_total: '20 mins', human_readable_total_including_other_language: '21 mins',
      daily_average: 600, daily_average_including_other_language: 650,
      holidays: 5, days_including_holidays: 7, days_minus_holidays: 2,
      best_day: { date: DateTime.utc().minus({ days: 2 }).toISODate(), total_seconds: 1000, text: '16 mins' },
      range: 'last_7_days', human_readable_range: 'last 7 days', is_up_to_date: true, is_including_today: false,
      timeout: 15, writes_only: false, timezone: 'UTC', user_id: user.uuid, username: user.username,
    });
    expect(d.languages.map((l: any) => [l.name, l.total_seconds])).toEqual([['Go', 900], ['Rust', 300], ['Other', 100]]);
    expect(d.projects.map((l: any) => l.name)).toEqual(['p1', 'p2']);
    for (const k of ['categories', 'editors', 'operating_systems', 'dependencies', 'machines', 'percent_calculated', 'is_already_updating', 'is_coding_activity_visible', 'is_other_usage_visible', 'is_stuck', 'start', 'end', 'created_at', 'modified_at', 'status']) expect(d).toHaveProperty(k);

    const year = DateTime.utc().minus({ days: 2 }).toFormat('yyyy');
    const month = DateTime.utc().minus({ days: 2 }).toFormat('yyyy-MM');
    for (const r of ['last_30_days', 'last_6_months', 'last_year', 'all_time', year, month]) {
      const x = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/stats/${r}`, headers: t.auth(apiKey) });
      expect(x.statusCode, r).toBe(200);
      expect(x.json().data.total_seconds_including_other_language, r).toBeGreaterThanOrEqual(1000);
    }
    const all = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/all_time', headers: t.auth(apiKey) })).json().data;
    expect(all.is_including_today).toBe(true);
    expect(all.total_seconds_including_other_language).toBe(1300);
    // no range: the profile range (last_7_days by default)
    const none = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats', headers: t.auth(apiKey) })).json().data;
    expect(none.range).toBe('last_7_days');
    // another timeout computes from heartbeats
    const t5 = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/last_7_days?timeout=5', headers: t.auth(apiKey) })).json().data;
    expect(t5.total_seconds_including_other_language).toBe(100);
    expect(t5.timeout).toBe(5);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/forever', headers: t.auth(apiKey) })).statusCode).toBe(400);

    const since = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/all_time_since_today', headers: t.auth(apiKey) });
    expect(since.statusCode).toBe(200);
    expect(since.json().data).toMatchObject({ total_seconds: 1300, text: '21 mins', digital: '0:21', is_up_to_date: true, timeout: 15, range: { timezone: 'UTC', end_text: 'Today' } });
    const sinceP = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/all_time_since_today?project=p2', headers: t.auth(apiKey) })).json();
    expect(sinceP.data.total_seconds).toBe(300);
  });

  it('shows public stats to anyone, with timeout 15 and only what the flags allow; 403/404 otherwise', async () => {
    const owner = await t.createUser();
    const other = await t.createUser();
    await send(owner.apiKey, [
      { entity: 'a.go', time: daysAgo(1), language: 'Go', project: 'secret-project' },
      { entity: 'a.go', time: daysAgo(1) + 800, language: 'Go', project: 'secret-project' },
    ]);
    await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(owner.apiKey), payload: { timeout: 10 } });
    const url = `/api/v1/users/${owner.user.username}/stats/last_7_days`;
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401); // anonymous
    expect((await t.app.inject({ method: 'GET', url, headers: t.auth(other.apiKey) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/nobody-at-all/stats' })).statusCode).toBe(404);
    // own view uses the own timeout (10 min: the 800 s gap counts 0)
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/last_7_days', headers: t.auth(owner.apiKey) })).json().data.total_seconds).toBe(0);

    await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(owner.apiKey), payload: { logged_time_public: true, languages_used_public: true } });
    const pub = await t.app.inject({ method: 'GET', url });
    expect(pub.statusCode).toBe(200);
    const d = pub.json().data;
    expect(d.total_seconds).toBe(800); // timeout 15 on public surfaces
    expect(d.timeout).toBe(15);
    expect(d.languages.map((l: any) => l.name)).toEqual(['Go']);
    expect(d.projects).toBeNull();
    expect(d.machines).toBeNull();
    expect(d.editors).toBeNull();
    expect(d.is_coding_activity_visible).toBe(true);
    expect(JSON.stringify(d)).not.toContain('secret-project');
  });
});
