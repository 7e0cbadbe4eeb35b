import { describe, expect, it } from 'vitest';
import { activityLevel, bestDay, currentStreak, longestStreak } from '../../../src/domain/activity.js';
import { datesBetween } from '../../../src/domain/duration.js';

const dates = datesBetween('2024-02-25', '2024-03-05'); // across a leap day
const of = (m: Record<string, number>) => (d: string) => m[d];

describe('activity: streaks, best day, calendar shades', () => {
  it('counts the current streak up to today, or up to yesterday while today has no time yet', () => {
    const active = { '2024-02-28': 10, '2024-02-29': 5, '2024-03-01': 60, '2024-03-02': 1, '2024-03-03': 2, '2024-03-04': 3, '2024-03-05': 4 };
    expect(currentStreak(dates, of(active))).toEqual({ days: 7, start: '2024-02-28', end: '2024-03-05' });
    const { ['2024-03-05']: _today, ...noToday } = active;
    expect(currentStreak(dates, of(noToday))).toEqual({ days: 6, start: '2024-02-28', end: '2024-03-04' });
    // neither today nor yesterday: no streak
    const { ['2024-03-04']: _y, ...broken } = noToday;
    expect(currentStreak(dates, of(broken))).toEqual({ days: 0, start: null, end: null });
    expect(currentStreak([], of({}))).toEqual({ days: 0, start: null, end: null });
    // every day active: the whole range
    expect(currentStreak(dates, () => 1).days).toBe(dates.length);
  });

  it('finds the longest streak (the earliest of equal ones), ignoring zero, negative and non-finite seconds', () => {
    const m = { '2024-02-25': 1, '2024-02-26': 1, '2024-02-28': 1, '2024-02-29': 1, '2024-03-02': 0, '2024-03-03': Number.NaN, '2024-03-04': -5 };
    expect(longestStreak(dates, of(m))).toEqual({ days: 2, start: '2024-02-25', end: '2024-02-26' });
    expect(longestStreak(dates, of({}))).toEqual({ days: 0, start: null, end: null });
    expect(longestStreak(dates, of({ '2024-03-01': 9, '2024-03-02': 9, '2024-03-03': 9 }))).toEqual({ days: 3, start: '2024-03-01', end: '2024-03-03' });
  });

  it('picks the best day, the earliest of equal ones', () => {
    expect(bestDay(dates, of({ '2024-02-26': 100, '2024-03-01': 300, '2024-03-04': 300 }))).toEqual({ date: '2024-03-01', total_seconds: 300 });
    expect(bestDay(dates, of({ '2024-02-26': 0 }))).toBeNull();
  });

  it('shades days in quarters of the busiest day', () => {
    expect(activityLevel(0, 100)).toBe(0);
    expect(activityLevel(1, 100)).toBe(1);
    expect(activityLevel(25, 100)).toBe(1);
    expect(activityLevel(26, 100)).toBe(2);
    expect(activityLevel(75, 100)).toBe(3);
    expect(activityLevel(100, 100)).toBe(4);
    expect(activityLevel(500, 100)).toBe(4);
    expect(activityLevel(10, 0)).toBe(0);
    expect(activityLevel(Number.POSITIVE_INFINITY, 100)).toBe(0);
  });
});
