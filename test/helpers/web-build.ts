/** Builds the web front end (web/ → web/dist) when the build is missing or older than any source file. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIST = path.join(REPO_ROOT, 'web', 'dist');

function newestSourceTime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  const index = path.join(WEB_DIST, 'index.html');
  const builtAt = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  // the pages also bundle the scope catalogue from the server's domain
  const shared = fs.statSync(path.join(REPO_ROOT, 'src', 'domain', 'scopes.ts')).mtimeMs;
  return builtAt > Math.max(newestSourceTime(path.join(REPO_ROOT, 'web')), shared);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds once even when several test files ask at the same time (a lock directory next to web/dist:
 * Vite empties web/dist first, so two builds at once would trip over each other).
 */
export function ensureWebBuilt(): void {
  if (isFresh()) return;
  const lock = path.join(REPO_ROOT, 'web', '.build-lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // another test file is building: wait for it (a lock older than 3 minutes is left over from a crash)
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 180_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        // the lock went away meanwhile
      }
      if (Date.now() > deadline) throw new Error(`web build lock ${lock} is held for too long`);
      sleep(200);
    }
  }
  try {
    if (!isFresh()) execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-web.mjs')], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 120_000 });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
