/** `metronome import`: a dump file with a progress bar; killed mid-way (SIGKILL), the same command resumes it. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';
import { CLI_ARGS, ROOT, runCommand } from '../helpers/process.js';

describeEachDatabase('metronome import (CLI)', (t) => {
  it('imports a dump file with a progress bar and resumes after being killed', async () => {
    const { user } = await t.createUser();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metronome-import-'));
    const file = path.join(dir, 'heartbeats.json');
    const start = DateTime.utc().startOf('day').minus({ days: 10 }).toSeconds();
    const n = 5_000;
    const days = Array.from({ length: 5 }, (_, d) => ({
      date: DateTime.fromSeconds(start, { zone: 'UTC' }).plus({ days: d }).toISODate(),
      heartbeats: Array.from({ length: n / 5 }, (_, i) => ({ entity: `/x/${i % 9}.c`, type: 'file', time: start + d * 86400 + 3600 + i * 2, project: 'cli', language: 'C' })),
    }));
    fs.writeFileSync(file, JSON.stringify({ days }));
    const env = { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'warn' };
    const count = async () => Number((await t.storage.db.selectFrom('heartbeats').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', user.id).executeTakeFirstOrThrow()).n);
    try {
      // first run: killed once a few batches are in
      const child = spawn(process.execPath, [...CLI_ARGS, 'import', user.username, '--file', file], { cwd: ROOT, env });
      let stderr = '';
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (d) => {
          stderr += d;
          if (/\] +\d+\.\d%  [1-9]\d{3} imported/.test(stderr)) child.kill('SIGKILL');
        });
        child.on('close', () => resolve());
      });
      expect(stderr).toMatch(/\[#*-*\] +\d+\.\d%  \d+ imported, 0 skipped/);
      const partial = await count();
      expect(partial).toBeGreaterThanOrEqual(1000);
      expect(partial).toBeLessThan(n);

      // the same command again: resumed from its cursor, everything once
      const again = await runCommand(['import', user.username, '--file', file], { DATABASE_URL: t.databaseUrl });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/^resuming import [0-9a-f-]{36}/);
      expect(again.stdout).toContain(`completed: ${n} heartbeats read, ${n} imported`);
      expect(again.stderr).toContain('100.0%');
      expect(await count()).toBe(n);
      const rows = await t.storage.db.selectFrom('imports').select(['status', 'received']).where('user_id', '=', user.id).execute();
      expect(rows).toEqual([{ status: 'completed', received: n }]);

    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
