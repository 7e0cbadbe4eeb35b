/** localDate remembers each zone's current day: its answers must equal Luxon's at every instant. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { localDate } from '../../../src/domain/calendar.js';

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kolkata', 'America/Sao_Paulo'];

describe('localDate', () => {
  it('equals Luxon for instants around DST changes, asked in any order', () => {
    // a walk of instants across 2024's DST changes, moving back and forth by up to two days
    const start = Date.UTC(2024, 2, 29) / 1000;
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.array(fc.integer({ min: -2 * 86400, max: 2 * 86400 }), { minLength: 1, maxLength: 60 }), (zone, steps) => {
        let t = start;
        for (const step of steps) {
          t += step;
          expect(localDate(zone, t)).toBe(DateTime.fromSeconds(t, { zone }).toISODate());
        }
      }),
      { seed: 20261130, numRuns: 300 },
    );
  });

  it('turns at local midnight, not a second early or late (a 23-hour day)', () => {
    const midnight = DateTime.fromISO('2024-04-01', { zone: 'Europe/Berlin' }).toSeconds();
    expect(localDate('Europe/Berlin', midnight - 1)).toBe('2024-03-31');
    expect(localDate('Europe/Berlin', midnight)).toBe('2024-04-01');
    expect(localDate('Europe/Berlin', midnight - 23 * 3600)).toBe('2024-03-31');
    expect(localDate('Europe/Berlin', midnight - 23 * 3600 - 1)).toBe('2024-03-30');
  });
});
