/**
 * Goals through the API on both databases: writes, the cache contract (empty until computed,
 * current within seconds of new heartbeats through the job runner), filters, sharing, invitations
 * and progress e-mails to a real in-process SMTP server.
 */
import { beforeAll, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createOauthApp } from '../../src/storage/oauth.js';
import { issueTokens } from '../../src/services/oauth.js';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders, earlyTodayUtc } from '../helpers/fixtures.js';
import { smtpServerForFile } from '../helpers/smtp.js';

const smtp = smtpServerForFile();

async function until<T>(what: string, f: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeEachDatabase(
  'goals',
  (t) => {
    const api = (key: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: { ...t.auth(key), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, payload: payload as never });
    const beats = async (key: string, list: object[]) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(key) }, payload: list });
      expect(res.statusCode).toBe(201);
    };
    // heartbeats a minute apart today (UTC), early enough to be in the past
    const today = () => DateTime.utc().startOf('day');
    const minutes = (start: number, n: number, language: string, project = 'metronome') =>
      Array.from({ length: n }, (_, i) => ({ entity: `/p/${project}/x.${language}`, type: 'file', time: start + i * 60, project, language }));

    beforeAll(async () => {
      await t.app.ctx.services.startBackground();
    });

    it('creates a goal and reads it back with every reference field, progress from the stats layer', async () => {
      const { user, apiKey } = await t.createUser({ email: 'owner@example.com' });
      const start = earlyTodayUtc();
      // 11 minutes of Python (the gap after the 11th heartbeat to the first Go one counts too), then 5 of Go
      await beats(apiKey, [...minutes(start, 11, 'Python'), ...minutes(start + 660, 6, 'Go')]);

      const res = await api(apiKey, 'POST', '/users/current/goals', { seconds: 600, delta: 'day', languages: ['Python'], ignore_days: ['Sunday'] });
      expect(res.statusCode).toBe(201);
      const goal = res.json().data;
      expect(goal).toMatchObject({
        delta: 'day', seconds: 600, languages: ['Python'], projects: [], editors: [], categories: [], ignore_days: ['sunday'], ignore_zero_days: false,
        improve_by_percent: null, is_inverse: false, is_enabled: true, is_tweeting: false, is_snoozed: false, snooze_until: null, type: 'coding',
        is_current_user_owner: true, custom_title: null, title: 'Code 10 mins per day in Python', modified_at: null, shared_with: [],
        owner: { id: user.uuid, username: user.username, email: 'owner@example.com' }, status_percent_calculated: 100,
      });
      expect(goal.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(goal.subscribers).toEqual([expect.objectContaining({ user_id: user.uuid, email_frequency: 'Daily', email: 'owner@example.com' })]);
      expect(goal.chart_data).toHaveLength(7);
      const last = goal.chart_data[6];
      expect(last).toMatchObject({ actual_seconds: 660, actual_seconds_text: '11 mins', goal_seconds: 600, goal_seconds_text: '10 mins', range_status: 'success' });
      expect(last.range).toMatchObject({ date: today().toISODate(), text: 'Today', timezone: 'UTC', start: `${today().toISODate()}T00:00:00Z`, end: `${today().toISODate()}T23:59:59Z` });
      expect(goal.status).toBe('success');
      expect(goal.range_text).toBe(`from ${today().minus({ days: 6 }).toISODate()} until ${today().toISODate()}`);

      const one = await api(apiKey, 'GET', `/users/current/goals/${goal.id}`);
      expect(one.statusCode).toBe(200);
      expect(one.json().cached_at).toMatch(/Z$/);
      expect(one.json().data).toEqual(goal);
      const byName = await api(apiKey, 'GET', `/users/${user.username}/goals/${goal.id}`);
      expect(byName.json().data.id).toBe(goal.id);
      const list = await api(apiKey, 'GET', '/users/current/goals');
      expect(list.json()).toMatchObject({ total: 1, total_pages: 1, data: [goal] });

      // filters: Go only, a week goal; improve_by_percent and inverse reach the wire
      const go = await api(apiKey, 'POST', '/users/current/goals', { seconds: 3600, delta: 'week', languages: ['Go'], is_inverse: true, improve_by_percent: 5 });
      expect(go.statusCode).toBe(201);
      expect(go.json().data.chart_data[6]).toMatchObject({ actual_seconds: 300, goal_seconds: 3600, range_status: 'pending' });
      expect(go.json().data.title).toBe('Code less than 1 hr per week in Go');
      expect(go.json().data.chart_data[6].range.date).toBeUndefined();

      // dry run: computed, not stored
      const preview = await api(apiKey, 'POST', '/users/current/goals?dry_run=true', { seconds: 300, delta: 'day', projects: ['metronome'] });
      expect(preview.statusCode).toBe(200);
      expect(preview.json().data.chart_data[6].actual_seconds).toBe(960);
      expect((await api(apiKey, 'GET', '/users/current/goals')).json().total).toBe(2);
    });

    it('keeps the cache contract: empty until computed, then current within seconds of new heartbeats', async () => {
      const { apiKey } = await t.createUser();
      const created = await api(apiKey, 'POST', '/users/current/goals', { seconds: 120, delta: 'day' });
      const id = created.json().data.id;
      expect(created.json().data.chart_data[6]).toMatchObject({ actual_seconds: 0, range_status: 'pending' });

      // the cache gone (a fresh instance, a new day): the reference's empty goal, then the job fills it
      await t.storage.db.deleteFrom('goal_cache').execute();
      const empty = await api(apiKey, 'GET', `/users/current/goals/${id}`);
      expect(empty.statusCode).toBe(200);
      expect(empty.json()).toEqual({ data: { chart_data: [] } });
      await until('the cache to be filled', async () => (await api(apiKey, 'GET', `/users/current/goals/${id}`)).json().data.status);

      const start = Math.min(today().plus({ hours: 2 }).toSeconds(), Date.now() / 1000 - 2 * 3600);
      await beats(apiKey, minutes(start, 4, 'Rust'));
      const updated = await until('new heartbeats to reach the goal', async () => {
        const g = (await api(apiKey, 'GET', `/users/current/goals/${id}`)).json().data;
        return g.chart_data?.[6]?.actual_seconds === 180 ? g : undefined;
      });
      expect(updated.chart_data[6]).toMatchObject({ range_status: 'success', range_status_reason: 'coded 3 mins which is 1 min more than your daily goal', range_status_reason_short: '3m (1m more than goal)' });
    });

    it('edits, disables and deletes; refuses bad values naming the field', async () => {
      const { apiKey } = await t.createUser();
      const id = (await api(apiKey, 'POST', '/users/current/goals', { seconds: 3600, delta: 'day' })).json().data.id;
      const patched = await api(apiKey, 'PATCH', `/users/current/goals/${id}`, { seconds: 7200, is_enabled: false, custom_title: 'Write the book', ignore_zero_days: true, editors: ['VS Code'] });
      expect(patched.statusCode).toBe(200);
      expect(patched.json().data).toMatchObject({ seconds: 7200, is_enabled: false, custom_title: 'Write the book', title: 'Write the book', ignore_zero_days: true, editors: ['VS Code'] });
      expect(patched.json().data.modified_at).toMatch(/Z$/);
      expect(patched.json().data.chart_data[0]).toMatchObject({ goal_seconds: 7200, range_status: 'ignored' });

      const bad: [unknown, string][] = [
        [{ seconds: 10, delta: 'day' }, 'seconds'],
        [{ seconds: 90000, delta: 'day' }, 'seconds'],
        [{ seconds: 600, delta: 'month' }, 'delta'],
        [{ seconds: 600 }, 'delta'],
        [{ seconds: 600, delta: 'day', ignore_days: ['funday'] }, 'ignore_days'],
        [{ seconds: 600, delta: 'day', improve_by_percent: 1000 }, 'improve_by_percent'],
        [{ seconds: 600, delta: 'day', shared_with: ['nobody-by-that-name'] }, 'shared_with'],
        [{ seconds: 600, delta: 'day', shared_with: ['not@an@address'] }, 'shared_with'],
        [{ seconds: 600, delta: 'day', shared_with: [{ email: null, username: null }] }, 'shared_with'],
        [{ seconds: 600, delta: 'day', languages: ['Py\u0000thon'] }, 'languages'],
        [{ seconds: 600, delta: 'day', email_frequency: 'hourly' }, 'email_frequency'],
        [{ seconds: 600, delta: 'day', snooze_until: 'soon' }, 'snooze_until'],
      ];
      for (const [body, field] of bad) {
        const res = await api(apiKey, 'POST', '/users/current/goals', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.body, JSON.stringify(body)).toContain(field);
      }
      expect((await api(apiKey, 'PATCH', '/users/current/goals/not-a-goal', { seconds: 600 })).statusCode).toBe(404);

      const del = await api(apiKey, 'DELETE', `/users/current/goals/${id}`);
      expect(del.statusCode).toBe(204);
      // a refresh that finishes after the delete stores nothing (and does not fail)
      const { putCache } = await import('../../src/storage/goals.js');
      await putCache(t.storage.db, { goal_id: 987654, user_id: 1, computed_for: 'x', computed_at: 1, body: '{}' });
      expect(await t.storage.db.selectFrom('goal_cache').selectAll().where('goal_id', '=', 987654).execute()).toEqual([]);
      expect((await api(apiKey, 'GET', `/users/current/goals/${id}`)).statusCode).toBe(404);
      expect((await api(apiKey, 'DELETE', `/users/current/goals/${id}`)).statusCode).toBe(404);
    });

    it('shares by username or e-mail: read-only for them, invitations by e-mail, accept and decline', async () => {
      smtp.clear();
      const { user: owner, apiKey } = await t.createUser({ email: 'sharer@example.com' });
      const { user: bob, apiKey: bobKey } = await t.createUser({ email: 'bob@example.com' });
      const { apiKey: carolKey } = await t.createUser({ email: 'carol@example.com' });
      const { apiKey: eveKey } = await t.createUser();
      const res = await api(apiKey, 'POST', '/users/current/goals', { seconds: 1800, delta: 'day', shared_with: [bob.username, 'Carol@Example.com', 'future@example.org'] });
      expect(res.statusCode).toBe(201);
      const goal = res.json().data;
      expect(goal.shared_with).toEqual([
        expect.objectContaining({ username: bob.username, id: bob.uuid, email: null, status: 'pending', user_id: null }),
        expect.objectContaining({ username: null, email: 'carol@example.com', status: 'pending' }),
        expect.objectContaining({ username: null, email: 'future@example.org', id: null, display_name: 'Anonymous User', status: 'pending' }),
      ]);
      const invites = await smtp.waitFor((m) => /shared a goal with you/.test(m.subject), 3);
      expect(invites.flatMap((m) => m.to).sort()).toEqual(['bob@example.com', 'carol@example.com', 'future@example.org']);
      expect(invites[0]!.text).toContain('Code 30 mins per day');

      // bob sees it in his list, read-only; eve sees nothing (404, not 403: the id stays secret)
      const bobList = (await api(bobKey, 'GET', '/users/current/goals')).json();
      expect(bobList.data).toEqual([expect.objectContaining({ id: goal.id, is_current_user_owner: false })]);
      expect(bobList.data[0].owner.email).toBeNull();
      expect(bobList.data[0].shared_with[1].email).toBeNull();
      expect((await api(bobKey, 'GET', `/users/${owner.username}/goals`)).json().total).toBe(1);
      expect((await api(bobKey, 'GET', `/users/current/goals/${goal.id}`)).json().data.id).toBe(goal.id);
      expect((await api(bobKey, 'PATCH', `/users/current/goals/${goal.id}`, { seconds: 60 })).statusCode).toBe(403);
      expect((await api(bobKey, 'DELETE', `/users/current/goals/${goal.id}`)).statusCode).toBe(403);
      expect((await api(eveKey, 'GET', `/users/current/goals/${goal.id}`)).statusCode).toBe(404);
      expect((await api(eveKey, 'GET', `/users/${owner.username}/goals`)).json().total).toBe(0);
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/${owner.username}/goals` })).statusCode).toBe(401);
      // an e-mail share needs a confirmed address
      expect((await api(carolKey, 'GET', '/users/current/goals')).json().total).toBe(0);

      const accepted = await api(bobKey, 'PATCH', `/users/current/goals/${goal.id}/invitation`, { status: 'accepted' });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json().data.shared_with[0].status).toBe('accepted');
      const sub = await api(bobKey, 'PATCH', `/users/current/goals/${goal.id}/subscription`, { email_frequency: 'weekly', snooze_until: '2099-01-01T00:00:00Z' });
      expect(sub.statusCode).toBe(400); // more than a year ahead
      const sub2 = await api(bobKey, 'PATCH', `/users/current/goals/${goal.id}/subscription`, { email_frequency: 'weekly', snooze_until: DateTime.utc().plus({ days: 3 }).toISO() });
      expect(sub2.json().data).toMatchObject({ is_snoozed: true });
      expect(sub2.json().data.subscribers.map((s: { username: string; email_frequency: string }) => [s.username, s.email_frequency])).toEqual([[owner.username, 'Daily'], [bob.username, 'Weekly']]);
      // the owner sees bob's subscription but not his private address
      const ownerView = (await api(apiKey, 'GET', `/users/current/goals/${goal.id}`)).json().data;
      expect(ownerView.subscribers[1]).toMatchObject({ username: bob.username, email: null });
      expect(ownerView.is_snoozed).toBe(false);

      const declined = await api(bobKey, 'PATCH', `/users/current/goals/${goal.id}/invitation`, { status: 'declined' });
      expect(declined.statusCode).toBe(204);
      expect((await api(bobKey, 'GET', '/users/current/goals')).json().total).toBe(0);
      // the owner un-shares the rest by replacing the list
      for (const self of [owner.username, 'Sharer@example.com']) {
        const res = await api(apiKey, 'PATCH', `/users/current/goals/${goal.id}`, { shared_with: [self] });
        expect(res.statusCode, self).toBe(400);
        expect(res.json().error).toMatch(/shared_with/);
      }
      const unshared = await api(apiKey, 'PATCH', `/users/current/goals/${goal.id}`, { shared_with: [] });
      expect(unshared.json().data.shared_with).toEqual([]);

      // the server is no way to e-mail strangers in bulk: past 20 shares an hour, no invitations
      const many = Array.from({ length: 21 }, (_, i) => `stranger${i}@example.net`);
      const bulk = await api(apiKey, 'PATCH', `/users/current/goals/${goal.id}`, { shared_with: many });
      expect(bulk.json().data.shared_with).toHaveLength(21);
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.messages.filter((m) => m.to.some((to) => to.endsWith('@example.net')))).toHaveLength(0);
    });

    it('sends daily progress e-mails once per local day in the subscriber zone, not when snoozed', async () => {
      smtp.clear();
      // a zone where it is now between 09:00 and 20:59
      const utcHour = DateTime.utc().hour;
      const offset = [...Array(27).keys()].map((i) => i - 12).find((o) => (((utcHour + o) % 24) + 24) % 24 >= 9 && (((utcHour + o) % 24) + 24) % 24 <= 20)!;
      const zone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
      const { apiKey } = await t.createUser({ email: 'daily@example.com' });
      expect((await api(apiKey, 'PATCH', '/users/current', { timezone: zone })).statusCode).toBe(200);
      const id = (await api(apiKey, 'POST', '/users/current/goals', { seconds: 900, delta: 'day', custom_title: 'Daily <practice>' })).json().data.id;
      const { apiKey: otherKey } = await t.createUser({ email: 'snoozer@example.com' });
      await api(otherKey, 'POST', '/users/current/goals', { seconds: 900, delta: 'day', snooze_until: DateTime.utc().plus({ days: 1 }).toISO() });

      const first = await t.app.ctx.services.goals.notifyRound();
      expect(first.sent).toBeGreaterThanOrEqual(1);
      const [mail] = await smtp.waitFor((m) => m.to.includes('daily@example.com'));
      expect(mail!.subject).toMatch(/^Daily <practice>: /);
      expect(mail!.text).toContain('Daily <practice>');
      expect(mail!.html).toContain('Daily &lt;practice&gt;');
      expect(mail!.text).toMatch(/Yesterday: .*(ignored|fail)/);
      // once per local day
      const again = await t.app.ctx.services.goals.notifyRound();
      expect(smtp.messages.filter((m) => m.to.includes('daily@example.com'))).toHaveLength(1);
      expect(again.sent).toBe(0);
      expect(smtp.messages.filter((m) => m.to.includes('snoozer@example.com'))).toHaveLength(0);
      // turned off
      expect((await api(apiKey, 'PATCH', `/users/current/goals/${id}/subscription`, { email_frequency: 'none' })).json().data.subscribers).toEqual([expect.objectContaining({ email_frequency: 'None' })]);
    });

    it('takes writes from API keys only, never from OAuth apps; reads need read_goals', async () => {
      const { user, apiKey } = await t.createUser();
      const { user: dev } = await t.createUser();
      const id = (await api(apiKey, 'POST', '/users/current/goals', { seconds: 600, delta: 'day' })).json().data.id;
      const tokenFor = async (scope: string) => {
        const { app } = await createOauthApp(t.storage.db, { userId: dev.id, name: `goal app ${scope}`, redirectUris: ['https://app.example/cb'], isPublic: false });
        return (await t.storage.db.transaction().execute((tx) => issueTokens(tx, { appId: app.id, userId: user.id, scopes: [scope], flow: 'code' }))).accessToken;
      };
      const goals = await tokenFor('read_goals');
      const stats = await tokenFor('read_stats');
      const bearer = (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
        t.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) }, payload: payload as never });
      expect((await bearer(goals, 'GET', '/users/current/goals')).json().total).toBe(1);
      expect((await bearer(goals, 'GET', `/users/current/goals/${id}`)).statusCode).toBe(200);
      expect((await bearer(stats, 'GET', '/users/current/goals')).statusCode).toBe(403);
      expect((await bearer(stats, 'GET', `/users/current/goals/${id}`)).statusCode).toBe(403);
      for (const [method, url] of [['POST', '/users/current/goals'], ['PATCH', `/users/current/goals/${id}`], ['DELETE', `/users/current/goals/${id}`]] as const) {
        const res = await bearer(goals, method, url, method === 'DELETE' ? undefined : { seconds: 600, delta: 'day' });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
      }
      expect((await api(apiKey, 'GET', '/users/current/goals')).json().total).toBe(1);
    });
  },
  { env: () => ({ SMTP_URL: smtp.url }) },
);
