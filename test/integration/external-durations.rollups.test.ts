/**
 * Property: with random external durations created, moved (same external_id) and deleted between
 * reads, the rollup-served summaries (per-dimension rollups, and the cube behind a project filter)
 * equal a computation from scratch (TimeService.raw over heartbeats and external spans) to the
 * second — the dirty marks of external duration changes cover every hour they affect.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { userSettings } from '../../src/domain/user.js';
import { findUserById } from '../../src/storage/users.js';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

const op = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key: fc.integer({ min: 0, max: 3 }), start: fc.integer({ min: 0, max: 40 * 3600 }), len: fc.integer({ min: 60, max: 4 * 3600 }), project: fc.constantFrom('alpha', 'sync') }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 3 }) }),
);

describeEachDatabase('external durations keep rollups exact', (t) => {
  it('rollup answers equal a computation from scratch after every change', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 40 * 3600 }), { minLength: 5, maxLength: 40 }),
        fc.array(op, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata'),
        fc.constantFrom(5, 15, 90),
        async (times, ops, zone, timeout) => {
          const { user, apiKey } = await t.createUser();
          const now = Date.now() / 1000;
          await t.storage.db.updateTable('users').set({ created_at: now - 30 * 86400, timezone: zone, keystroke_timeout: timeout }).where('id', '=', user.id).execute();
          const day0 = DateTime.now().setZone(zone).startOf('day').minus({ days: 4 });
          const base = day0.toSeconds();
          const first = day0.toISODate()!;
          const last = day0.plus({ days: 2 }).toISODate()!;
          const headers = { ...cliHeaders({ timezone: zone }), ...t.auth(apiKey) };
          const beats = times.map((dt, i) => ({ entity: `f${i % 3}.ts`, type: 'file', time: base + dt, project: i % 2 ? 'alpha' : 'beta', language: 'TypeScript' }));
          expect((await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers, payload: beats })).statusCode).toBe(201);

          const compare = async () => {
            const row = (await findUserById(t.storage.db, user.id))!;
            const q = { user: row, settings: userSettings(row), first, last };
            const time = t.app.ctx.services.time;
            for (const filters of [{}, { projects: ['sync'] }, { projects: ['alpha'] }]) {
              const viaRollups = await time.days({ ...q, filters });
              expect(viaRollups.upToDate).toBe(true);
              const scratch = await time.raw({ ...q, filters });
              const dates = new Set([...viaRollups.value.keys(), ...scratch.keys()]);
              for (const d of dates) {
                const a = viaRollups.value.get(d);
                const b = scratch.get(d);
                expect(a?.total ?? 0, `${d} ${JSON.stringify(filters)}`).toBeCloseTo(b?.total ?? 0, 3);
                for (const p of ['alpha', 'beta', 'sync']) expect(a?.dims.projects.get(p) ?? 0).toBeCloseTo(b?.dims.projects.get(p) ?? 0, 3);
              }
            }
          };
          await compare(); // builds the rollups

          const ids = new Map<number, string>();
          for (const o of ops) {
            if (o.kind === 'put') {
              const res = await t.app.inject({
                method: 'POST',
                url: '/api/v1/users/current/external_durations',
                headers,
                payload: { external_id: `k${o.key}`, entity: 'meeting', type: 'app', start_time: base + o.start, end_time: base + o.start + o.len, project: o.project },
              });
              expect(res.statusCode, res.body).toBe(201);
              ids.set(o.key, res.json().data.id);
            } else if (ids.has(o.key)) {
              // delete it on each day it may touch (the DELETE is per local day)
              for (let k = 0; k < 3; k++) {
                await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/external_durations.bulk', headers, payload: { date: day0.plus({ days: k }).toISODate(), ids: [ids.get(o.key)] } });
              }
              ids.delete(o.key);
            }
            await compare();
          }
        },
      ),
      { numRuns: 6 },
    );
  });
});
