/**
 * The legacy Python wakatime CLI (../shared/clients/legacy-python-cli, the `wakatime` command of
 * editor plugins before the Go CLI) against a real listening server: every `api_url` form users
 * have in their config, the bare-UUID key it insists on, and its offline queue (server down →
 * queued → server back → the next run sends them, each stored exactly once).
 * Needs python3: without it the test is skipped with a warning, except under CI=true, where it fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dialects, freshDatabase, uniqueName } from '../helpers/harness.js';
import { exited, ROOT, runCommand, startServerProcess } from '../helpers/process.js';

const LEGACY_CLI = process.env.LEGACY_WAKATIME_CLI ?? path.resolve(ROOT, '../shared/clients/legacy-python-cli/wakatime-legacy');

function legacyCliAvailable(): boolean {
  const python = spawnSync('python3', ['--version']);
  const missing = python.error || python.status !== 0 ? 'python3' : !fs.existsSync(LEGACY_CLI) ? LEGACY_CLI : null;
  if (!missing) return true;
  if (process.env.CI === 'true') throw new Error(`${missing} is missing: CI=true requires the legacy wakatime CLI test (apt-get install python3).`);
  console.warn(`\n!!! ${missing} is missing: the legacy wakatime CLI test is SKIPPED (CI=true makes this fatal)\n`);
  return false;
}

interface Run {
  code: number;
  output: string;
}

/** One run of the CLI, as an editor plugin runs it: its own HOME / WAKATIME_HOME holding .wakatime.cfg. */
function runLegacy(home: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(LEGACY_CLI, ['--config', path.join(home, '.wakatime.cfg'), ...args], {
      cwd: home,
      env: { ...process.env, HOME: home, WAKATIME_HOME: home, TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

function writeConfig(home: string, apiUrl: string, apiKey: string): void {
  fs.writeFileSync(path.join(home, '.wakatime.cfg'), `[settings]\napi_url = ${apiUrl}\napi_key = ${apiKey}\n`);
}

/** Heartbeats waiting in the CLI's offline queue ($WAKATIME_HOME/.wakatime.db). */
function queued(home: string): number {
  const file = path.join(home, '.wakatime.db');
  if (!fs.existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table' and name like 'heartbeat%'").all() as { name: string }[];
    return tables.reduce((n, t) => n + (db.prepare(`select count(*) as n from "${t.name}"`).get() as { n: number }).n, 0);
  } finally {
    db.close();
  }
}

const run = legacyCliAvailable();

for (const dialect of dialects()) {
  describe.skipIf(!run)(`legacy Python wakatime CLI [${dialect}]`, () => {
    it('sends heartbeats with every api_url form and the bare key, and flushes its offline queue exactly once', { timeout: 240_000 }, async () => {
      const db = await freshDatabase(dialect);
      const env = { DATABASE_URL: db.url };
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'metronome-legacy-'));
      let server = await (async () => {
        const created = await runCommand(['user', 'create', uniqueName(), '--json'], env);
        expect(created.code, created.stderr).toBe(0);
        return { created: JSON.parse(created.stdout) as { api_key: string }, proc: await startServerProcess(env) };
      })();
      const apiKey = server.created.api_key;
      const bareKey = apiKey.replace(/^waka_/, '');
      const port = Number(new URL(server.proc.url).port);
      try {
        const project = path.join(home, 'proj');
        fs.mkdirSync(project);
        const file = path.join(project, 'main.py');
        fs.writeFileSync(file, 'print("hello")\n');
        const day = Date.UTC(2024, 2, 5) / 1000; // 2024-03-05, UTC
        const beat = (n: number, extra: string[] = []) => ['--entity', file, '--time', String(day + 3600 + n * 60), '--project', 'legacy', '--plugin', 'vim/9.0.0 vim-wakatime/9.0.0', '--hostname', 'legacy-box', ...extra];
        const stored = async (): Promise<{ time: number; project: string; machine: string; is_write: boolean; editor: string | null }[]> => {
          const res = await fetch(`${server.proc.url}/api/v1/users/current/heartbeats?date=2024-03-05&timezone=UTC`, { headers: { authorization: `Basic ${Buffer.from(apiKey).toString('base64')}` } });
          expect(res.status).toBe(200);
          return ((await res.json()) as { data: never[] }).data;
        };

        // the key as Metronome prints it (waka_…) is refused by the CLI itself: it wants a bare UUID
        writeConfig(home, `${server.proc.url}/api/v1`, apiKey);
        const prefixed = await runLegacy(home, beat(0));
        expect(prefixed.code).not.toBe(0);
        expect(prefixed.output).toMatch(/Invalid api key/);

        // every api_url users have: its old default (the full bulk URL), the single-heartbeat URL, and the base URL
        const forms = ['/api/v1/users/current/heartbeats.bulk', '/api/v1/users/current/heartbeats', '/api/v1', '/api/v1/'];
        for (const [i, form] of forms.entries()) {
          writeConfig(home, `${server.proc.url}${form}`, bareKey);
          const r = await runLegacy(home, beat(i + 1, i % 2 === 0 ? ['--write'] : []));
          expect(r.code, `${form}: ${r.output}`).toBe(0);
          expect(queued(home), form).toBe(0);
          const times = (await stored()).map((h) => h.time);
          expect(times, form).toContain(day + 3600 + (i + 1) * 60);
        }
        const first = await stored();
        expect(first).toHaveLength(forms.length);
        expect(first[0]).toMatchObject({ project: 'legacy', machine: 'legacy-box', is_write: true, editor: 'Vim' });
        expect(first[1]).toMatchObject({ is_write: false });

        // server down: the CLI keeps the heartbeats in its offline queue
        writeConfig(home, `${server.proc.url}/api/v1`, bareKey);
        server.proc.child.kill('SIGTERM');
        await exited(server.proc.child);
        for (const n of [10, 11]) {
          const r = await runLegacy(home, beat(n, ['--write']));
          expect(r.code, r.output).not.toBe(0);
        }
        expect(queued(home)).toBe(2);

        // back up (same address, same database): the next run sends its heartbeat, then the queue
        server = { ...server, proc: await startServerProcess(env, { port }) };
        const back = await runLegacy(home, beat(12));
        expect(back.code, back.output).toBe(0);
        expect(queued(home)).toBe(0);
        // a run with nothing queued changes nothing; the same heartbeat sent again is stored once
        const again = await runLegacy(home, beat(12));
        expect(again.code, again.output).toBe(0);

        const times = (await stored()).map((h) => h.time).sort((a, b) => a - b);
        expect(times).toEqual([1, 2, 3, 4, 10, 11, 12].map((n) => day + 3600 + n * 60));
      } finally {
        server.proc.child.kill('SIGTERM');
        await exited(server.proc.child);
        fs.rmSync(home, { recursive: true, force: true });
        await db.drop();
      }
    });
  });
}
