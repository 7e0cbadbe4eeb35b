/**
 * Debian's Chromium for the browser tests, driven by playwright-core (never a downloaded browser).
 * Missing: the browser tests are skipped with a warning on a laptop, and fail under CI=true.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { REPO_ROOT } from './web-build.js';

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
