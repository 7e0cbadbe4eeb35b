/**
 * Settings → Data in a real browser (Debian's chromium): export heartbeats and download the link,
 * import a dump file with its report, add, pause and remove a relay target. Both databases.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { gunzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase, uniqueName } from '../helpers/harness.js';
import { artifactPath, CHROMIUM, chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { ensureWebBuilt } from '../helpers/web-build.js';

const hasChromium = chromiumAvailable('the data transfer browser tests');
let browser: Browser | undefined;
beforeAll(async () => {
  if (!hasChromium) return;
  ensureWebBuilt();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

const describeBrowser = hasChromium ? describeEachDatabase : (title: string) => describe.skip(`${title} (no ${CHROMIUM})`, () => it('needs chromium', () => {}));

describeBrowser('Settings → Data in a browser', (t) => {
  let context: BrowserContext;
  let page: Page;
  let base: string;
  beforeAll(async () => {
    base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    context = await browser!.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => {
      throw err;
    });
    await t.app.ctx.services.startBackground();
  });
  afterAll(async () => {
    await context?.close();
  });

  it('exports, imports a file with its report, and manages relay targets', async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Username').fill(uniqueName('data'));
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview', exact: true }).waitFor();

    await page.getByRole('link', { name: 'Data', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Data', exact: true }).waitFor();

    // import a small dump file: 3 heartbeats and one bad one
    const day = DateTime.utc().startOf('day').minus({ days: 2 });
    const file = JSON.stringify({
      days: [{ date: day.toISODate(), heartbeats: [0, 1, 2].map((i) => ({ entity: `/w/${i}.ts`, type: 'file', time: day.plus({ hours: 9 }).toSeconds() + i * 60, project: 'web' })).concat([{ entity: '', type: 'file', time: 1 } as never]) }],
    });
    await page.getByLabel('A WakaTime heartbeats export (.json or .json.gz)').setInputFiles({ name: 'heartbeats.json', mimeType: 'application/json', buffer: Buffer.from(file) });
    await page.getByRole('button', { name: 'Import file' }).click();
    const importRow = page.getByTestId('import-row').first();
    await importRow.getByText('completed').waitFor();
    expect(await importRow.textContent()).toContain('3 imported, 1 skipped');
    await importRow.getByText('Why skipped').click();
    await importRow.getByText(/1 × /).waitFor();

    // export heartbeats: the row gets a download link; the file holds the imported heartbeats
    await page.getByRole('button', { name: 'Export heartbeats' }).click();
    const link = page.getByTestId('dump-row').first().getByRole('link', { name: /Download/ });
    await link.waitFor();
    // (the link is absolute on the configured BASE_URL, http://metronome.test here: fetched on the test server)
    const href = new URL((await link.getAttribute('href'))!);
    expect(href.pathname).toMatch(/^\/api\/v1\/data_dumps\/[0-9a-f-]+\/download$/);
    const res = await context.request.get(`${base}${href.pathname}${href.search}`);
    expect(res.status()).toBe(200);
    const body = JSON.parse(gunzipSync(await res.body()).toString('utf8'));
    expect(body.days[0].heartbeats.map((h: { entity: string }) => h.entity)).toEqual(['/w/0.ts', '/w/1.ts', '/w/2.ts']);

    // relay targets: refused URL named at its field, then added, paused, removed
    await page.getByLabel('Server API URL').last().fill('ftp://nope');
    await page.getByLabel('Its API key').last().fill('secret-key-123');
    await page.getByRole('button', { name: 'Add relay' }).click();
    await page.getByText(/Must be an http\(s\) URL/).first().waitFor();
    await page.getByLabel('Server API URL').last().fill('http://127.0.0.1:9/api/v1');
    await page.getByLabel('Its API key').last().fill('secret-key-123');
    await page.getByRole('button', { name: 'Add relay' }).click();
    const relayRow = page.getByTestId('relay-row');
    await relayRow.getByText('127.0.0.1:9').first().waitFor();
    expect(await relayRow.textContent()).not.toContain('secret-key-123');
    await relayRow.getByRole('button', { name: 'Pause' }).click();
    await relayRow.getByText('paused').waitFor();
    if (t.dialect === 'sqlite') await page.screenshot({ path: artifactPath('data-transfer.png'), fullPage: true });
    await relayRow.getByRole('button', { name: /Remove/ }).click();
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByText('No relay targets.').waitFor();
  });
});
