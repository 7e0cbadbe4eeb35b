/**
 * Settings → Data in a real browser (Debian's chromium): export heartbeats and download the link,
 * import a dump file with its report, add, pause and remove a relay target. Both databases.
 */
import { gunzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { beforeAll, expect, it } from 'vitest';
import { uniqueName } from '../helpers/harness.js';
import { screenshotOnce, signUpThroughPage, useBrowserSession, useChromium } from '../helpers/browser.js';

const chromium = useChromium('the data transfer browser tests');

chromium.describeEachDatabase('Settings → Data in a browser', (t) => {
  const s = useBrowserSession(t, chromium.browser, { viewport: { width: 1200, height: 900 }, acceptDownloads: true, timeout: 15_000 });
  beforeAll(async () => {
    await t.app.ctx.services.startBackground();
  });

  it('exports, imports a file with its report, and manages relay targets', async () => {
    const { page, base, context } = s;
    await signUpThroughPage(page, base, uniqueName('data'), 'correct horse battery');

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
    await screenshotOnce(t, page, 'data-transfer');
    await relayRow.getByRole('button', { name: /Remove/ }).click();
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByText('No relay targets.').waitFor();
  });
});
