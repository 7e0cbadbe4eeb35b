/**
 * Real clients' goal calls against a listening server, unmodified: wakatime-client
 * (getMyGoals / getGoals), @nick22985/wakatime-api (getMyGoals / getUserGoals), the
 * wakatime_exporter binary's goal collector, and the legacy Python CLI's `--today-goal`.
 * The binaries need python3 and the exporter file: missing ones are skipped with a warning,
 * except under CI=true, where that fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WakaTimeApi } from '@nick22985/wakatime-api';
import { expect, it } from 'vitest';
import { WakaTimeClient } from 'wakatime-client';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders, earlyTodayUtc } from '../helpers/fixtures.js';
import { ROOT } from '../helpers/process.js';

const LEGACY_CLI = path.resolve(ROOT, '../shared/clients/legacy-python-cli/wakatime-legacy');
const EXPORTER = path.resolve(ROOT, '../shared/clients/wakatime-exporter/wakatime_exporter');

function available(what: string, ok: boolean): boolean {
  if (ok) return true;
  if (process.env.CI === 'true') throw new Error(`${what} is missing: CI=true requires the goal client tests`);
  console.warn(`\n!!! ${what} is missing: its goal client test is SKIPPED (CI=true makes this fatal)\n`);
  return false;
}
const hasPython = available('python3 and the legacy CLI', spawnSync('python3', ['--version']).status === 0 && fs.existsSync(LEGACY_CLI));
const hasExporter = available('wakatime_exporter', fs.existsSync(EXPORTER));

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

describeEachDatabase('goal clients', (t) => {
  it('wakatime-client, @nick22985/wakatime-api, wakatime_exporter and the legacy CLI --today-goal read goals', { timeout: 60_000 }, async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { user, apiKey } = await t.createUser();
    const start = earlyTodayUtc();
    const beats = Array.from({ length: 8 }, (_, i) => ({ entity: '/p/app/main.py', type: 'file', time: start + i * 60, project: 'app', language: 'Python' }));
    const posted = await fetch(`${address}/api/v1/users/current/heartbeats.bulk`, { method: 'POST', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, body: JSON.stringify(beats) });
    expect(posted.status).toBe(201);
    const created = await fetch(`${address}/api/v1/users/current/goals`, {
      method: 'POST',
      headers: { ...t.auth(apiKey), 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 300, delta: 'day', languages: ['Python'] }),
    });
    expect(created.status).toBe(201);
    const goalId = ((await created.json()) as { data: { id: string } }).data.id;

    const client = new WakaTimeClient(apiKey, `${address}/api/v1/`);
    const mine = await client.getMyGoals();
    expect(mine).toMatchObject({ total: 1, total_pages: 1 });
    expect(mine.data[0]).toMatchObject({ id: goalId, title: 'Code 5 mins per day in Python', status: 'success' });
    expect(mine.data[0].chart_data.at(-1)).toMatchObject({ actual_seconds: 420, actual_seconds_text: '7 mins', range_status: 'success' });
    expect((await client.getGoals(user.username)).data[0].id).toBe(goalId);

    const api = new WakaTimeApi(apiKey, `${address}/api/v1/`);
    const viaApi = (await api.getMyGoals()) as unknown as { data: { id: string; owner: { username: string } }[] };
    expect(viaApi.data.map((g) => g.id)).toEqual([goalId]);
    expect(viaApi.data[0]!.owner.username).toBe(user.username);
    const byId = (await api.getUserGoals(user.uuid)) as unknown as { total: number };
    expect(byId.total).toBe(1);

    if (hasExporter) {
      const port = await freePort();
      const exporter: ChildProcess = spawn(EXPORTER, [`--wakatime.scrape-uri=${address}/api/v1`, `--wakatime.api-key=${apiKey}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
      try {
        let metrics = '';
        for (let i = 0; i < 100 && !metrics.includes('wakatime_goal_progress_seconds'); i++) {
          metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
          if (!metrics.includes('wakatime_goal_progress_seconds')) await new Promise((r) => setTimeout(r, 100));
        }
        expect(metrics).toMatch(/wakatime_scrape_collector_success\{collector="goal"\} 1/);
        expect(metrics).toMatch(new RegExp(`wakatime_goal_progress_seconds\\{delta="day",enabled="true",id="${goalId}",[^}]*name="Code 5 mins per day in Python"[^}]*\\} 420\n`));
        expect(metrics).toMatch(new RegExp(`wakatime_goal_threshold_seconds\\{delta="day",enabled="true",id="${goalId}",[^}]*\\} 300\n`));
      } finally {
        exporter.kill('SIGTERM');
      }
    }

    if (hasPython) {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'metronome-goal-cli-'));
      try {
        // the legacy CLI takes only a bare UUID key
        fs.writeFileSync(path.join(home, '.wakatime.cfg'), `[settings]\napi_key = ${apiKey.replace(/^waka_/, '')}\n`);
        const r = await run(LEGACY_CLI, ['--config', path.join(home, '.wakatime.cfg'), '--today-goal', goalId], { HOME: home, WAKATIME_HOME: home, WAKATIME_LEGACY_API_ROOT: `${address}/api/v1`, TZ: 'UTC' });
        expect(r.code, r.output).toBe(0);
        expect(r.output.trim()).toBe('7 mins');
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    }
  });
});
