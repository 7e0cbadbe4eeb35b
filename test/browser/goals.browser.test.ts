/**
 * The goals page and "forgot password" in a real browser (Debian's chromium, playwright-core):
 * a goal created through the form with its live preview, shared goals read-only, the e-mail
 * settings page, and a password reset through the link that arrived by SMTP.
 * Screenshots go to test-artifacts/goals*.png, forgot-password.png, reset-password.png.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { logInThroughPage, screenshotOnce, useBrowserSession, useChromium } from '../helpers/browser.js';
import { cliHeaders, earlyTodayUtc } from '../helpers/fixtures.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp?.close();
});

const chromium = useChromium('the goals browser tests', 180_000);

chromium.describeEachDatabase(
  'goals and password reset in a browser',
  (t) => {
    const s = useBrowserSession(t, chromium.browser, { viewport: { width: 1200, height: 900 }, timeout: 10_000 });

    it('creates a goal with a live preview, shows shared goals read-only, and the e-mail settings', async () => {
      const { page, base } = s;
      const { user, apiKey } = await t.createUser({ email: 'goal-page@example.com', password: 'goal page password' });
      const { user: friend, apiKey: friendKey } = await t.createUser();
      const start = earlyTodayUtc();
      const beats = Array.from({ length: 21 }, (_, i) => ({ entity: '/p/site/app.ts', type: 'file', time: start + i * 60, project: 'site', language: 'TypeScript' }));
      const posted = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: beats });
      expect(posted.statusCode).toBe(201);
      // a goal of the friend's, shared with the user
      const shared = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/goals', headers: t.auth(friendKey), payload: { seconds: 7200, delta: 'week', shared_with: [user.username] } });
      expect(shared.statusCode).toBe(201);

      await logInThroughPage(page, base, user.username, 'goal page password', '/goals');
      await page.getByRole('heading', { level: 1, name: 'Goals', exact: true }).waitFor();
      await page.getByText('Shared with you', { exact: true }).waitFor();
      const sharedCard = page.getByTestId('goal-card').filter({ hasText: 'Code 2 hrs per week' });
      await sharedCard.getByText(`shared by @${friend.username}`).waitFor();
      expect(await sharedCard.getByRole('button', { name: 'Edit' }).count()).toBe(0);

      await page.getByRole('button', { name: 'New goal' }).click();
      await page.getByLabel('Hours').fill('0');
      await page.getByLabel('Minutes').fill('15');
      await page.getByLabel('Languages').fill('TypeScript');
      // the preview follows the form: 20 minutes coded today against 15
      const preview = page.getByTestId('goal-preview');
      await preview.getByText('Preview: Code 15 mins per day in TypeScript').waitFor();
      await preview.getByTestId('goal-period').filter({ hasText: 'Today' }).getByText('20 mins / 15 mins').waitFor();
      await screenshotOnce(t, page, 'goals-new');
      await page.getByLabel('Minutes').fill('30');
      await preview.getByText('Preview: Code 30 mins per day in TypeScript').waitFor();
      await page.getByRole('button', { name: 'Create goal' }).click();
      await page.getByText('Goal created.').waitFor();
      const card = page.getByTestId('goal-card').filter({ hasText: 'Code 30 mins per day in TypeScript' });
      await card.getByTestId('goal-period').filter({ hasText: 'Today' }).getByText('20 mins / 30 mins').waitFor();
      await screenshotOnce(t, page, 'goals');
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/goals', headers: t.auth(apiKey) });
      expect(list.json().data.map((g: { title: string }) => g.title)).toEqual(['Code 30 mins per day in TypeScript', 'Code 2 hrs per week']);

      await card.getByRole('button', { name: 'Disable' }).click();
      await page.getByText('Goal disabled.').waitFor();
      await card.getByText('(disabled)').waitFor();

      await page.goto(`${base}/settings/email`);
      await page.getByRole('heading', { level: 1, name: 'E-mail', exact: true }).waitFor();
      const weekly = page.getByLabel(/Every Monday morning/);
      expect(await weekly.isChecked()).toBe(true);
      await weekly.uncheck();
      await page.getByText('No more weekly summaries.').waitFor();
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/mail_preferences', headers: t.auth(apiKey) })).json().data.weekly_summary).toBe(false);
      await screenshotOnce(t, page, 'settings-email');
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Log in', exact: true }).waitFor();
    });

    it('resets a forgotten password through the e-mailed link', async () => {
      const { page, base } = s;
      smtp.clear();
      const { user } = await t.createUser({ email: 'forgetful@example.com', password: 'first password 1' });
      await page.goto(`${base}/login`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByRole('heading', { level: 1, name: 'Forgot password', exact: true }).waitFor();
      await page.getByLabel('Username or email').fill('forgetful@example.com');
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await page.getByText(/a link is on its way/).waitFor();
      await screenshotOnce(t, page, 'forgot-password');
      const [mail] = await smtp.waitFor((m) => m.to.includes('forgetful@example.com'));
      const link = new URL(/http:\/\/\S+reset-password\?token=\S+/.exec(mail!.text)![0]);
      await page.goto(`${base}${link.pathname}${link.search}`);
      await page.getByRole('heading', { level: 1, name: 'Set a new password', exact: true }).waitFor();
      await page.getByLabel('New password').fill('second password 2');
      await page.getByLabel('Repeat it').fill('second password 2');
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.getByText(/Your password is set/).waitFor();
      await screenshotOnce(t, page, 'reset-password');
      await page.locator('#main').getByRole('link', { name: 'Log in' }).click();
      await page.getByLabel('Username or email').fill(user.username);
      await page.getByLabel('Password').fill('second password 2');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Overview', exact: true }).waitFor();
    });
  },
  { env: () => ({ SMTP_URL: smtp.url }) },
);
