/**
 * The OAuth code flow end to end, as a third-party app sees it: the npm OAuth client oauth4webapi
 * against a listening server, with the consent page clicked in headless Chromium (playwright-core,
 * the system's /usr/bin/chromium; never a downloaded browser). The browser logs in through the web
 * JSON API, not the React pages. Leaves a screenshot of the consent page in test-artifacts/.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, uniqueName } from '../helpers/harness.js';
import { artifactPath, chromiumAvailable, launchPersistentChromium } from '../helpers/browser.js';

const PASSWORD = 'correct horse battery';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

const haveChromium = chromiumAvailable('the browser OAuth flow test');

/** The third-party app's callback: a tiny server that says "connected". */
async function callbackServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Client</title><p>connected</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/callback`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

if (haveChromium) {
  describeEachDatabase('OAuth flow in a real browser with oauth4webapi', (t) => {
    let context: BrowserContext;
    let page: Page;
    let userDataDir: string;
    let base: string;
    let callback: Awaited<ReturnType<typeof callbackServer>>;

    beforeAll(async () => {
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      callback = await callbackServer();
      userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metronome-chromium-'));
      context = await launchPersistentChromium(userDataDir);
      page = context.pages()[0] ?? (await context.newPage());
    });

    afterAll(async () => {
      await context?.close();
      await callback?.close();
      if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    });

    it('authorizes through the consent page, calls the API, refreshes and revokes four ways', async () => {
      // the app, registered by its developer with an API key
      const dev = await t.createUser();
      const reg = await fetch(`${base}/api/v1/users/current/oauth_apps`, {
        method: 'POST',
        headers: { ...t.auth(dev.apiKey), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Browser Test App', redirect_uris: [callback.url] }),
      });
      expect(reg.status).toBe(201);
      const registered = (await reg.json()).data as { client_id: string; client_secret: string };

      const as: oauth.AuthorizationServer = {
        issuer: base,
        authorization_endpoint: `${base}/oauth/authorize`,
        token_endpoint: `${base}/oauth/token`,
        revocation_endpoint: `${base}/oauth/revoke`,
      };
      const client: oauth.Client = { client_id: registered.client_id };
      const clientAuth = oauth.ClientSecretPost(registered.client_secret);

      // the user logs the browser in through the web JSON API (shares cookies with the page)
      const username = uniqueName('br');
      const { user } = await t.createUser({ username, password: PASSWORD });
      const session = await page.request.get(`${base}/api/web/session`);
      const csrf = (await session.json()).data.csrf_token as string;
      const login = await page.request.post(`${base}/api/web/login`, { data: { login: username, password: PASSWORD }, headers: { 'x-csrf-token': csrf } });
      expect(login.status()).toBe(200);

      /** Sends the browser to /oauth/authorize; clicks Approve when the consent page shows; returns the tokens. */
      async function authorize(expectConsent: boolean): Promise<oauth.TokenEndpointResponse> {
        const verifier = oauth.generateRandomCodeVerifier();
        const state = oauth.generateRandomState();
        const url = new URL(as.authorization_endpoint!);
        url.search = new URLSearchParams({
          client_id: client.client_id,
          response_type: 'code',
          redirect_uri: callback.url,
          scope: 'read_stats,email',
          state,
          code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        }).toString();
        await page.goto(url.href);
        if (expectConsent) {
          await expect.poll(() => page.title()).toMatch(/Authorize Browser Test App/);
          expect(await page.locator('#app-name').textContent()).toBe('Browser Test App');
          expect(await page.locator('#scopes li').allTextContents()).toEqual([
            expect.stringMatching(/public profile/),
            expect.stringMatching(/Read your stats: time per category/),
            expect.stringMatching(/private email address/),
          ]);
          await page.screenshot({ path: artifactPath('oauth-consent.png'), fullPage: true });
          await Promise.all([page.waitForURL((u) => u.href.startsWith(callback.url)), page.getByRole('button', { name: 'Approve' }).click()]);
        }
        expect(page.url().startsWith(callback.url)).toBe(true);
        expect(await page.textContent('body')).toContain('connected');
        const params = oauth.validateAuthResponse(as, client, new URL(page.url()), state);
        const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, callback.url, verifier, insecure);
        return oauth.processAuthorizationCodeResponse(as, client, response);
      }

      const api = async (token: string) => (await oauth.protectedResourceRequest(token, 'GET', new URL(`${base}/api/v1/users/current`), undefined, undefined, insecure)).status;

      const first = await authorize(true);
      expect(first.token_type).toBe('bearer');
      expect(first.access_token).toMatch(/^waka_tok_/);
      expect(first.refresh_token).toMatch(/^waka_ref_/);
      expect(first.expires_in).toBeGreaterThan(364 * 86400);
      expect(first.scope).toBe('read_stats,email');
      expect(first.uid).toBe(user.uuid);
      const me = await oauth.protectedResourceRequest(first.access_token, 'GET', new URL(`${base}/api/v1/users/current`), undefined, undefined, insecure);
      expect(me.status).toBe(200);
      expect((await me.json()).data.email).toBe(null);

      // refresh: a new pair, the old access token stops working
      const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, clientAuth, first.refresh_token!, insecure));
      expect(refreshed.access_token).not.toBe(first.access_token);
      expect(await api(refreshed.access_token)).toBe(200);
      expect(await api(first.access_token)).toBe(401);

      // 1. revoke one token (RFC 7009 through the client)
      await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, refreshed.access_token, insecure));
      expect(await api(refreshed.access_token)).toBe(401);

      // the grant exists now: no consent page, straight back to the app
      const a = await authorize(false);
      const b = await authorize(false);
      expect(await api(a.access_token)).toBe(200);

      // 2. all of the user's tokens by user_id
      const byUser = await fetch(as.revocation_endpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: client.client_id, client_secret: registered.client_secret, user_id: user.uuid }),
      });
      expect(byUser.status).toBe(200);
      expect(await api(a.access_token)).toBe(401);
      expect(await api(b.access_token)).toBe(401);

      // 3. all of the user's tokens through a past (revoked) token with all=true
      const c = await authorize(false);
      expect(await api(c.access_token)).toBe(200);
      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, client, clientAuth, refreshed.refresh_token!, { ...insecure, additionalParameters: { all: 'true' } }),
      );
      expect(await api(c.access_token)).toBe(401);

      // 4. every token of the app, client credentials by HTTP Basic
      const d = await authorize(false);
      expect(await api(d.access_token)).toBe(200);
      const everything = await fetch(as.revocation_endpoint!, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.client_id}:${registered.client_secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ all: 'true' }),
      });
      expect(everything.status).toBe(200);
      expect(await api(d.access_token)).toBe(401);
      const spent = await oauth.refreshTokenGrantRequest(as, client, clientAuth, d.refresh_token!, insecure);
      await expect(oauth.processRefreshTokenResponse(as, client, spent)).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  });
}
