/** domain/leaders.ts: ranking, pages, the aggregate's spread and country codes. */
import { describe, expect, it } from 'vitest';
import { aggregate, countryCode, dailyAverageOf, pageOf, publicLanguages, rank, spread, totalPages } from '../../../src/domain/leaders.js';

describe('leaders rules', () => {
  it('ranks by seconds, ties by user id, places never shared', () => {
    const ranked = rank([
      { userId: 3, seconds: 100 },
      { userId: 1, seconds: 100 },
      { userId: 2, seconds: 500 },
      { userId: 4, seconds: 0 },
    ]);
    expect(ranked.map((r) => [r.rank, r.entry.userId])).toEqual([
      [1, 2],
      [2, 1],
      [3, 3],
      [4, 4],
    ]);
  });

  it('pages of 100', () => {
    expect([pageOf(1), pageOf(100), pageOf(101), pageOf(250)]).toEqual([1, 1, 2, 3]);
    expect([totalPages(0), totalPages(100), totalPages(101)]).toEqual([1, 1, 2]);
  });

  it('languages without Other, most first; daily average over active days', () => {
    expect(publicLanguages(new Map([['Other', 50], ['Go', 10], ['Rust', 30], ['C', 0]]))).toEqual({ total: 40, list: [['Rust', 30], ['Go', 10]] });
    expect(dailyAverageOf(700, 2)).toBe(350);
    expect(dailyAverageOf(0, 0)).toBe(0);
  });

  it('spread: sum, average, median (even and odd counts), max, count', () => {
    expect(spread([])).toEqual({ sum: 0, average: 0, median: 0, max: 0, count: 0 });
    expect(spread([3, 1, 2])).toEqual({ sum: 6, average: 2, median: 2, max: 3, count: 3 });
    expect(spread([4, 1, 2, 10])).toEqual({ sum: 17, average: 4.25, median: 3, max: 10, count: 4 });
  });

  it("aggregates only users with time; a dimension only from users who share it; daily average max is the top user's", () => {
    const agg = aggregate([
      { userId: 1, total: 1000, dailyAverage: 100, dims: { languages: new Map([['Go', 1000]]) } },
      { userId: 2, total: 3000, dailyAverage: 600, dims: { languages: new Map([['Go', 1000], ['Rust', 2000]]), editors: new Map([['Vim', 3000]]) } },
      { userId: 3, total: 500, dailyAverage: 2000, dims: {} },
      { userId: 4, total: 0, dailyAverage: 0, dims: { languages: new Map([['Go', 0]]) } },
    ]);
    expect(agg.total).toEqual({ sum: 4500, average: 1500, median: 1000, max: 3000, count: 3 });
    expect(agg.daily_average.max).toBe(600);
    expect(agg.daily_average.count).toBe(3);
    expect(agg.dims.languages.map((l) => [l.name, l.sum, l.count])).toEqual([
      ['Go', 2000, 2],
      ['Rust', 2000, 1],
    ]);
    expect(agg.dims.editors).toEqual([{ name: 'Vim', sum: 3000, average: 3000, median: 3000, max: 3000, count: 1 }]);
    expect(agg.dims.operating_systems).toEqual([]);
  });

  it('country codes: two letters, upper case', () => {
    expect([countryCode('de'), countryCode(' US '), countryCode('Germany'), countryCode(''), countryCode(null), countryCode('D1')]).toEqual(['DE', 'US', null, null, null, null]);
  });
});
