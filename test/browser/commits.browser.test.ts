/**
 * The Commits page in a real browser (Debian's /usr/bin/chromium, playwright-core): log in, create
 * the project's push webhook, a signed GitHub delivery arrives, the commit is listed with the time
 * coded for it; the secret is rotated and the webhook removed. Screenshot: test-artifacts/commits.png.
 */
import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { describeEachDatabase, uniqueName } from '../helpers/harness.js';
import { artifactPath, listenForBrowser, logInThroughPage, screenshotOnce, useChromium } from '../helpers/browser.js';
import { cliHeaders } from '../helpers/fixtures.js';

const chromium = useChromium('the commits page browser test', 180_000);

if (chromium.available) {
  describeEachDatabase('commits page', (t) => {
    it('creates the webhook, shows a delivered commit with its time, rotates and removes the webhook', async () => {
      const base = await listenForBrowser(t);
      const username = uniqueName('c');
      const password = 'correct horse battery';
      const { apiKey } = await t.createUser({ username, password });
      const T = DateTime.utc().startOf('day').minus({ days: 1 }).plus({ hours: 9 }).toSeconds();
      const beats = [0, 300, 600].map((dt) => ({ entity: '/src/main.rs', type: 'file', time: T + dt, project: 'metronome', branch: 'main' }));
      await fetch(`${base}/api/v1/users/current/heartbeats.bulk`, { method: 'POST', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, body: JSON.stringify(beats) });

      const context = await chromium.browser().newContext({ viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      try {
        await logInThroughPage(page, base, username, password, '/commits');
        await page.getByRole('heading', { level: 1, name: 'Commits', exact: true }).waitFor();
        expect(await page.getByLabel('Project').inputValue()).toBe('metronome');
        await page.getByText('No webhook for metronome yet.').waitFor();

        await page.getByRole('button', { name: 'Create webhook' }).click();
        const hook = page.getByTestId('commit-webhook');
        await hook.waitFor();
        const [url, secret] = (await hook.locator('code').allTextContents()).map((s) => s.trim());
        expect(url).toMatch(/^http:\/\/metronome\.test\/api\/v1\/commit_webhooks\/[0-9a-f-]{36}$/);
        expect(secret).toMatch(/^[0-9a-f]{48}$/);

        // GitHub delivers a push, signed with that secret
        const body = JSON.stringify({
          ref: 'refs/heads/main',
          repository: { id: 1, name: 'metronome', full_name: 'ada/metronome', html_url: 'https://github.com/ada/metronome', default_branch: 'main' },
          commits: [{ id: 'c0ffee'.padEnd(40, '1'), message: 'Ship the timer\n\ndetails', timestamp: DateTime.fromSeconds(T + 900, { zone: 'utc' }).toISO(), url: 'https://github.com/ada/metronome/commit/c0ffee', author: { name: 'Ada', email: 'ada@example.com', username: 'ada' } }],
        });
        const delivered = await fetch(`${base}${new URL(url!).pathname}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${createHmac('sha256', secret!).update(body).digest('hex')}` },
          body,
        });
        expect(delivered.status).toBe(200);

        await page.reload();
        const row = page.getByTestId('commit-row');
        await row.waitFor();
        expect(await row.count()).toBe(1);
        const cells = (await row.locator('th, td').allTextContents()).map((s) => s.trim());
        expect(cells[0]).toBe('c0ffee1');
        expect(cells[1]).toBe('Ship the timer');
        expect(cells[2]).toBe('Ada');
        expect(cells[3]).toBe('main');
        expect(cells[5]).toBe('10 mins'); // 0, 300, 600: 600 s before the commit at 900
        await page.getByText('Page 1 of 1 (1 commits)').waitFor();
        await page.getByText('from ada/metronome').waitFor();
        await screenshotOnce(t, page, 'commits');

        // rotate to a chosen secret, then remove
        await page.getByLabel(/New secret/).fill('a-chosen-secret-for-the-forge');
        await page.getByRole('button', { name: 'Rotate secret' }).click();
        await page.getByText('New secret saved').waitFor();
        await hook.locator('code').nth(1).filter({ hasText: 'a-chosen-secret-for-the-forge' }).waitFor();
        await page.getByRole('button', { name: 'Remove the webhook of metronome' }).click();
        await page.getByRole('button', { name: 'Remove webhook' }).click();
        await page.getByText('No webhook for metronome yet.').waitFor();
      } catch (err) {
        await page.screenshot({ path: artifactPath(`commits-failure-${t.dialect}.png`), fullPage: true });
        throw err;
      } finally {
        await context.close();
      }
    });
  });
}
