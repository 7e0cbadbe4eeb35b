/**
 * The incremental rollups keep partial totals per UTC hour of the heartbeats' time; a local day is
 * the sum of its hours' pieces. Property: that sum equals dailyTotals of the day, to the second,
 * whatever the zone (half-hour offsets, DST) and timeout.
 */
import { expect, it } from 'vitest';
import fc from 'fast-check';
import { dailyTotals, emptyDay, hourlyTotals, ROLLUP_DIMENSIONS, type DayTotals } from '../../../src/domain/duration.js';
import type { ActivityHeartbeat } from '../../../src/domain/heartbeat.js';

const hb = (time: number, project: string, language: string): ActivityHeartbeat => ({
  time, entity: 'f', type: 'file', category: 'coding', project, branch: null, language, dependencies: [language.toLowerCase()],
  editor: null, operating_system: null, machine: null, is_write: true,
});

it('the hours of a day sum to the day', () => {
  const base = Date.UTC(2024, 2, 28) / 1000; // spans the European DST change
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 4 * 86400 }), fc.constantFrom('a', 'b'), fc.constantFrom('Go', 'Rust')), { minLength: 1, maxLength: 200 }),
      fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu'),
      fc.constantFrom(60, 900, 3600, 14400),
      (raw, zone, timeoutSeconds) => {
        const list = raw.map(([o, p, l]) => hb(base + o, p, l)).sort((x, y) => x.time - y.time);
        const days = dailyTotals(list, { timeoutSeconds, zone, dimensions: ROLLUP_DIMENSIONS });
        const hours = hourlyTotals(list, { timeoutSeconds, zone, fromHour: Math.floor(base / 3600) - 1, toHour: Math.floor(base / 3600) + 4 * 24 + 1, dimensions: ROLLUP_DIMENSIONS });
        const summed = new Map<string, DayTotals>();
        for (const byDay of hours.values()) {
          for (const [date, part] of byDay) {
            const d = summed.get(date) ?? emptyDay();
            d.total += part.total;
            for (const dim of ROLLUP_DIMENSIONS) for (const [n, s] of part.dims[dim]) d.dims[dim].set(n, (d.dims[dim].get(n) ?? 0) + s);
            summed.set(date, d);
          }
        }
        expect([...summed.keys()].sort()).toEqual([...days.keys()].sort());
        for (const [date, day] of days) {
          const s = summed.get(date)!;
          expect(s.total).toBeCloseTo(day.total, 6);
          for (const dim of ROLLUP_DIMENSIONS) for (const [n, v] of day.dims[dim]) expect(s.dims[dim].get(n)).toBeCloseTo(v, 6);
        }
      },
    ),
    { numRuns: 200 },
  );
});
