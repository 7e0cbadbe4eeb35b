/**
 * The dashboard pages in a real browser (Debian's chromium, playwright-core), on SQLite and
 * PostgreSQL: a user signs up, sends heartbeats through the API over several days and projects,
 * then every page is checked against the API's answers — the dashboard's numbers (and after the
 * range picker changes them), the chart's click, the project page's filter, projects search, the
 * heartbeats table's delete, password change, the public profile showing only what is public,
 * badges and embeds that stop after revocation, account deletion. Screenshots of every page
 * (desktop, 360 px, dark) go to test-artifacts/dash-*.png.
 */
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { basicAuth, uniqueName, type TestContext } from '../helpers/harness.js';
import { artifactPath, screenshotOnce, signUpThroughPage, useBrowserSession, useChromium } from '../helpers/browser.js';

const chromium = useChromium('the dashboard browser tests', 180_000);
const describeBrowser = chromium.describeEachDatabase;

const PASSWORD = 'correct horse battery';
const UA = (editor: string) => `wakatime/v1.90.0 (linux-6.1.0-amd64) go1.22.1 ${editor}/1.0 ${editor}-wakatime/1.0`;

describeBrowser('dashboard pages in a browser', (t: TestContext) => {
  const s = useBrowserSession<{ csrf: string; apiKey: string; username: string }>(t, chromium.browser, { viewport: { width: 1200, height: 900 }, timezoneId: 'UTC', timeout: 15_000 });

  /** The API, as the browser's session (cookies) or with the API key. */
  const apiGet = async (path: string) => {
    const res = await s.context.request.get(`${s.base}${path}`, { headers: basicAuth(s.apiKey) });
    expect(res.status(), path).toBeLessThan(300);
    return res.json();
  };

  async function shoot(name: string): Promise<void> {
    if (t.dialect !== 'sqlite') return; // one set of pictures is enough
    const { page } = s;
    await page.screenshot({ path: artifactPath(`dash-${name}-desktop.png`), fullPage: true });
    await page.setViewportSize({ width: 360, height: 760 });
    await page.waitForTimeout(150);
    const sizes = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(sizes[0], `${name} is wider than 360 px`).toBeLessThanOrEqual(sizes[1]!);
    await page.screenshot({ path: artifactPath(`dash-${name}-mobile.png`), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(150);
    await page.screenshot({ path: artifactPath(`dash-${name}-dark.png`), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  }

  const seconds = async (testId: string) => Number(await s.page.getByTestId(testId).getAttribute('data-seconds'));

  it('signs up and sends heartbeats over several days and projects through the API', async () => {
    const { page, base } = s;
    s.username = uniqueName('dash');
    await signUpThroughPage(page, base, s.username, PASSWORD);
    s.csrf = (await (await s.context.request.get(`${base}/api/web/session`)).json()).data.csrf_token;
    await s.context.request.patch(`${base}/api/v1/users/current`, { headers: { 'x-csrf-token': s.csrf }, data: { timezone: 'UTC' } });
    const key = await s.context.request.post(`${base}/api/v1/users/current/api_keys`, { headers: { 'x-csrf-token': s.csrf }, data: { name: 'browser test' } });
    s.apiKey = (await key.json()).data.api_key;
    // 10 days: alpha (Go, main) every day, beta (Python, vim) every other day, gamma (Rust) 20 days ago
    const today = DateTime.utc().startOf('day');
    const beats: object[] = [];
    const add = (day: DateTime, hour: number, minutes: number, project: string, language: string, branch: string, editor: string) => {
      for (let m = 0; m <= minutes; m += 2) {
        beats.push({ entity: `/src/${project}/${language}.${m % 3}`, type: 'file', time: day.plus({ hours: hour, minutes: m }).toSeconds(), project, language, branch, is_write: m % 4 === 0, user_agent: UA(editor) });
      }
    };
    for (let i = 0; i < 10; i++) {
      const day = today.minus({ days: i });
      add(day, 0, 20 + i * 2, 'alpha', 'Go', i % 2 ? 'main' : 'feature', 'vscode');
      if (i % 2 === 0) add(day, 2, 10, 'beta', 'Python', 'main', 'vim');
    }
    add(today.minus({ days: 20 }), 3, 30, 'gamma', 'Rust', 'main', 'vscode');
    const res = await s.context.request.post(`${base}/api/v1/users/current/heartbeats.bulk`, { headers: basicAuth(s.apiKey), data: beats });
    expect(res.status()).toBe(201);
  });

  it('shows the dashboard with the API numbers, and the range picker changes them', async () => {
    const { page, base } = s;
    await page.goto(`${base}/dashboard`);
    await page.locator('[data-testid="bars-projects"][data-drawn="true"]').waitFor();
    const api7 = await apiGet('/api/v1/users/current/summaries?range=Last%207%20Days');
    expect(api7.cumulative_total.seconds).toBeGreaterThan(0);
    expect(await seconds('total')).toBe(api7.cumulative_total.seconds);
    expect(await page.getByTestId('total').textContent()).toBe(api7.cumulative_total.text);
    expect(await seconds('daily-average')).toBe(api7.daily_average.seconds);
    expect(await page.getByTestId('daily-average').textContent()).toBe(api7.daily_average.text);
    const bestApi = api7.data.reduce((b: { date: string; s: number } | null, d: { range: { date: string }; grand_total: { total_seconds: number } }) => (d.grand_total.total_seconds > (b?.s ?? 0) ? { date: d.range.date, s: d.grand_total.total_seconds } : b), null);
    expect(Number(await page.getByTestId('best-day').getAttribute('data-seconds'))).toBe(bestApi.s);
    expect(await page.getByTestId('best-day').textContent()).toContain(bestApi.date);
    // breakdowns: each name's time is the sum of the API's days
    const langs = new Map<string, number>();
    for (const d of api7.data) for (const l of d.languages) langs.set(l.name, (langs.get(l.name) ?? 0) + l.total_seconds);
    for (const [name, secs] of langs) expect(Number(await page.locator(`[data-testid="breakdown-languages"] [data-name="${name}"]`).getAttribute('data-seconds'))).toBeCloseTo(secs, 6);
    expect(await page.locator('[data-testid="breakdown-editors"] [data-name="VS Code"]').count()).toBe(1);
    // streak and calendar from the activity API
    const activity = await apiGet('/api/v1/users/current/activity');
    expect(Number(await page.getByTestId('streak').getAttribute('data-days'))).toBe(activity.data.current_streak.days);
    expect(activity.data.current_streak.days).toBe(10);
    expect(await page.locator('[data-testid="calendar"] rect.lvl').count()).toBe(365);
    expect(await page.locator('[data-testid="calendar"] rect.lvl:not(.lvl-0)').count()).toBe(11);
    // today's timeline: one row per project
    await page.getByTestId('timeline').waitFor();
    expect(await page.locator('[data-testid="timeline"] .timeline-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-project')).sort())).toEqual(['alpha', 'beta']);
    await shoot('dashboard');

    // another range: the numbers follow
    await page.getByLabel('Range').selectOption('Last 30 Days');
    const api30 = await apiGet('/api/v1/users/current/summaries?range=Last%2030%20Days');
    expect(api30.cumulative_total.seconds).toBeGreaterThan(api7.cumulative_total.seconds);
    await page.waitForFunction((v) => document.querySelector('[data-testid="total"]')?.getAttribute('data-seconds') === String(v), api30.cumulative_total.seconds);
    expect(new URL(page.url()).searchParams.get('range')).toBe('Last 30 Days');
    // a custom range
    const day = DateTime.utc().minus({ days: 3 }).toISODate()!;
    await page.getByLabel('Range').selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill(day);
    await page.getByLabel('To', { exact: true }).fill(day);
    await page.getByRole('button', { name: 'Show' }).click();
    const apiDay = await apiGet(`/api/v1/users/current/summaries?start=${day}&end=${day}`);
    await page.waitForFunction((v) => document.querySelector('[data-testid="total"]')?.getAttribute('data-seconds') === String(v), apiDay.cumulative_total.seconds);
    for (const r of ['Today', 'Yesterday', 'Last 14 Days', 'This Week', 'Last Week', 'This Month', 'Last Month']) {
      await page.getByLabel('Range').selectOption(r);
      const a = await apiGet(`/api/v1/users/current/summaries?range=${encodeURIComponent(r)}`);
      await page.waitForFunction((v) => document.querySelector('[data-testid="total"]')?.getAttribute('data-seconds') === String(v), a.cumulative_total.seconds);
    }
  });

  it('opens a project by clicking its bar, and the project page filters to it', async () => {
    const { page, base } = s;
    await page.goto(`${base}/dashboard?range=Last%207%20Days`);
    await page.locator('[data-testid="bars-projects"][data-drawn="true"]').waitFor();
    // the point of today's alpha segment (the first dataset), from the drawn chart
    const point = await page.evaluate(() => {
      const canvas = document.querySelector('[data-testid="bars-projects"] canvas') as HTMLCanvasElement & { __chart: { data: { datasets: { label: string }[] }; getDatasetMeta(i: number): { data: { x: number; y: number; base: number }[] } } };
      const chart = canvas.__chart;
      const i = chart.data.datasets.findIndex((d) => d.label === 'alpha');
      const bars = chart.getDatasetMeta(i).data;
      const bar = bars[bars.length - 1]!;
      const box = canvas.getBoundingClientRect();
      return { x: box.left + bar.x, y: box.top + (bar.y + bar.base) / 2 };
    });
    await page.mouse.move(point.x, point.y);
    await page.mouse.click(point.x, point.y);
    await page.getByRole('heading', { level: 1, name: 'alpha' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/projects/alpha');
    await page.locator('[data-testid="bars-languages"][data-drawn="true"]').waitFor();
    const api = await apiGet('/api/v1/users/current/summaries?range=Last%207%20Days&project=alpha');
    expect(await seconds('project-total')).toBe(api.cumulative_total.seconds);
    expect(await page.locator('[data-testid="project-languages"] [data-name]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(['Go']);
    expect(await page.locator('[data-testid="project-branches"] [data-name]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')).sort())).toEqual(['feature', 'main']);
    expect(await page.locator('[data-testid="project-files"] [data-name]').count()).toBeGreaterThan(0);
    await shoot('project');
  });

  it('lists projects with their time, searchable', async () => {
    const { page, base } = s;
    await page.goto(`${base}/projects?range=Last%2030%20Days`);
    await page.locator('[data-testid="projects"] tr[data-project="gamma"]').waitFor();
    const api = await apiGet('/api/v1/users/current/summaries?range=Last%2030%20Days');
    const gamma = api.data.flatMap((d: { projects: { name: string; total_seconds: number }[] }) => d.projects).filter((p: { name: string }) => p.name === 'gamma').reduce((a: number, p: { total_seconds: number }) => a + p.total_seconds, 0);
    expect(Number(await page.locator('tr[data-project="gamma"] td[data-seconds]').getAttribute('data-seconds'))).toBe(gamma);
    await shoot('projects');
    await page.getByPlaceholder('Search projects').fill('gam');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="projects"] tbody tr').length === 1);
    expect(await page.locator('[data-testid="projects"] tbody tr').getAttribute('data-project')).toBe('gamma');
  });

  it("shows a day's heartbeats and deletes the selected ones", async () => {
    const { page, base } = s;
    const day = DateTime.utc().minus({ days: 1 }).toISODate()!;
    const before = (await apiGet(`/api/v1/users/current/heartbeats?date=${day}`)).data;
    await page.goto(`${base}/heartbeats?date=${day}`);
    await page.locator('[data-testid="heartbeats"] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid="heartbeats"] tbody tr').count()).toBe(before.length);
    await shoot('heartbeats');
    const rows = page.locator('[data-testid="heartbeats"] tbody tr');
    const ids = [await rows.nth(0).getAttribute('data-id'), await rows.nth(1).getAttribute('data-id')];
    await rows.nth(0).getByRole('checkbox').check();
    await rows.nth(1).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Delete 2 selected' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('Deleted 2 heartbeats.').waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="heartbeats"] tbody tr').length === n, before.length - 2);
    const after = (await apiGet(`/api/v1/users/current/heartbeats?date=${day}`)).data.map((h: { id: string }) => h.id);
    expect(after).toHaveLength(before.length - 2);
    for (const id of ids) expect(after).not.toContain(id);
  });

  it('changes the password in Settings › Account', async () => {
    const { page, base } = s;
    await page.goto(`${base}/settings/account`);
    await page.getByLabel('Current password').fill('wrong password!');
    await page.getByLabel('New password').fill('new password 123');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Wrong password.').waitFor();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed.').waitFor();
    await shoot('account');
  });

  it('shows a public profile only with what is public', async () => {
    const { page, base } = s;
    const anon = await chromium.browser().newContext({ viewport: { width: 1200, height: 900 } });
    const visitor = await anon.newPage();
    try {
      await visitor.goto(`${base}/@${s.username}`);
      await visitor.getByTestId('profile-private').waitFor();
      expect(await visitor.getByText('This profile is private').count()).toBe(1);
      // the owner makes it public in Sharing
      await page.goto(`${base}/settings/sharing`);
      await page.getByRole('button', { name: 'Make my profile public' }).click();
      await page.getByRole('button', { name: 'Make my profile private' }).waitFor();
      await visitor.reload();
      await visitor.getByTestId('public-total').waitFor();
      const pub = await (await anon.request.get(`${base}/api/v1/users/${s.username}/stats/last_7_days`)).json();
      expect(Number(await visitor.getByTestId('public-total').getAttribute('data-seconds'))).toBe(pub.data.total_seconds);
      await visitor.getByTestId('public-languages').waitFor();
      // only languages public: no total, no editors
      await s.context.request.patch(`${base}/api/v1/users/current`, { headers: { 'x-csrf-token': s.csrf }, data: { logged_time_public: false, editors_used_public: false, os_used_public: false, categories_used_public: false, languages_used_public: true } });
      await visitor.reload();
      await visitor.getByTestId('public-languages').waitFor();
      expect(await visitor.getByTestId('public-total').textContent()).toBe('Not public');
      expect(await visitor.getByTestId('public-editors').count()).toBe(0);
      expect(await visitor.getByTestId('public-operating_systems').count()).toBe(0);
      if (t.dialect === 'sqlite') {
        await visitor.screenshot({ path: artifactPath('dash-public-profile-desktop.png'), fullPage: true });
        await visitor.setViewportSize({ width: 360, height: 760 });
        await visitor.screenshot({ path: artifactPath('dash-public-profile-mobile.png'), fullPage: true });
        await visitor.emulateMedia({ colorScheme: 'dark' });
        await visitor.screenshot({ path: artifactPath('dash-public-profile-dark.png'), fullPage: true });
      }
    } finally {
      await anon.close();
    }
  });

  it('makes a badge and an embed that render, and stop working once revoked', async () => {
    const { page, base } = s;
    await page.goto(`${base}/settings/sharing`);
    await page.getByLabel('What').selectOption('project');
    await page.getByLabel('Project').fill('alpha');
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.getByTestId('new-share-link').waitFor();
    const svgText = (await page.getByTestId('share-svg-url').textContent())!;
    const svgUrl = new URL(svgText).pathname;
    // the preview image loaded and drew
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="share-preview"]') as HTMLImageElement | null;
      return !!img && img.complete && img.naturalWidth > 0;
    });
    const svg = await s.context.request.get(`${base}${svgUrl}`, { headers: { cookie: '' } });
    expect(svg.status()).toBe(200);
    expect(svg.headers()['content-type']).toMatch(/image\/svg\+xml/);
    const projectTotal = (await apiGet('/api/v1/users/current/stats/last_7_days?project=alpha')).data.human_readable_total;
    expect(await svg.text()).toContain(projectTotal);
    await shoot('sharing');

    await page.getByLabel('What').selectOption('languages');
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.waitForFunction((old) => document.querySelector('[data-testid="share-svg-url"]')?.textContent !== old, svgText);
    const jsonUrl = new URL((await page.getByTestId('share-json-url').textContent())!).pathname;
    const embed = await s.context.request.get(`${base}${jsonUrl}`);
    expect(embed.status()).toBe(200);
    expect((await embed.json()).data.items.map((i: { name: string }) => i.name)).toEqual(['Go', 'Python']);
    const embedSvg = jsonUrl.replace('data.json', 'image.svg');
    expect((await s.context.request.get(`${base}${embedSvg}`)).status()).toBe(200);

    // revoke both from the list
    for (let i = 0; i < 2; i++) {
      await page.getByRole('button', { name: /^Revoke / }).first().click();
      await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    }
    await page.getByText('No links yet.').waitFor();
    expect((await s.context.request.get(`${base}${svgUrl}`)).status()).toBe(404);
    expect((await s.context.request.get(`${base}${jsonUrl}`)).status()).toBe(404);
    expect((await s.context.request.get(`${base}${embedSvg}`)).status()).toBe(404);
  });

  it('deletes the account with all its data after the confirmation', async () => {
    const { page, base } = s;
    await page.goto(`${base}/settings/account`);
    const button = page.getByRole('button', { name: 'Delete my account and all its data' });
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel(/Type your username/).fill(s.username);
    await page.getByLabel('Your password').fill('new password 123');
    await button.click();
    await page.waitForURL(/\/signup$/);
    const gone = await s.context.request.get(`${base}/api/v1/users/current`, { headers: basicAuth(s.apiKey) });
    expect(gone.status()).toBe(401);
  });

  it('lets a user made by the CLI set a first password with their API key, then logs them in', async () => {
    const { user, apiKey } = await t.createUser();
    const fresh = await chromium.browser().newContext({ viewport: { width: 1200, height: 900 } });
    try {
      const page = await fresh.newPage();
      await page.goto(`${s.base}/login`);
      await page.getByRole('link', { name: 'Set a first password' }).click();
      await page.getByRole('heading', { level: 1, name: 'Set a first password' }).waitFor();
      await page.getByLabel('API key').fill('waka_not-a-key');
      await page.getByLabel('New password').fill('first password 1');
      await page.getByRole('button', { name: 'Set password and log in' }).click();
      await page.getByText('This API key is not valid.').waitFor();
      await page.getByLabel('API key').fill(apiKey);
      await page.getByRole('button', { name: 'Set password and log in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      expect(await page.locator('.account-name').textContent()).toBe(`@${user.username}`);
      await screenshotOnce(t, page, 'dash-set-password-done');
    } finally {
      await fresh.close();
    }
  });
});
