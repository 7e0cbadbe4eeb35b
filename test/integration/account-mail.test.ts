/**
 * E-mail for accounts on both databases, with a real in-process SMTP server: "forgot password"
 * (same answer for unknown accounts, single-use expiring link, sessions end, throttled), the
 * weekly summary and its off switch (a server without SMTP_URL: test/integration/mail.test.ts).
 */
import { expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';
import { smtpServerForFile } from '../helpers/smtp.js';
import { cookieHeader, webLogin, webVisit } from '../helpers/web.js';

const smtp = smtpServerForFile();

describeEachDatabase(
  'account e-mail',
  (t) => {
    const web = async (url: string, payload: unknown) => {
      const visit = await webVisit(t.app);
      return t.app.inject({ method: 'POST', url, headers: { cookie: cookieHeader(visit.cookies), 'x-csrf-token': visit.csrf }, payload: payload as never });
    };

    it('sends a single-use reset link that sets a new password and ends the sessions', async () => {
      smtp.clear();
      expect((await t.app.inject({ method: 'GET', url: '/api/web/mail' })).json()).toEqual({ data: { enabled: true } });
      const { user } = await t.createUser({ email: 'Reset.Me@example.com', password: 'old password 1' });
      const session = await webLogin(t.app, user.username, 'old password 1');

      // unknown accounts get the same answer, and nothing is sent
      expect((await web('/api/web/password/forgot', { login: 'nobody-here' })).statusCode).toBe(202);
      const res = await web('/api/web/password/forgot', { login: 'reset.me@EXAMPLE.com' });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ data: {} });
      const [mail] = await smtp.waitFor((m) => m.to.includes('Reset.Me@example.com'));
      expect(smtp.messages).toHaveLength(1);
      expect(mail!.subject).toBe('Reset your Metronome password');
      const link = /http:\/\/metronome\.test\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail!.text);
      expect(link).not.toBeNull();
      const token = link![1]!;
      // stored only as a hash
      const rows = await t.storage.db.selectFrom('password_resets').selectAll().where('user_id', '=', user.id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.token_hash).not.toContain(token);

      expect((await web('/api/web/password/reset', { token, password: 'short' })).json().error).toMatch(/password/);
      const ok = await web('/api/web/password/reset', { token, password: 'a new password 2' });
      expect(ok.statusCode).toBe(200);
      // once only; the old session ended; the new password works, the old one not
      const again = await web('/api/web/password/reset', { token, password: 'a third password 3' });
      expect(again.statusCode).toBe(400);
      expect(again.json().error).toMatch(/token/);
      const me = await t.app.inject({ method: 'GET', url: '/api/web/session', headers: { cookie: session.cookie } });
      expect(me.json().data.user).toBeNull();
      await expect(webLogin(t.app, user.username, 'old password 1')).rejects.toThrow();
      const fresh = await webLogin(t.app, user.username, 'a new password 2');
      expect(fresh.csrf).toBeTruthy();
      const confirmed = await t.storage.db.selectFrom('users').select('is_email_confirmed').where('id', '=', user.id).executeTakeFirstOrThrow();
      expect(confirmed.is_email_confirmed).toBe(1);
      // a made-up or malformed token
      expect((await web('/api/web/password/reset', { token: 'A'.repeat(43), password: 'a new password 2' })).statusCode).toBe(400);
      expect((await web('/api/web/password/reset', { token: '../../etc', password: 'a new password 2' })).statusCode).toBe(400);
      // without the CSRF token: refused
      expect((await t.app.inject({ method: 'POST', url: '/api/web/password/forgot', payload: { login: user.username } })).statusCode).toBe(403);
    });

    it('confirms an address by e-mail link: goals shared with it then reach the account; a new address is unconfirmed again', async () => {
      smtp.clear();
      const { apiKey: ownerKey } = await t.createUser();
      const { user, apiKey } = await t.createUser({ email: 'confirm.me@example.com' });
      const goal = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/goals', headers: t.auth(ownerKey), payload: { seconds: 600, delta: 'day', shared_with: ['confirm.me@example.com'] } });
      expect(goal.statusCode).toBe(201);
      const mine = () => t.app.inject({ method: 'GET', url: '/api/v1/users/current/goals', headers: t.auth(apiKey) }).then((r) => r.json().total as number);
      expect(await mine()).toBe(0);

      expect((await t.app.inject({ method: 'POST', url: '/api/v1/users/current/email_confirmation', headers: t.auth(apiKey) })).statusCode).toBe(202);
      const [mail] = await smtp.waitFor((m) => m.subject === 'Confirm your e-mail address for Metronome');
      const token = /confirm-email\?token=([A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
      // a confirmation token is not spent by a wrong one, and works once
      expect((await web('/api/web/email/confirm', { token: 'B'.repeat(43) })).statusCode).toBe(400);
      expect((await web('/api/web/email/confirm', { token })).statusCode).toBe(200);
      expect((await web('/api/web/email/confirm', { token })).statusCode).toBe(400);
      expect(await mine()).toBe(1);

      // a new address: unconfirmed again, the e-mail share no longer reaches the account
      const changed = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { email: 'other.address@example.com' } });
      expect(changed.json().data.is_email_confirmed).toBe(false);
      // (the accepted-by-account binding happens on accept only; this share was by address)
      expect(await mine()).toBe(0);
      void user;
    });

    it('expires links after an hour and sends at most three an hour per account', async () => {
      smtp.clear();
      const { user } = await t.createUser({ email: 'many@example.com' });
      for (let i = 0; i < 5; i++) expect((await web('/api/web/password/forgot', { login: user.username })).statusCode).toBe(202);
      const mails = await smtp.waitFor((m) => m.to.includes('many@example.com'), 3);
      await new Promise((r) => setTimeout(r, 200));
      expect(smtp.messages.filter((m) => m.to.includes('many@example.com'))).toHaveLength(3);
      await t.storage.db.updateTable('password_resets').set({ expires_at: Date.now() / 1000 - 1 }).where('user_id', '=', user.id).execute();
      const token = /token=([A-Za-z0-9_-]+)/.exec(mails[0]!.text)![1];
      expect((await web('/api/web/password/reset', { token, password: 'password two' })).statusCode).toBe(400);
    });

    it('sends the weekly summary once per week, Monday morning in the user zone, unless turned off', async () => {
      smtp.clear();
      // a zone where it is Monday, 09:00–20:59, right now (if there is none, the round must send nothing)
      const now = DateTime.utc();
      const offset = [...Array(27).keys()].map((i) => i - 12).find((o) => {
        const local = now.plus({ hours: o });
        return local.weekday === 1 && local.hour >= 9 && local.hour <= 20;
      });
      const zone = offset === undefined ? 'UTC' : offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
      const { user, apiKey } = await t.createUser({ email: 'weekly@example.com' });
      const { user: quiet, apiKey: quietKey } = await t.createUser({ email: 'quiet@example.com' });
      const lastWeek = now.plus({ hours: offset ?? 0 }).minus({ weeks: 1 }).startOf('week').plus({ days: 2, hours: 10 });
      for (const key of [apiKey, quietKey]) {
        expect((await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(key), payload: { timezone: zone } })).statusCode).toBe(200);
        const beats = Array.from({ length: 31 }, (_, i) => ({ entity: '/p/w/a.go', type: 'file', time: lastWeek.toSeconds() - (offset ?? 0) * 3600 + i * 60, project: 'weekly', language: 'Go' }));
        // a heartbeat now too: the summary goes to recently active users
        beats.push({ entity: '/p/w/a.go', type: 'file', time: Date.now() / 1000 - 60, project: 'weekly', language: 'Go' });
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: zone }), ...t.auth(key) }, payload: beats });
        expect(res.statusCode).toBe(201);
      }
      const prefs = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current/mail_preferences', headers: t.auth(quietKey), payload: { weekly_summary: false } });
      expect(prefs.json()).toEqual({ data: { weekly_summary: false, mail_enabled: true } });
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/mail_preferences', headers: t.auth(apiKey) })).json()).toEqual({ data: { weekly_summary: true, mail_enabled: true } });

      const round = await t.app.ctx.services.accountMail.weeklySummaryRound();
      if (offset === undefined) {
        expect(round.sent).toBe(0);
      } else {
        const [mail] = await smtp.waitFor((m) => m.to.includes('weekly@example.com'));
        expect(mail!.subject).toBe('Your week: 30 mins of coding');
        expect(mail!.text).toContain('Go: 30 mins');
        expect(mail!.text).toContain('weekly: 30 mins');
        expect((await t.app.ctx.services.accountMail.weeklySummaryRound()).sent).toBe(0);
      }
      expect(smtp.messages.filter((m) => m.to.includes('quiet@example.com'))).toHaveLength(0);
      // the summary itself, for any week: last week's numbers
      const first = lastWeek.startOf('week').toISODate()!;
      const direct = await t.app.ctx.services.accountMail.weeklySummary((await t.storage.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow()), first);
      expect(direct?.text).toMatch(/^Your coding week .*: 30 mins on 1 day/);
      void quiet;
    });
  },
  { env: () => ({ SMTP_URL: smtp.url }) },
);
