/** Every loop over time ends by construction (issue 13 item 1): pure functions refuse unbounded spans. */
import { describe, expect, it } from 'vitest';
import { DayCursor, datesBetween, MAX_DATES, splitByDay } from '../../../src/domain/duration.js';
import { parseDateParam } from '../../../src/domain/calendar.js';
import { daysBetweenInclusive, statsRange } from '../../../src/domain/ranges.js';

describe('bounded loops over time', () => {
  it('splitByDay refuses a non-finite span instead of looping forever', () => {
    const emit = () => {};
    expect(() => splitByDay(new DayCursor('UTC'), 0, Infinity, emit)).toThrow(RangeError);
    expect(() => splitByDay(new DayCursor('UTC'), NaN, 60, emit)).toThrow(RangeError);
    expect(() => splitByDay(new DayCursor('UTC'), -Infinity, 60, emit)).toThrow(RangeError);
  });

  it('splitByDay still splits across midnight and DST days exactly', () => {
    const pieces: [string, number][] = [];
    const from = Date.UTC(2024, 2, 30, 23, 0) / 1000; // Europe/Berlin: 00:00 local on Mar 31 (a 23-hour day)
    splitByDay(new DayCursor('Europe/Berlin'), from - 1800, 2 * 86400, (d, s) => pieces.push([d, s]));
    expect(pieces).toEqual([['2024-03-30', 1800], ['2024-03-31', 23 * 3600], ['2024-04-01', 24 * 3600], ['2024-04-02', 1800]]);
    expect(pieces.reduce((a, p) => a + p[1], 0)).toBe(2 * 86400);
  });

  it('datesBetween and daysBetweenInclusive refuse spans too long or not dates', () => {
    expect(datesBetween('2024-02-27', '2024-03-01')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    expect(datesBetween('2024-03-02', '2024-03-01')).toEqual([]);
    expect(() => datesBetween('2000-01-01', '+275760-09-13')).toThrow(RangeError);
    expect(() => datesBetween('2000-01-01', 'nope')).toThrow(RangeError);
    expect(datesBetween('2000-01-01', '2040-01-01').length).toBeLessThan(MAX_DATES);
    expect(() => daysBetweenInclusive('x', '2024-01-01')).toThrow(RangeError);
  });

  it('parseDateParam only names dates from 2000-01-01 to a year ahead', () => {
    const now = Date.UTC(2026, 5, 15) / 1000;
    expect(parseDateParam('2000-01-01', 'UTC', now)).toBe('2000-01-01');
    expect(parseDateParam('1999-12-31', 'UTC', now)).toBeNull();
    expect(parseDateParam('2027-06-16', 'UTC', now)).toBe('2027-06-16');
    expect(parseDateParam('2027-06-17', 'UTC', now)).toBeNull();
    expect(parseDateParam('+275760-09-13T00:00:00Z', 'UTC', now)).toBeNull();
    expect(parseDateParam('-271821-04-20T00:00:00Z', 'UTC', now)).toBeNull();
    expect(statsRange('1999', 'UTC', now, '2024-01-01')).toBeNull();
    expect(statsRange('all_time', 'UTC', now, '1970-01-01')!.first).toBe('2000-01-01');
  });
});
