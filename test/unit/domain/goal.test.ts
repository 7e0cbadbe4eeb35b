/** Goal rules (domain/goal.ts) against hand-computed cases. */
import { describe, expect, it } from 'vitest';
import { goalProgress, goalTitle, periodOf, goalPeriods, summarizeStatuses, type GoalRules } from '../../../src/domain/goal.js';

const H = 3600;
const utc = (s: string) => Date.parse(s) / 1000;
const rules = (over: Partial<GoalRules>): GoalRules => ({
  seconds: 2 * H, delta: 'day', improveByPercent: null, isInverse: false, ignoreDays: [], ignoreZeroDays: false,
  languages: [], projects: [], editors: [], categories: [], createdAt: utc('2024-01-01T00:00:00Z'), ...over,
});
const perDate = (m: Record<string, number>) => (d: string) => m[d] ?? 0;

describe('goal periods', () => {
  it('weeks run Monday to Sunday; a DST week is 167 hours and keeps local midnights', () => {
    const p = periodOf('2024-03-27', 'week', 'Europe/Berlin');
    expect(p).toMatchObject({ first: '2024-03-25', last: '2024-03-31' });
    expect(new Date(p.start * 1000).toISOString()).toBe('2024-03-24T23:00:00.000Z');
    expect(new Date(p.end * 1000).toISOString()).toBe('2024-03-31T22:00:00.000Z');
    expect((p.end - p.start) / H).toBe(167);
    // the autumn change: 169 hours
    const q = periodOf('2024-10-27', 'week', 'Europe/Berlin');
    expect((q.end - q.start) / H).toBe(169);
  });
  it('lists the last seven periods, oldest first', () => {
    expect(goalPeriods('day', 'UTC', '2024-03-03').map((p) => p.first)).toEqual(['2024-02-26', '2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02', '2024-03-03']);
    expect(goalPeriods('week', 'UTC', '2024-03-03').map((p) => p.first)).toEqual(['2024-01-15', '2024-01-22', '2024-01-29', '2024-02-05', '2024-02-12', '2024-02-19', '2024-02-26']);
  });
});

