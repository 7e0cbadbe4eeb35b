/**
 * The web app in a real browser (Debian's /usr/bin/chromium driven by playwright-core; never a
 * downloaded browser): sign-up, log-out, log-in (with `next`), settings, API keys, OAuth apps, the
 * OAuth consent flow and authorized apps, and closed sign-up. Screenshots of every page go to
 * test-artifacts/<page>.png.
 *
 * Every flow runs on SQLite and on PostgreSQL (describeEachDatabase): the pages only talk HTTP, but
 * the endpoints behind them store in both.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { basicAuth, uniqueName, type TestContext } from '../helpers/harness.js';
import { logInThroughPage, screenshotOnce, useBrowserSession, useChromium } from '../helpers/browser.js';

const chromium = useChromium('the web app browser tests');
const describeBrowser = chromium.describeEachDatabase;

/** A server on a free port and a fresh browser context (its own cookies) for one block. */
function useBrowser(t: TestContext) {
  return useBrowserSession(t, chromium.browser, { viewport: { width: 1200, height: 800 }, timeout: 10_000 });
}

async function heading(page: Page): Promise<string> {
  return (await page.getByRole('heading', { level: 1 }).textContent())?.trim() ?? '';
}

async function waitForHeading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
}

/** Nothing wider than the screen: not the page, not the config snippet (e.g. at 360 px). */
async function expectNoSidewaysOverflow(page: Page): Promise<void> {
  const sizes = await page.evaluate(() => {
    const root = document.documentElement;
    const snippet = document.querySelector('[data-testid="wakatime-cfg"]') as HTMLElement | null;
    const box = snippet?.getBoundingClientRect();
    return {
      page: [root.scrollWidth, root.clientWidth],
      snippet: snippet ? [snippet.scrollWidth, snippet.clientWidth] : null,
      snippetRight: box ? box.right : 0,
      viewport: window.innerWidth,
    };
  });
  expect(sizes.page[0], `page scrollWidth ${JSON.stringify(sizes)}`).toBeLessThanOrEqual(sizes.page[1]!);
  expect(sizes.snippet, 'the config snippet is on the page').not.toBeNull();
  expect(sizes.snippet![0], `snippet scrollWidth ${JSON.stringify(sizes)}`).toBeLessThanOrEqual(sizes.snippet![1]!);
  expect(sizes.snippetRight).toBeLessThanOrEqual(sizes.viewport);
}

/** The session's CSRF token, for API calls made with the browser's cookies. */
async function csrf(context: BrowserContext, base: string): Promise<string> {
  const res = await context.request.get(`${base}/api/web/session`);
  return (await res.json()).data.csrf_token as string;
}

