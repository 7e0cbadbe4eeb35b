/** datesBetween and weekdayOf step calendar dates with plain UTC arithmetic: the same as Luxon's. */
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { datesBetween } from '../../../src/domain/duration.js';
import { weekdayOf } from '../../../src/domain/summary.js';

describe('calendar dates without Luxon per date', () => {
  it('datesBetween lists the dates Luxon steps through, leap days included', () => {
    const dates = datesBetween('1999-12-25', '2032-03-05');
    const start = DateTime.fromISO('1999-12-25', { zone: 'UTC' });
    expect(dates.length).toBe(Math.round(DateTime.fromISO('2032-03-05', { zone: 'UTC' }).diff(start, 'days').days) + 1);
    dates.forEach((d, i) => i % 97 === 0 && expect(d).toBe(start.plus({ days: i }).toISODate()));
    expect(dates).toContain('2024-02-29');
    expect(dates).not.toContain('2023-02-29');
    expect(dates[dates.length - 1]).toBe('2032-03-05');
  });
  it('weekdayOf is Luxon weekday − 1 (Monday 0), and NaN for what is not a date', () => {
    for (const d of datesBetween('2023-12-20', '2024-03-10')) expect(weekdayOf(d), d).toBe(DateTime.fromISO(d, { zone: 'UTC' }).weekday - 1);
    expect(weekdayOf('2024-02-30')).toBeNaN();
    expect(weekdayOf('nope')).toBeNaN();
  });
});
