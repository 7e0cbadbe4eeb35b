/** Loads the real wakatime-cli bodies in ../shared/fixtures, filling Go %s/%d placeholders. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, '../../../shared/fixtures/wakatime-cli');

export function fixtureText(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** Fills %s and %d in order, as Go's fmt.Sprintf would. Strings are JSON-escaped. */
export function fillTemplate(name: string, values: (string | number)[]): unknown {
  let i = 0;
  const text = fixtureText(name).replace(/%[sd]/g, (m) => {
    const v = values[i++];
    if (v === undefined) throw new Error(`not enough values for ${name}`);
    return m === '%d' ? String(v) : JSON.stringify(String(v)).slice(1, -1);
  });
  return JSON.parse(text);
}

/** The headers wakatime-cli sends with heartbeats. */
export function cliHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'wakatime/v1.102.1 (linux-6.5.0-1024-oem-x86_64) go1.21.6 vscode/1.86.1 vscode-wakatime/24.4.0',
    'x-machine-name': 'devbox',
    timezone: 'Europe/Berlin',
    ...extra,
  };
}

/**
 * Where a test puts heartbeats that must count for today (UTC) and lie in the past: an hour after
 * midnight, or three hours ago if that is later, but never before today's first minute (right after
 * midnight they lie a few minutes ahead, which the server takes: it tolerates a day of clock skew).
 */
export function earlyTodayUtc(nowSeconds = Date.now() / 1000): number {
  const midnight = Math.floor(nowSeconds / 86400) * 86400;
  return Math.max(midnight + 60, Math.min(midnight + 3600, nowSeconds - 3 * 3600));
}
