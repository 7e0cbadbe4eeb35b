/**
 * External durations in time accounting (domain/duration.ts forEachCredit): property tests against
 * an independent reference that decides, second by second, who owns each instant.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dailyTotals, durations, hourlyCube, hourlyTotals, type ExternalSpan } from '../../../src/domain/duration.js';
import type { ActivityHeartbeat } from '../../../src/domain/heartbeat.js';

// 2024-03-30 20:00 UTC: the window crosses Berlin's midnight and its spring-forward night
const T0 = Date.UTC(2024, 2, 30, 20, 0, 0) / 1000;
const ZONE = 'Europe/Berlin';

function hb(time: number, project: string): ActivityHeartbeat {
  return { time, entity: `${project}.ts`, type: 'file', category: 'coding', project, branch: 'main', language: 'TypeScript', dependencies: [], editor: 'VS Code', operating_system: 'Linux', machine: 'box', is_write: false };
}
function ext(id: string, start: number, end: number, project: string): ExternalSpan {
  return { id, start, end, activity: { time: start, entity: `meeting ${id}`, type: 'app', category: 'meeting', project, branch: null, language: null, dependencies: [], editor: null, operating_system: null, machine: null, is_write: false } };
}

/**
 * The reference: for every second, its owner is the external span covering it that starts first
 * (then the smaller id), else the heartbeat whose credited gap (next heartbeat sooner than the
 * timeout) covers it. Per local day (Luxon per second, memoized per hour), total and per project.
 */
function reference(heartbeats: ActivityHeartbeat[], externals: ExternalSpan[], timeout: number): Map<string, { total: number; projects: Map<string, number> }> {
  const out = new Map<string, { total: number; projects: Map<string, number> }>();
  const sorted = [...heartbeats].sort((a, b) => a.time - b.time);
  const owners: { from: number; to: number; project: string }[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const gap = sorted[i + 1]!.time - sorted[i]!.time;
    if (gap < timeout && gap > 0) owners.push({ from: sorted[i]!.time, to: sorted[i + 1]!.time, project: sorted[i]!.project! });
  }
  const lo = Math.min(...sorted.map((h) => h.time), ...externals.map((e) => e.start));
  const hi = Math.max(...sorted.map((h) => h.time), ...externals.map((e) => e.end));
  const dateOfHour = new Map<number, string>();
  for (let s = lo; s < hi; s++) {
    let owner: string | null = null;
    let best: ExternalSpan | null = null;
    for (const e of externals) {
      if (e.start <= s && s < e.end && (!best || e.start < best.start || (e.start === best.start && e.id < best.id))) best = e;
    }
    if (best) owner = best.activity.project;
    else owner = owners.find((o) => o.from <= s && s < o.to)?.project ?? null;
    if (owner === null) continue;
    const hour = Math.floor(s / 3600);
    if (!dateOfHour.has(hour)) dateOfHour.set(hour, DateTime.fromSeconds(hour * 3600, { zone: ZONE }).toISODate()!);
    const date = dateOfHour.get(hour)!;
    let day = out.get(date);
    if (!day) out.set(date, (day = { total: 0, projects: new Map() }));
    day.total++;
    day.projects.set(owner, (day.projects.get(owner) ?? 0) + 1);
  }
  return out;
}

const projects = ['alpha', 'beta', 'gamma'];
const streams = fc.record({
  heartbeats: fc.array(fc.record({ t: fc.integer({ min: 0, max: 6 * 3600 }), p: fc.constantFrom(...projects) }), { maxLength: 40 }),
  externals: fc.array(fc.record({ s: fc.integer({ min: 0, max: 6 * 3600 }), len: fc.integer({ min: 1, max: 3 * 3600 }), p: fc.constantFrom('sync', 'alpha') }), { maxLength: 5 }),
  timeoutMin: fc.constantFrom(1, 5, 15),
});

function build(input: { heartbeats: { t: number; p: string }[]; externals: { s: number; len: number; p: string }[] }) {
  // distinct heartbeat times: equal times are ordered by hash in storage, not modelled here
  const seen = new Set<number>();
  const heartbeats = input.heartbeats.filter((h) => !seen.has(h.t) && seen.add(h.t)).map((h) => hb(T0 + h.t, h.p)).sort((a, b) => a.time - b.time);
  const externals = input.externals.map((e, i) => ext(`e${i}`, T0 + e.s, T0 + e.s + e.len, e.p));
  return { heartbeats, externals };
}

