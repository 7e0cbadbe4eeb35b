/**
 * Organizations in a real browser (Debian's chromium, playwright-core): an owner creates an org,
 * invites two users (by username and by e-mail), both accept in their own browsers, a dashboard
 * shows their time, and a removed member disappears from it. Screenshots: test-artifacts/orgs-*.png.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createAccount } from '../../src/services/accounts.js';
import { uniqueName } from '../helpers/harness.js';
import { listenForBrowser, logInThroughPage, newTestPage, screenshotOnce, useChromium } from '../helpers/browser.js';
import { codeToday } from '../helpers/orgs.js';

const chromium = useChromium('the org browser tests');

const password = 'correct horse battery';

async function logIn(base: string, username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.browser().newContext({ viewport: { width: 1200, height: 900 } });
  const page = await newTestPage(context, 15_000);
  await logInThroughPage(page, base, username, password);
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  return { context, page };
}

chromium.describeEachDatabase('organizations in a browser', (t) => {
  it('owner invites two users, both accept, the dashboard shows their time, a removed member disappears', async () => {
    const base = await listenForBrowser(t);
    const owner = await createAccount(t.storage, { username: uniqueName('own'), password });
    const alice = await createAccount(t.storage, { username: uniqueName('alice'), password });
    const bobEmail = `${uniqueName('bob')}@example.com`;
    const bob = await createAccount(t.storage, { username: uniqueName('bob'), email: bobEmail, password });
    await codeToday(t, alice.apiKey, { project: 'web', language: 'TypeScript', minutes: 30 });
    await codeToday(t, bob.apiKey, { project: 'api', language: 'Go', minutes: 20 });

    const o = await logIn(base, owner.user.username);
    const page = o.page;
    await page.goto(`${base}/orgs`);
    await page.getByLabel('Name').fill('Acme');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { level: 1, name: 'Acme' }).waitFor();
    for (const who of [alice.user.username, bobEmail]) {
      await page.getByLabel('Invite by username or e-mail').fill(who);
      await page.getByRole('button', { name: 'Invite', exact: true }).click();
      await page.getByText(`Invited ${who}.`).waitFor();
    }
    await screenshotOnce(t, page, 'orgs-org');

    // both accept, each in their own browser
    for (const who of [alice, bob]) {
      const b = await logIn(base, who.user.username);
      await b.page.goto(`${base}/orgs`);
      await b.page.getByRole('button', { name: 'Accept' }).click();
      await b.page.getByText('You joined Acme.').waitFor();
      await b.page.getByRole('link', { name: 'Acme' }).waitFor();
      if (who === alice) await screenshotOnce(t, b.page, 'orgs-list');
      await b.context.close();
    }

    await page.reload();
    await page.getByLabel('Name', { exact: true }).fill('Core');
    await page.getByRole('button', { name: 'Create dashboard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Core' }).waitFor();
    for (const who of [alice, bob]) {
      await page.getByLabel('Add an organization member (username)').fill(who.user.username);
      await page.getByRole('button', { name: 'Add to dashboard' }).click();
      await page.getByText(`Added ${who.user.username}.`).waitFor();
    }
    const table = page.getByRole('table', { name: 'Members' });
    await table.getByRole('row', { name: new RegExp(alice.user.username) }).getByText('30 min').first().waitFor();
    await table.getByRole('row', { name: new RegExp(bob.user.username) }).getByText('20 min').first().waitFor();
    await page.getByRole('heading', { name: 'Team total: 50 mins' }).waitFor();
    await page.getByText('TypeScript: 30 min').first().waitFor();
    await screenshotOnce(t, page, 'orgs-dashboard');

    await table.getByRole('link', { name: `@${alice.user.username}` }).click();
    await page.getByRole('heading', { level: 2, name: 'Total: 30 mins' }).waitFor();
    await screenshotOnce(t, page, 'orgs-member');
    await page.goBack();

    // bob is removed from the org: gone from the dashboard
    await page.getByRole('link', { name: 'Back to the organization' }).click();
    await page.getByRole('heading', { level: 1, name: 'Acme' }).waitFor();
    await page.getByRole('button', { name: `Remove ${bob.user.username}` }).click();
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByText(`Removed ${bob.user.username}.`).waitFor();
    await page.getByRole('link', { name: 'Core' }).click();
    await page.getByRole('heading', { name: 'Team total: 30 mins' }).waitFor();
    expect(await page.getByRole('table', { name: 'Members' }).getByText(bob.user.username).count()).toBe(0);
    await screenshotOnce(t, page, 'orgs-dashboard-after-removal');

    // the first user administers the instance (on this database, the owner may not be the first)
    if ((await t.storage.db.selectFrom('users').select('id').orderBy('id').executeTakeFirst())?.id === owner.user.id) {
      await page.goto(`${base}/admin`);
      await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
      await screenshotOnce(t, page, 'orgs-admin');
    }
    await o.context.close();
  });
});
