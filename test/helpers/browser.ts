/**
 * Debian's Chromium for the browser tests, driven by playwright-core (never a downloaded browser).
 * Missing: the browser tests are skipped with a warning on a laptop, and fail under CI=true.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { describeEachDatabase, type TestContext } from './harness.js';
import { ensureWebBuilt, REPO_ROOT } from './web-build.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Headless, and quiet: this machine's network is closed, so no background connections. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Screenshots kept as test artifacts (gitignored). */
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

/** Whether the browser tests can run; throws under CI=true when they cannot. */
export function chromiumAvailable(what: string): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: CI=true requires ${what} (apt-get install chromium).`);
  console.warn(`\n!!! ${CHROMIUM} is missing: ${what} SKIPPED (install Debian's chromium; CI=true makes this fatal)\n`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A browser with its own profile directory (removed by close()). */
export async function launchPersistentChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export function artifactPath(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/**
 * One Chromium for a test file: before its tests the web app is built and the browser launched,
 * after them it is closed. `browser()` is the running browser (inside tests, when `available`);
 * `describeEachDatabase` runs a block on both databases, or reports it skipped without Chromium.
 */
export function useChromium(what: string, launchTimeout = 120_000): { available: boolean; browser(): Browser; describeEachDatabase: typeof describeEachDatabase } {
  const available = chromiumAvailable(what);
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!available) return;
    ensureWebBuilt();
    browser = await launchChromium();
  }, launchTimeout);
  afterAll(async () => {
    await browser?.close();
  });
  return {
    available,
    browser: () => browser!,
    describeEachDatabase: available ? describeEachDatabase : (title: string) => describe.skip(`${title} (no ${CHROMIUM})`, () => it('needs chromium', () => {})),
  };
}

/** The test's app listening on a free port: its base URL (on 127.0.0.1, not localhost). */
export async function listenForBrowser(t: TestContext): Promise<string> {
  return (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
}

/** A new page of `context` with its default timeout; every page error fails the test that caused it. */
export async function newTestPage(context: BrowserContext, timeout: number): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (err) => {
    throw err;
  });
  return page;
}

export interface BrowserSession {
  base: string;
  context: BrowserContext;
  page: Page;
}

/**
 * For one describe block: the app listening on a free port and a fresh browser context (its own
 * cookies) with one page (see newTestPage); the context is closed after the block. The returned
 * object is filled in before the block's tests run, and may carry the block's own state (`Extra`).
 */
export function useBrowserSession<Extra extends object = object>(t: TestContext, browser: () => Browser, options: BrowserContextOptions & { timeout: number }): BrowserSession & Extra {
  const { timeout, ...contextOptions } = options;
  const s = {} as BrowserSession & Extra;
  beforeAll(async () => {
    s.base = await listenForBrowser(t);
    s.context = await browser().newContext(contextOptions);
    s.page = await newTestPage(s.context, timeout);
  });
  afterAll(async () => {
    await s.context?.close();
  });
  return s;
}

/** Logs in through the login page (coming back to `next` when given): fills the form and clicks "Log in". */
export async function logInThroughPage(page: Page, base: string, login: string, password: string, next?: string): Promise<void> {
  await page.goto(next === undefined ? `${base}/login` : `${base}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Signs up through the sign-up page and waits for the Overview it lands on. */
export async function signUpThroughPage(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/signup`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview', exact: true }).waitFor();
}

/** A full-page screenshot in test-artifacts/<name>.png, on SQLite only (PostgreSQL's pages are the same pages). */
export async function screenshotOnce(t: TestContext, page: Page, name: string): Promise<void> {
  if (t.dialect !== 'sqlite') return;
  await page.screenshot({ path: artifactPath(`${name}.png`), fullPage: true });
}