describe('external durations in time accounting', () => {
  it('day totals and per-project seconds match the second-by-second reference', () => {
    fc.assert(
      fc.property(streams, (input) => {
        const { heartbeats, externals } = build(input);
        if (heartbeats.length === 0 && externals.length === 0) return;
        const timeout = input.timeoutMin * 60;
        const want = reference(heartbeats, externals, timeout);
        const got = dailyTotals(heartbeats, { timeoutSeconds: timeout, zone: ZONE, externals, dimensions: ['projects'] });
        const days = new Set([...want.keys(), ...got.keys()]);
        for (const d of days) {
          expect(got.get(d)?.total ?? 0).toBeCloseTo(want.get(d)?.total ?? 0, 6);
          for (const p of [...projects, 'sync']) expect(got.get(d)?.dims.projects.get(p) ?? 0).toBeCloseTo(want.get(d)?.projects.get(p) ?? 0, 6);
        }
        // hourly partials sum to the same days, and so does the cube
        const hours = hourlyTotals(heartbeats, { timeoutSeconds: timeout, zone: ZONE, fromHour: 0, toHour: 1e7, externals });
        const cube = hourlyCube(heartbeats, { timeoutSeconds: timeout, zone: ZONE, fromHour: 0, toHour: 1e7, externals });
        const byDay = new Map<string, number>();
        const cubeByDay = new Map<string, number>();
        for (const m of hours.values()) for (const [d, t] of m) byDay.set(d, (byDay.get(d) ?? 0) + t.total);
        for (const m of cube.values()) for (const [d, part] of m) for (const s of part.cube.values()) cubeByDay.set(d, (cubeByDay.get(d) ?? 0) + s);
        for (const d of days) {
          expect(byDay.get(d) ?? 0).toBeCloseTo(want.get(d)?.total ?? 0, 6);
          expect(cubeByDay.get(d) ?? 0).toBeCloseTo(want.get(d)?.total ?? 0, 6);
        }
        // durations: each day's durations add up to its total, and never overlap
        for (const d of days) {
          const start = DateTime.fromISO(d, { zone: ZONE }).toSeconds();
          const end = DateTime.fromISO(d, { zone: ZONE }).plus({ days: 1 }).toSeconds();
          const list = durations(heartbeats, { timeoutSeconds: timeout, start, end, externals });
          expect(list.reduce((a, x) => a + x.duration, 0)).toBeCloseTo(want.get(d)?.total ?? 0, 6);
          for (let i = 1; i < list.length; i++) expect(list[i]!.time).toBeGreaterThanOrEqual(list[i - 1]!.time + list[i - 1]!.duration - 1e-9);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('an hour partial depends only on the heartbeats and external spans a recomputation of that hour loads', () => {
    fc.assert(
      fc.property(streams, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3 }), (input, a, n) => {
        const { heartbeats, externals } = build(input);
        const timeout = input.timeoutMin * 60;
        const from = Math.floor(T0 / 3600) + a;
        const to = from + n;
        const full = hourlyTotals(heartbeats, { timeoutSeconds: timeout, zone: ZONE, fromHour: from, toHour: to, externals });
        // what services/rollups.ts loads for hours [from, to]
        const lo = from * 3600;
        const hi = (to + 1) * 3600 + timeout;
        const window = heartbeats.filter((h) => h.time >= lo && h.time < hi);
        const overlapping = externals.filter((e) => e.start < hi + timeout && e.end > lo - timeout);
        const local = hourlyTotals(window, { timeoutSeconds: timeout, zone: ZONE, fromHour: from, toHour: to, externals: overlapping });
        for (const h of new Set([...full.keys(), ...local.keys()])) {
          for (const d of new Set([...(full.get(h)?.keys() ?? []), ...(local.get(h)?.keys() ?? [])])) {
            expect(local.get(h)?.get(d)?.total ?? 0).toBeCloseTo(full.get(h)?.get(d)?.total ?? 0, 6);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('an external span is one duration; overlapping heartbeat time is not counted twice; filters apply to it', () => {
    const heartbeats = [hb(T0, 'alpha'), hb(T0 + 600, 'alpha'), hb(T0 + 1200, 'alpha'), hb(T0 + 1800, 'alpha')];
    const meeting = ext('m', T0 + 900, T0 + 2700, 'sync');
    const list = durations(heartbeats, { timeoutSeconds: 900, externals: [meeting] });
    expect(list.map((d) => [d.time - T0, d.duration, d.project])).toEqual([
      [0, 900, 'alpha'],
      [900, 1800, 'sync'],
    ]);
    const days = dailyTotals(heartbeats, { timeoutSeconds: 900, zone: 'UTC', externals: [meeting] });
    const day = [...days.values()][0]!;
    expect(day.total).toBe(2700);
    expect(day.dims.projects.get('alpha')).toBe(900);
    expect(day.dims.projects.get('sync')).toBe(1800);
    expect(day.dims.categories.get('meeting')).toBe(1800);
    const onlyAlpha = durations(heartbeats, { timeoutSeconds: 900, externals: [meeting], include: (h) => h.project === 'alpha' });
    expect(onlyAlpha.reduce((a, d) => a + d.duration, 0)).toBe(900);
  });
});