describe('goal progress', () => {
  it('improve_by_percent compounds per week after the week of creation (hand-computed)', () => {
    // created Wed 2024-01-03 (week of Jan 1), 1 hr per week +10 % each week; now Wed 2024-02-14
    const g = rules({ seconds: H, delta: 'week', improveByPercent: 10, createdAt: utc('2024-01-03T12:00:00Z') });
    const p = goalProgress(g, 'UTC', utc('2024-02-14T12:00:00Z'), perDate({ '2024-01-02': 3600, '2024-01-09': 3959, '2024-01-16': 4356, '2024-02-13': 7000 }));
    expect(p.chart_data.map((c) => c.goal_seconds)).toEqual([3600, 3960, 4356, 4792, 5271, 5798, 6378]);
    expect(p.chart_data.map((c) => c.range_status)).toEqual(['success', 'fail', 'success', 'fail', 'fail', 'fail', 'success']);
    expect(p.chart_data[0]!.range).toEqual({ start: '2024-01-01T00:00:00Z', end: '2024-01-07T23:59:59Z', text: 'Jan 1 – Jan 7', timezone: 'UTC' });
    expect(p.chart_data[5]!.range.text).toBe('Last Week');
    expect(p.chart_data[6]!.range.text).toBe('This Week');
    expect(p.range_text).toBe('from 2024-01-01 until 2024-02-18');
    expect(p.status).toBe('success');
    expect(p.average_status).toBe('fail');
    // decided periods: actual 3600+3959+4356+0+0+0+7000 = 18915 < goals 33535
    expect(p.cumulative_status).toBe('fail');
    expect(p.chart_data[1]!.range_status_reason).toBe('coded 1 hr 5 mins which is 1 sec less than your weekly goal');
  });

  it('improvement never exceeds the period, even after years', () => {
    const g = rules({ seconds: H, improveByPercent: 100, createdAt: utc('2020-01-01T00:00:00Z') });
    const p = goalProgress(g, 'UTC', utc('2024-01-10T12:00:00Z'), () => 0);
    expect(p.chart_data.every((c) => c.goal_seconds === 24 * H)).toBe(true);
  });

  it('ignore_days: the weekend is ignored unless reached, a weekday without coding fails; today is pending until reached', () => {
    // now: Tue 2024-03-05 15:00 UTC; periods Wed 2024-02-28 … Tue 2024-03-05
    const g = rules({ seconds: H, ignoreDays: ['saturday', 'sunday'] });
    const p = goalProgress(g, 'UTC', utc('2024-03-05T15:00:00Z'), perDate({ '2024-02-28': 2 * H, '2024-02-29': 1800, '2024-03-02': 5 * H, '2024-03-04': H, '2024-03-05': 1200 }));
    expect(p.chart_data.map((c) => [c.range.date, c.range_status])).toEqual([
      ['2024-02-28', 'success'],
      ['2024-02-29', 'fail'],
      ['2024-03-01', 'fail'],
      ['2024-03-02', 'success'], // an ignored weekday that reached the goal is still a success
      ['2024-03-03', 'ignored'],
      ['2024-03-04', 'success'],
      ['2024-03-05', 'pending'],
    ]);
    expect(p.chart_data[0]!.range_status_reason).toBe('coded 2 hrs which is 1 hr more than your daily goal');
    expect(p.chart_data[0]!.range_status_reason_short).toBe('2h (1h more than goal)');
    expect(p.chart_data[1]!.range_status_reason).toBe('coded 30 mins which is 30 mins less than your daily goal');
    expect(p.chart_data[4]!.range_status_reason).toBe('Sunday is an ignored day for this goal');
    expect(p.chart_data[6]!.range_status_reason).toBe('coded 20 mins so far, 40 mins more to reach your daily goal');
    expect(p.chart_data[6]!.range.text).toBe('Today');
    expect(p.chart_data[5]!.range.text).toBe('Yesterday');
    expect(p.chart_data[0]!.range.text).toBe('Wed Feb 28');
    expect(p.status).toBe('pending');
    expect(p.average_status).toBe('success'); // 3 success, 2 fail
    // decided: actual 2h + 30m + 0 + 5h + 1h = 8.5h vs 5 × 1h
    expect(p.cumulative_status).toBe('success');
  });

  it('ignore_zero_days ignores ended days without activity only', () => {
    const g = rules({ seconds: H, ignoreZeroDays: true });
    const p = goalProgress(g, 'UTC', utc('2024-03-05T15:00:00Z'), perDate({ '2024-03-04': 60 }));
    expect(p.chart_data.slice(0, 5).every((c) => c.range_status === 'ignored')).toBe(true);
    expect(p.chart_data[5]!.range_status).toBe('fail');
    expect(p.chart_data[6]!.range_status).toBe('pending');
  });

  it('inverse goals: over the limit fails at once, within it succeeds when the day ends', () => {
    const g = rules({ seconds: 2 * H, isInverse: true });
    const now = utc('2024-03-05T15:00:00Z');
    const p = goalProgress(g, 'UTC', now, perDate({ '2024-03-03': 3 * H, '2024-03-04': H, '2024-03-05': H }));
    expect(p.chart_data.map((c) => c.range_status)).toEqual(['success', 'success', 'success', 'success', 'fail', 'success', 'pending']);
    expect(p.chart_data[4]!.range_status_reason).toBe('coded 3 hrs which is 1 hr more than your daily limit');
    const over = goalProgress(g, 'UTC', now, perDate({ '2024-03-05': 2.5 * H }));
    expect(over.status).toBe('fail');
    expect(over.cumulative_status).toBe('success'); // six empty days within the limit, then 2.5 h over: 2.5 h ≤ 14 h
  });

  it('a day goal in a DST week: days are local, the spring-forward day is 23 hours', () => {
    const g = rules({ seconds: H });
    const p = goalProgress(g, 'Europe/Berlin', utc('2024-04-01T10:00:00Z'), perDate({ '2024-03-31': H }));
    const sunday = p.chart_data.find((c) => c.range.date === '2024-03-31')!;
    expect(sunday.range).toMatchObject({ start: '2024-03-30T23:00:00Z', end: '2024-03-31T21:59:59Z', timezone: 'Europe/Berlin', text: 'Yesterday' });
    expect(sunday.range_status).toBe('success');
    const weekly = goalProgress(rules({ seconds: 5 * H, delta: 'week' }), 'Europe/Berlin', utc('2024-04-01T10:00:00Z'), perDate({ '2024-03-25': 3 * H, '2024-03-31': 2 * H }));
    const dstWeek = weekly.chart_data[5]!;
    expect(dstWeek.range).toEqual({ start: '2024-03-24T23:00:00Z', end: '2024-03-31T21:59:59Z', text: 'Last Week', timezone: 'Europe/Berlin' });
    expect(dstWeek.actual_seconds).toBe(5 * H);
    expect(dstWeek.range_status).toBe('success');
  });
});

describe('goal titles and statuses', () => {
  it('titles like WakaTime', () => {
    expect(goalTitle(rules({ seconds: 2 * H, languages: ['Python'] }))).toBe('Code 2 hrs per day in Python');
    expect(goalTitle(rules({ seconds: H, editors: ['VS Code'] }))).toBe('Code 1 hr per day using VS Code');
    expect(goalTitle(rules({ seconds: 10 * H, delta: 'week', isInverse: true, projects: ['metronome'] }))).toBe('Code less than 10 hrs per week on metronome');
    expect(goalTitle(rules({ seconds: 1800, languages: ['Go', 'Rust', 'C'] }))).toBe('Code 30 mins per day in Go, Rust or C');
  });
  it('summarizes: nothing decided is ignored', () => {
    expect(summarizeStatuses({ isInverse: false }, [{ range_status: 'ignored', actual_seconds: 0, goal_seconds: 60 }, { range_status: 'pending', actual_seconds: 0, goal_seconds: 60 }])).toEqual({ status: 'pending', average_status: 'success', cumulative_status: 'ignored' });
  });
});
