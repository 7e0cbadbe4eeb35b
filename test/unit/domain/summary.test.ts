/** The numbers of summaries, stats and insights, computed once in domain/summary.ts. */
import { describe, expect, it } from 'vitest';
import { EVERYTHING, NOTHING } from '../../../src/domain/access.js';
import { emptyDay } from '../../../src/domain/duration.js';
import { bestDay, dailyAverage, dailyAverageInsight, rangeNumbers, statsTotals, weekdayOf, weekdayTotals } from '../../../src/domain/summary.js';

const totals = (m: Record<string, number>) => (d: string) => m[d] ?? 0;

describe('bestDay', () => {
  it('is the day with the most time, the earliest of a tie, null without time', () => {
    const dates = ['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04'];
    expect(bestDay(dates, totals({ '2024-05-02': 100, '2024-05-03': 300, '2024-05-04': 300 }))).toEqual({ date: '2024-05-03', seconds: 300 });
    expect(bestDay(dates, totals({}))).toBeNull();
    expect(bestDay([], totals({ '2024-05-01': 5 }))).toBeNull();
    // only the dates of the range count
    expect(bestDay(['2024-05-01'], totals({ '2024-05-01': 1, '2024-05-09': 999 }))).toEqual({ date: '2024-05-01', seconds: 1 });
  });
});

describe('dailyAverage', () => {
  it('averages over days with activity; the rest are holidays; Other only in the *_including_* fields', () => {
    const a = dailyAverage([0, 600, 0, 1200], 300);
    expect(a).toEqual({
      holidays: 2,
      days_including_holidays: 4,
      days_minus_holidays: 2,
      seconds: 750,
      text: '12 mins',
      seconds_including_other_language: 900,
      text_including_other_language: '15 mins',
    });
  });
  it('is zero, not NaN, without activity', () => {
    expect(dailyAverage([0, 0], 0)).toMatchObject({ seconds: 0, seconds_including_other_language: 0, holidays: 2, days_minus_holidays: 0 });
    expect(dailyAverage([], 0)).toMatchObject({ seconds: 0, days_including_holidays: 0 });
  });
});

describe('statsTotals', () => {
  const sum = emptyDay();
  sum.total = 1300;
  sum.dims.languages.set('Go', 900).set('Rust', 300).set('Other', 100);
  const dates = ['2024-05-01', '2024-05-02', '2024-05-03'];
  const n = rangeNumbers(dates, totals({ '2024-05-01': 1000, '2024-05-03': 300 }), sum);

  it('excludes Other from the headline total and average, and names the best day', () => {
    expect(statsTotals(n, EVERYTHING)).toEqual({
      total_seconds: 1200,
      total_seconds_including_other_language: 1300,
      human_readable_total: '20 mins',
      human_readable_total_including_other_language: '21 mins',
      daily_average: 600,
      daily_average_including_other_language: 650,
      human_readable_daily_average: '10 mins',
      human_readable_daily_average_including_other_language: '10 mins',
      best_day: { date: '2024-05-01', text: '16 mins', total_seconds: 1000 },
      holidays: 1,
      days_including_holidays: 3,
      days_minus_holidays: 2,
    });
    expect(dailyAverageInsight(n)).toMatchObject({ daily_average: 600, daily_average_including_other_language: 650, holidays: 1 });
  });

  it('blanks time and the best day for a viewer who may not see them, keeping the day counts', () => {
    const hidden = statsTotals(n, NOTHING);
    expect(hidden.total_seconds).toBeNull();
    expect(hidden.human_readable_daily_average).toBeNull();
    expect(hidden.best_day).toBeNull();
    expect(hidden.days_including_holidays).toBe(3);
    // read_stats.best_day alone: the best day, no totals
    const bestOnly = statsTotals(n, { ...NOTHING, best_day: true });
    expect(bestOnly.best_day).toEqual({ date: '2024-05-01', text: '16 mins', total_seconds: 1000 });
    expect(bestOnly.total_seconds).toBeNull();
  });
});

describe('weekdayTotals', () => {
  it('sums and averages per weekday, Monday first', () => {
    // 2024-05-06 is a Monday
    expect(weekdayOf('2024-05-06')).toBe(0);
    expect(weekdayOf('2024-05-12')).toBe(6);
    const w = weekdayTotals(['2024-05-06', '2024-05-07', '2024-05-13'], totals({ '2024-05-06': 600, '2024-05-13': 1200 }));
    expect(w[0]).toEqual({ name: 'Monday', total_seconds: 1800, text: '30 mins', days: 2, average: 900, human_readable_average: '15 mins' });
    expect(w[1]).toMatchObject({ name: 'Tuesday', total_seconds: 0, days: 1, average: 0 });
    expect(w[6]).toMatchObject({ name: 'Sunday', days: 0, average: 0 });
  });
});