describeBrowser('web app in a browser', (t) => {
  const s = useBrowser(t);
  const username = uniqueName('web');
  const email = `${username}@example.com`;
  const password = 'correct horse battery';

  it('signs up through the form and lands logged in', async () => {
    const { page, base } = s;
    await page.goto(`${base}/signup`);
    await waitForHeading(page, 'Create your account');
    await screenshotOnce(t, page, 'signup');
    // a server-side field error shows next to its field
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Email (optional)').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText('"admin" is reserved.').waitFor();
    expect(await page.getByLabel('Username').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Username').fill(username);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await waitForHeading(page, 'Overview');
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    expect(await page.locator('.account-name').textContent()).toBe(`@${username}`);
    // the config snippet: this server's API and a pointer to create a key (once the keys are known)
    await page.getByTestId('key-hint').waitFor();
    const snippet = await page.getByTestId('wakatime-cfg').textContent();
    expect(snippet).toContain('[settings]');
    expect(snippet).toContain(`api_url = ${t.config.baseUrl}/api/v1`);
    expect(snippet).toMatch(/api_key = <create an API key/);
    expect(await page.getByTestId('key-hint').textContent()).toMatch(/No key yet\? Create an API key/);
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoSidewaysOverflow(page);
    await page.setViewportSize({ width: 1200, height: 800 });
    const session = await (await s.context.request.get(`${base}/api/web/session`)).json();
    expect(session.data.user.username).toBe(username);
  });

  it('logs out, refuses a wrong password, and logs in to the page it was sent from', async () => {
    const { page, base } = s;
    await page.getByRole('button', { name: 'Log out' }).click();
    await waitForHeading(page, 'Log in');
    expect((await (await s.context.request.get(`${base}/api/web/session`)).json()).data.user).toBeNull();

    // a signed-in page sends to the login page, which comes back to it
    await page.goto(`${base}/settings`);
    await waitForHeading(page, 'Log in');
    expect(new URL(page.url()).search).toBe(`?next=${encodeURIComponent('/settings')}`);
    await screenshotOnce(t, page, 'login');

    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username, email or password.' }).waitFor();
    expect(await heading(page)).toBe('Log in');

    await page.getByLabel('Username or email').fill(email); // by email this time
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitForHeading(page, 'Settings');
    expect(new URL(page.url()).pathname).toBe('/settings');

    // `next` must be a path on this site
    await page.getByRole('button', { name: 'Log out' }).click();
    await waitForHeading(page, 'Log in');
    await logInThroughPage(page, base, username, password, '//evil.example/x');
    await waitForHeading(page, 'Overview');
    expect(page.url()).toBe(`${base}/`);
  });

  it('changes settings, shows field errors, and the values persist', async () => {
    const { page, base } = s;
    const other = await t.createUser({ email: `taken-${username}@example.com` });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await waitForHeading(page, 'Settings');
    const zones = await page.getByLabel('Time zone').locator('option').count();
    expect(zones).toBeGreaterThan(300); // Intl.supportedValuesOf('timeZone')

    // a field error from the server, shown at its field
    await page.getByLabel('Email', { exact: true }).fill(other.user.email!);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('This email address is already used by another account.').waitFor();
    expect(await page.getByLabel('Email', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Email', { exact: true }).fill(email);

    await page.getByLabel('Time zone').selectOption('America/New_York');
    await page.getByLabel('Keystroke timeout (minutes)').fill('42');
    await page.getByLabel('Count only file saves').check();
    await page.getByLabel('Range shown on your public profile').selectOption('last_30_days');
    await page.getByLabel('Full name').fill('Ada Web');
    await page.getByLabel('Show the languages I use').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await screenshotOnce(t, page, 'settings');

    await page.reload();
    await waitForHeading(page, 'Settings');
    expect(await page.getByLabel('Time zone').inputValue()).toBe('America/New_York');
    expect(await page.getByLabel('Keystroke timeout (minutes)').inputValue()).toBe('42');
    expect(await page.getByLabel('Count only file saves').isChecked()).toBe(true);
    expect(await page.getByLabel('Show the languages I use').isChecked()).toBe(true);
    expect(await page.getByLabel('Show the editors I use').isChecked()).toBe(false);

    const me = (await (await s.context.request.get(`${base}/api/v1/users/current`)).json()).data;
    expect(me).toMatchObject({
      timezone: 'America/New_York',
      timeout: 42,
      writes_only: true,
      profile_range: 'last_30_days',
      full_name: 'Ada Web',
      email,
      languages_used_public: true,
      editors_used_public: false,
    });
  });

  it('creates an API key shown once that works, and revokes it', async () => {
    const { page, base } = s;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await waitForHeading(page, 'API keys');
    await page.getByText('No API keys yet').waitFor();
    await page.getByLabel('Key name').fill('laptop');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByTestId('secret-value');
    await secret.waitFor();
    const key = (await secret.textContent())!.trim();
    expect(key.length).toBeGreaterThan(20);
    await page.getByText('it is shown only once').waitFor();
    await page.getByRole('row', { name: /laptop/ }).waitFor();
    expect(await page.getByTestId('wakatime-cfg').textContent()).toContain(`api_key = ${key}`);
    // for old plugins (the legacy CLI refuses the waka_ prefix): the bare form of the same key
    expect(await page.getByTestId('legacy-api-key').textContent()).toBe(key.replace(/^waka_/, ''));
    await screenshotOnce(t, page, 'api-keys');
    // on a 360 px phone the snippet (with its long key line) wraps instead of overflowing
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoSidewaysOverflow(page);
    await screenshotOnce(t, page, 'api-keys-360');
    await page.setViewportSize({ width: 1200, height: 800 });

    // the key works with Basic auth, without the browser's cookies
    const ok = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: basicAuth(key) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.username).toBe(username);
    const bare = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: basicAuth(key.replace(/^waka_/, '')) });
    expect(bare.json().data.username).toBe(username);
    await t.app.ctx.services.apiKeys.settle();

    // the overview's snippet carries it too, for this visit
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await waitForHeading(page, 'Overview');
    expect(await page.getByTestId('wakatime-cfg').textContent()).toContain(`api_key = ${key}`);
    expect(await page.getByText('America/New_York').count()).toBeGreaterThan(0);
    await screenshotOnce(t, page, 'overview');

    // shown once: a reload does not show it again
    await page.goto(`${base}/settings/api-keys`);
    await page.getByRole('row', { name: /laptop/ }).waitFor();
    // the key was used above: its row says when, not "Never"
    const lastUsed = page.getByRole('row', { name: /laptop/ }).locator('td').nth(2);
    expect(await lastUsed.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await lastUsed.textContent()).not.toBe('Never');
    expect(await page.getByTestId('secret-value').count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    // ... and the snippet says what is true: a key exists, its secret was shown once (not "No key yet?")
    for (const path of ['/settings/api-keys', '/']) {
      if (path === '/') await page.goto(`${base}/`);
      const hint = page.getByTestId('key-hint');
      await hint.waitFor();
      expect(await hint.textContent(), path).toMatch(/You have an API key: laptop \(waka_[0-9a-f]{8}…\)\. A key is shown only once/);
      expect(await page.getByText('No key yet?').count(), path).toBe(0);
      const snippet = (await page.getByTestId('wakatime-cfg').textContent())!;
      expect(snippet, path).toMatch(/api_key = <paste your API key waka_[0-9a-f]{8}…>/);
      expect(snippet, path).not.toContain('create an API key');
      await page.setViewportSize({ width: 360, height: 740 });
      await expectNoSidewaysOverflow(page);
      await page.setViewportSize({ width: 1200, height: 800 });
    }
    await screenshotOnce(t, page, 'overview-after-reload');
    await page.goto(`${base}/settings/api-keys`);
    await page.getByRole('row', { name: /laptop/ }).waitFor();

    await page.getByRole('button', { name: 'Revoke laptop' }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('Revoked "laptop"').waitFor();
    expect(await page.getByRole('row', { name: /laptop/ }).count()).toBe(0);
    const revoked = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: basicAuth(key) });
    expect(revoked.statusCode).toBe(401);
  });

  it('registers an OAuth app, shows the secret once, rotates it, edits and deletes the app', async () => {
    const { page, base } = s;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'OAuth apps' }).click();
    await waitForHeading(page, 'OAuth apps');
    await page.getByText('No apps registered yet.').waitFor();

    // a bad redirect URI is refused, next to the field
    await page.getByLabel('App name').fill('Dashboard');
    await page.getByLabel('Redirect URIs').fill('not a url');
    await page.getByRole('button', { name: 'Register app' }).click();
    await page.locator('.field-error').filter({ hasText: 'not a url' }).waitFor();

    await page.getByLabel('Redirect URIs').fill(`https://dash.example/callback\nhttp://127.0.0.1:9/cb`);
    await page.getByRole('button', { name: 'Register app' }).click();
    const secretBox = page.getByTestId('secret-value');
    await secretBox.waitFor();
    const secret1 = (await secretBox.textContent())!.trim();
    expect(secret1).toMatch(/^waka_sec_/);
    const card = page.getByTestId('oauth-app');
    await card.getByText('https://dash.example/callback').waitFor();
    await card.getByText('http://127.0.0.1:9/cb').waitFor();
    const clientId = (await card.getByTestId('client-id').textContent())!.trim();
    const listed = (await (await s.context.request.get(`${base}/api/v1/users/current/oauth_apps`)).json()).data;
    expect(listed).toMatchObject([{ name: 'Dashboard', client_id: clientId, redirect_uris: ['https://dash.example/callback', 'http://127.0.0.1:9/cb'], is_public: false }]);
    await screenshotOnce(t, page, 'oauth-apps');

    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByTestId('secret-value').count()).toBe(0);

    await page.getByRole('button', { name: 'Rotate the secret of Dashboard' }).click();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('heading', { name: 'New client secret for "Dashboard"' }).waitFor();
    const secret2 = (await page.getByTestId('secret-value').textContent())!.trim();
    expect(secret2).toMatch(/^waka_sec_/);
    expect(secret2).not.toBe(secret1);

    await page.getByRole('button', { name: 'Edit Dashboard' }).click();
    await card.getByLabel('App name').fill('Team dashboard');
    await card.getByLabel('Redirect URIs').fill('https://dash.example/callback');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Team dashboard', level: 3 }).waitFor();
    expect(await card.getByText('http://127.0.0.1:9/cb').count()).toBe(0);

    await page.getByRole('button', { name: 'Delete Team dashboard' }).click();
    await page.getByRole('button', { name: 'Delete app' }).click();
    await page.getByText('Deleted "Team dashboard".').waitFor();
    await page.getByText('No apps registered yet.').waitFor();
    expect((await (await s.context.request.get(`${base}/api/v1/users/current/oauth_apps`)).json()).data).toEqual([]);

    // a public app has no secret to show or rotate
    await page.getByLabel('App name').fill('Desktop widget');
    await page.getByLabel('Redirect URIs').fill('http://127.0.0.1:9/widget');
    await page.getByLabel('Public client').check();
    await page.getByRole('button', { name: 'Register app' }).click();
    await page.getByText('a public app: it has no secret').waitFor();
    expect(await page.getByTestId('secret-value').count()).toBe(0);
    await card.getByText('Public (no secret; uses PKCE)').waitFor();
    expect(await page.getByRole('button', { name: 'Rotate the secret of Desktop widget' }).count()).toBe(0);
  });

  it('renders the API reference at /api/docs/ui: Markdown as formatted text under its CSP, on a phone too', async () => {
    const { base } = s;
    const page = await s.context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    try {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`${base}/api/docs/ui`);
      // the script ran (its CSP hash matches): the operations are listed
      await page.locator('#ops details').first().waitFor();
      const intro = page.locator('#intro');
      expect(await intro.locator('code').first().textContent()).toBe('/api/v1');
      expect(await intro.locator('a[href="/api/docs/ui"]').count()).toBe(1);
      // no raw Markdown left
      expect(await intro.textContent()).not.toMatch(/`|\]\(/);
      expect(violations).toEqual([]);
      const width = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      expect(width[0]).toBeLessThanOrEqual(width[1]!);
      await screenshotOnce(t, page, 'api-docs-ui');
      // and the icon is ours
      const icon = await page.request.get(`${base}/favicon.ico`);
      expect(icon.status()).toBe(200);
      expect(icon.headers()['content-type']).toBe('image/x-icon');
    } finally {
      await page.close();
    }
  });

  it('lists an app authorized through the OAuth flow and revokes it', async () => {
    const { page, base, context } = s;
    const redirectUri = `${base}/callback`;
    const created = await context.request.post(`${base}/api/v1/users/current/oauth_apps`, {
      headers: { 'x-csrf-token': await csrf(context, base) },
      data: { name: 'Stats Viewer', redirect_uris: [redirectUri] },
    });
    expect(created.status()).toBe(201);
    const app = (await created.json()).data as { client_id: string; client_secret: string };

    // logged out, the consent page sends to the login page, which comes back to it (a server page)
    await page.getByRole('button', { name: 'Log out' }).click();
    await waitForHeading(page, 'Log in');
    const authorize = `${base}/oauth/authorize?${new URLSearchParams({ client_id: app.client_id, response_type: 'code', redirect_uri: redirectUri, scope: 'email,read_summaries', state: 'st4te' })}`;
    await page.goto(authorize);
    await waitForHeading(page, 'Log in');
    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((u) => u.pathname === '/oauth/authorize');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.pathname === '/callback');
    const back = new URL(page.url());
    expect(back.searchParams.get('state')).toBe('st4te');
    const code = back.searchParams.get('code')!;
    expect(code).toBeTruthy();

    const token = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: app.client_id, client_secret: app.client_secret },
    });
    expect(token.statusCode).toBe(200);
    const accessToken = token.json().access_token as string;
    const used = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { authorization: `Bearer ${accessToken}` } });
    expect(used.statusCode).toBe(200);

    await page.goto(`${base}/settings/authorized-apps`);
    await waitForHeading(page, 'Authorized apps');
    const grant = page.getByTestId('authorized-app');
    await grant.getByRole('heading', { name: 'Stats Viewer' }).waitFor();
    await grant.getByText('See your private email address').waitFor();
    await grant.getByText(/^Read your summaries and stats: time per category/).waitFor();
    expect(await grant.getByText(app.client_id).count()).toBe(1);
    await screenshotOnce(t, page, 'authorized-apps');

    await page.getByRole('button', { name: 'Revoke access for Stats Viewer' }).click();
    await page.getByRole('button', { name: 'Revoke access' }).click();
    await page.getByText('"Stats Viewer" can no longer use your account.').waitFor();
    expect(await page.getByTestId('authorized-app').count()).toBe(0);
    await page.getByText('You have not authorized any app.').waitFor();
    const dead = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { authorization: `Bearer ${accessToken}` } });
    expect(dead.statusCode).toBe(401);
  });
});

describeBrowser(
  'web app in a browser, sign-up closed',
  (t) => {
    const s = useBrowser(t);

    it('says so on the sign-up page, and the API answers 403', async () => {
      const { page, base, context } = s;
      await page.goto(`${base}/signup`);
      await waitForHeading(page, 'Sign-up is closed');
      expect(await page.getByRole('button', { name: 'Sign up' }).count()).toBe(0);
      await screenshotOnce(t, page, 'signup-closed');
      await page.getByRole('link', { name: 'Log in' }).first().click();
      await waitForHeading(page, 'Log in');
      expect(await page.getByRole('link', { name: 'Sign up' }).count()).toBe(0);

      const res = await context.request.post(`${base}/api/web/signup`, {
        headers: { 'x-csrf-token': await csrf(context, base) },
        data: { username: uniqueName('closed'), password: 'long enough password' },
      });
      expect(res.status()).toBe(403);
      expect((await res.json()).error).toMatch(/Sign-up is closed/);
    });
  },
  { env: { ALLOW_SIGNUP: 'false' } },
);
