/**
 * Kill -9 during a stream of bulk POSTs: after a restart, every heartbeat that had been
 * acknowledged with 201 is there. Also: SIGTERM finishes in-flight requests before exiting.
 */
import { describe, expect, it } from 'vitest';
import { dialects, freshDatabase, uniqueName } from '../helpers/harness.js';
import { exited, runCommand, startServerProcess } from '../helpers/process.js';
import { cliHeaders } from '../helpers/fixtures.js';

for (const dialect of dialects()) {
  describe(`durability [${dialect}]`, () => {
    it('keeps every acknowledged heartbeat across SIGKILL', async () => {
      const db = await freshDatabase(dialect);
      const env = { DATABASE_URL: db.url };
      try {
        const created = await runCommand(['user', 'create', uniqueName(), '--json'], env);
        expect(created.code, created.stderr).toBe(0);
        const { api_key: apiKey } = JSON.parse(created.stdout) as { api_key: string };
        const headers = { ...cliHeaders({ timezone: 'UTC' }), authorization: `Basic ${Buffer.from(apiKey).toString('base64')}` };

        const server = await startServerProcess(env);
        const acknowledged: number[] = [];
        const base = Date.UTC(2024, 6, 1) / 1000;
        let seq = 0;
        let killed = false;
        const client = async () => {
          while (!killed) {
            const batch = Array.from({ length: 25 }, () => ({ entity: `/src/file${seq % 7}.ts`, type: 'file', time: base + seq++ * 0.5 }));
            try {
              const r = await fetch(`${server.url}/api/v1/users/current/heartbeats.bulk`, { method: 'POST', headers, body: JSON.stringify(batch) });
              if (r.status === 201) {
                const body = (await r.json()) as { responses: [unknown, number][] };
                body.responses.forEach(([, s], i) => s === 201 && acknowledged.push(batch[i]!.time));
              }
            } catch {
              return; // connection refused / reset: the server is gone
            }
          }
        };
        const clients = Array.from({ length: 8 }, client);
        await new Promise((r) => setTimeout(r, 1500));
        killed = true;
        server.child.kill('SIGKILL');
        await Promise.all(clients);
        await exited(server.child);
        expect(acknowledged.length).toBeGreaterThan(100);

        const again = await startServerProcess(env);
        try {
          const r = await fetch(`${again.url}/api/v1/users/current/heartbeats?date=2024-07-01`, { headers });
          expect(r.status).toBe(200);
          const stored = new Set(((await r.json()) as { data: { time: number }[] }).data.map((h) => h.time));
          const missing = acknowledged.filter((t) => !stored.has(t));
          expect(missing).toEqual([]);
        } finally {
          again.child.kill('SIGTERM');
          await exited(again.child);
        }
      } finally {
        await db.drop();
      }
    });

    it('finishes requests in flight on SIGTERM, exits 0, and keeps what it acknowledged', async () => {
      const db = await freshDatabase(dialect);
      const env = { DATABASE_URL: db.url };
      try {
        const created = await runCommand(['user', 'create', uniqueName(), '--json'], env);
        const { api_key: apiKey } = JSON.parse(created.stdout) as { api_key: string };
        const headers = { ...cliHeaders({ timezone: 'UTC' }), authorization: `Basic ${Buffer.from(apiKey).toString('base64')}` };
        const server = await startServerProcess(env);
        const base = Date.UTC(2024, 7, 1) / 1000;
        const acknowledged: number[] = [];
        const statuses: number[] = [];
        let seq = 0;
        let stop = false;
        const client = async () => {
          while (!stop) {
            const batch = Array.from({ length: 25 }, () => ({ entity: 'x.ts', type: 'file', time: base + seq++ }));
            try {
              const r = await fetch(`${server.url}/api/v1/users/current/heartbeats.bulk`, { method: 'POST', headers, body: JSON.stringify(batch) });
              statuses.push(r.status);
              if (r.status === 201) batch.forEach((h) => acknowledged.push(h.time));
              else await r.text();
            } catch {
              return; // refused: the server has stopped listening
            }
          }
        };
        const clients = Array.from({ length: 6 }, client);
        while (acknowledged.length === 0) await new Promise((r) => setTimeout(r, 10));
        server.child.kill('SIGTERM');
        const code = await exited(server.child);
        stop = true;
        await Promise.all(clients);
        expect(code).toBe(0);
        // answered requests were either stored (201) or turned away while closing (503); never a failure
        expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);

        const again = await startServerProcess(env);
        try {
          const r = await fetch(`${again.url}/api/v1/users/current/heartbeats?date=2024-08-01`, { headers });
          const stored = new Set(((await r.json()) as { data: { time: number }[] }).data.map((h) => h.time));
          expect(acknowledged.filter((t) => !stored.has(t))).toEqual([]);
        } finally {
          again.child.kill('SIGTERM');
          await exited(again.child);
        }
      } finally {
        await db.drop();
      }
    });
  });
}
