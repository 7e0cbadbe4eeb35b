/**
 * The hour window of local days (storage/rollups.ts hourWindow): the hour tables are read and
 * re-summed by their primary key within it (migration 033 dropped their by-day indexes), so every
 * piece of a local day, in any zone and with the longest timeout, must come from an hour inside it.
 */
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { dateRuns, hourWindow } from '../../../src/storage/rollups.js';

describe('hourWindow', () => {
  const zones = ['Pacific/Kiritimati', 'Etc/GMT+12', 'Pacific/Pago_Pago', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'UTC', 'Pacific/Apia'];
  it('holds every hour whose heartbeats a local day can draw credit from, in every zone', () => {
    for (const zone of zones) {
      for (const date of ['2024-03-10', '2024-03-31', '2024-10-06', '2011-12-29', '2011-12-31', '2026-01-01']) {
        const start = DateTime.fromISO(date, { zone }).startOf('day');
        if (start.toISODate() !== date) continue; // a skipped day (Apia, 2011-12-30) has no pieces
        const end = start.plus({ days: 1 }).startOf('day').toSeconds();
        const [lo, hi] = hourWindow(date, date);
        // a credit of up to 240 minutes started before midnight reaches into the day
        expect(Math.floor((start.toSeconds() - 240 * 60 + 1) / 3600), `${zone} ${date}`).toBeGreaterThanOrEqual(lo);
        expect(Math.floor((end - 1) / 3600), `${zone} ${date}`).toBeLessThanOrEqual(hi);
      }
    }
  });
  it('spans runs of several days, and stays a few days wide', () => {
    const [lo, hi] = hourWindow('2024-05-01', '2024-05-03');
    expect(hi - lo).toBeLessThan(3 * 24 + 40);
    expect(hourWindow('2024-05-01', '2024-05-01')[0]).toBe(lo);
    expect(hourWindow('2024-05-03', '2024-05-03')[1]).toBe(hi);
  });
});

describe('dateRuns', () => {
  it('groups sorted distinct dates into runs of consecutive days', () => {
    expect(dateRuns(['2024-03-02', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-05', '2024-03-05', '2023-12-31', '2024-01-01'])).toEqual([
      ['2023-12-31', '2024-01-01'],
      ['2024-02-28', '2024-03-02'],
      ['2024-03-05', '2024-03-05'],
    ]);
    expect(dateRuns([])).toEqual([]);
  });
});
