/**
 * The hour window of local days (storage/rollups.ts hourWindow): the hour tables are read and
 * re-summed by their primary key within it (migration 033 dropped their by-day indexes), so every
 * piece of a local day, in any zone and with the longest timeout, must come from an hour inside it.
 */
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { dateRuns, hourWindow, monthSplit } from '../../../src/storage/rollups.js';

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

describe('monthSplit', () => {
  it('cuts a range into its whole months and the days at its edges', () => {
    expect(monthSplit('2023-11-15', '2024-03-10')).toEqual({ months: ['2023-12', '2024-02'], edges: [['2023-11-15', '2023-11-30'], ['2024-03-01', '2024-03-10']] });
    expect(monthSplit('2024-01-01', '2024-02-29')).toEqual({ months: ['2024-01', '2024-02'], edges: [] });
    expect(monthSplit('2023-02-01', '2023-02-28')).toEqual({ months: ['2023-02', '2023-02'], edges: [] });
    expect(monthSplit('2024-01-02', '2024-02-28')).toEqual({ months: null, edges: [['2024-01-02', '2024-02-28']] });
    expect(monthSplit('2024-01-31', '2024-03-01')).toEqual({ months: ['2024-02', '2024-02'], edges: [['2024-01-31', '2024-01-31'], ['2024-03-01', '2024-03-01']] });
    expect(monthSplit('2024-12-01', '2025-01-31')).toEqual({ months: ['2024-12', '2025-01'], edges: [] });
  });
  it('covers every day of the range exactly once', () => {
    const day = (s: string) => Date.parse(`${s}T00:00:00Z`) / 86_400_000;
    for (const [first, last] of [['2020-02-29', '2023-07-04'], ['2000-01-01', '2026-12-31'], ['2024-05-05', '2024-05-05'], ['2019-12-31', '2020-01-01']] as const) {
      const { months, edges } = monthSplit(first, last);
      let covered = edges.reduce((n, [a, b]) => n + day(b) - day(a) + 1, 0);
      if (months) {
        for (let m = new Date(`${months[0]}-01T00:00:00Z`); m.toISOString().slice(0, 7) <= months[1]; m.setUTCMonth(m.getUTCMonth() + 1)) {
          const next = new Date(m);
          next.setUTCMonth(next.getUTCMonth() + 1);
          covered += (next.getTime() - m.getTime()) / 86_400_000;
        }
      }
      expect(covered, `${first}..${last}`).toBe(day(last) - day(first) + 1);
    }
  });
  it('falls back to days for what is not a date range', () => {
    expect(monthSplit('2024-13-01', '2024-12-31')).toEqual({ months: null, edges: [['2024-13-01', '2024-12-31']] });
    expect(monthSplit('2024-03-01', '2024-01-01').months).toBeNull();
    expect(monthSplit('2024-01-01', '2024-02-30').months).toBeNull();
    expect(monthSplit("2024-01-01' or 1=1", '2024-12-31').months).toBeNull();
  });
});
