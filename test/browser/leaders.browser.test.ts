/**
 * The leaders page and private leaderboards in a real browser (Debian's chromium via playwright-core):
 * the public ranking with the signed-in user's rank, creating a board, joining it by its link in a
 * second browser context, the board's ranking. Screenshots: test-artifacts/leaders*.png.
 */
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeEachDatabase, uniqueName, type TestContext } from '../helpers/harness.js';
import { listenForBrowser, logInThroughPage, newTestPage, screenshotOnce, useChromium } from '../helpers/browser.js';
import { cliHeaders } from '../helpers/fixtures.js';
import { createAccount } from '../../src/services/accounts.js';
import { createApiKey } from '../../src/storage/api-keys.js';

const chromium = useChromium('the leaders browser tests');

async function coder(t: TestContext, minutes: number): Promise<{ username: string; password: string }> {
  const username = uniqueName('lb');
  const password = 'correct horse battery staple';
  const { user } = await createAccount(t.storage, { username, email: null, password });
  const { key } = await createApiKey(t.storage.db, user.id, 'test');
  const base = DateTime.utc().startOf('day').minus({ days: 1 }).plus({ hours: 9 }).toSeconds();
  const beats = Array.from({ length: minutes + 1 }, (_, i) => ({ entity: '/a.py', type: 'file', time: base + i * 60, project: 'p', language: 'Python' }));
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(key) }, payload: beats });
  expect(res.statusCode).toBe(201);
  const patch = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(key), payload: { logged_time_public: true, languages_used_public: true, full_name: `Coder ${minutes}` } });
  expect(patch.statusCode).toBe(200);
  return { username, password };
}

async function logIn(page: Page, base: string, who: { username: string; password: string }, next: string): Promise<void> {
  await logInThroughPage(page, base, who.username, who.password, next);
}

describeEachDatabase('leaders in the browser', (t) => {
  it.skipIf(!chromium.available)('shows the leaders with your rank; a board created, joined by link and ranked', async () => {
    const address = await listenForBrowser(t);
    const a = await coder(t, 90);
    const b = await coder(t, 40);
    await t.app.ctx.services.leaders.recompute();

    const ctxA = await chromium.browser().newContext({ viewport: { width: 1200, height: 800 } });
    const ctxB = await chromium.browser().newContext({ viewport: { width: 1200, height: 800 } });
    try {
      const page = await newTestPage(ctxA, 10_000);
      await logIn(page, address, b, '/leaders');
      await page.waitForURL(/\/leaders$/);
      await expect.poll(() => page.getByTestId('leader-row').count()).toBe(2);
      await expect.poll(() => page.getByTestId('current-rank').textContent()).toContain('You are #2');
      expect(await page.getByTestId('leader-row').first().textContent()).toContain('Coder 90');
      await screenshotOnce(t, page, 'leaders');

      // B creates a board and lands on it
      await page.goto(`${address}/leaderboards`);
      await page.getByLabel('Name').fill('Pair programming');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.waitForURL(/\/leaderboards\/[0-9a-f-]{36}$/);
      const joinUrl = (await page.getByTestId('join-url').textContent())!;
      expect(joinUrl).toMatch(/\/leaderboards\/join\//);

      // A opens the join link (after logging in) and sees both ranked
      const pageA = await ctxB.newPage();
      pageA.setDefaultTimeout(10_000);
      await logIn(pageA, address, a, new URL(joinUrl).pathname);
      await pageA.waitForURL(/\/leaderboards\/[0-9a-f-]{36}$/);
      await expect.poll(() => pageA.getByTestId('leader-row').count()).toBe(2);
      await expect.poll(() => pageA.getByTestId('current-rank').textContent()).toContain('You are #1');

      await page.reload();
      await expect.poll(() => page.getByTestId('member').count()).toBe(2);
      await screenshotOnce(t, page, 'leaderboard');
    } finally {
      await ctxA.close();
      await ctxB.close();
    }
  });
});
