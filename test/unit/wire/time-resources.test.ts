/** The wire mappings of the time resources blank what the viewer may not see, one way (src/wire/). */
import { describe, expect, it } from 'vitest';
import { EVERYTHING, NOTHING } from '../../../src/domain/access.js';
import { emptyDay } from '../../../src/domain/duration.js';
import { rangeNumbers } from '../../../src/domain/summary.js';
import { statsResource, summaryDayResource } from '../../../src/wire/index.js';

const day = emptyDay();
day.total = 600;
day.dims.languages.set('Go', 600);
day.dims.projects.set('alpha', 600);
day.dims.branches.set('main', 600);
day.dims.entities.set('/a.go', 600);
day.dims.machines.set('devbox', 600);

describe('summaryDayResource', () => {
  const base = { date: '2024-05-06', day, zone: 'UTC', dayText: 'Mon May 6th 2024', machineIds: new Map([['devbox', 'm-1']]), withProjectDetail: true };

  it('shows everything to the owner, machines with their public id', () => {
    const d = summaryDayResource({ ...base, visibility: EVERYTHING });
    expect(d.grand_total).toMatchObject({ total_seconds: 600, text: '10 mins' });
    expect(d.languages![0]).toMatchObject({ name: 'Go', total_seconds: 600, percent: 100 });
    expect(d.machines![0]).toMatchObject({ name: 'devbox', machine_name_id: 'm-1' });
    expect(d.branches![0]!.name).toBe('main');
    expect(d.range).toEqual({ date: '2024-05-06', start: '2024-05-06T00:00:00Z', end: '2024-05-06T23:59:59Z', text: 'Mon May 6th 2024', timezone: 'UTC' });
  });

  it('blanks the dimensions not granted; branches and files go with projects', () => {
    const d = summaryDayResource({ ...base, visibility: { ...NOTHING, time: true, languages: true } });
    expect(d.languages).toHaveLength(1);
    for (const k of ['projects', 'editors', 'operating_systems', 'categories', 'dependencies', 'machines', 'branches', 'entities'] as const) expect(d[k], k).toBeNull();
    // without a project filter there are no branches or files at all
    expect(summaryDayResource({ ...base, withProjectDetail: false, visibility: EVERYTHING })).not.toHaveProperty('branches');
  });
});

describe('statsResource', () => {
  it('shows a public viewer the public parts only', () => {
    const sum = emptyDay();
    sum.total = 600;
    sum.dims.languages.set('Go', 600);
    sum.dims.projects.set('alpha', 600);
    const s = statsResource({
      numbers: rangeNumbers(['2024-05-06'], () => 600, sum),
      sum,
      machineIds: new Map(),
      visibility: { ...NOTHING, languages: true },
      envelope: { range: { range: 'last_7_days', human: 'last 7 days', first: '2024-05-06', last: '2024-05-06', isIncludingToday: false }, zone: 'UTC', timeoutSeconds: 900, writesOnly: false, upToDate: true, percent: 100, userId: 'u-1', now: 1715000000 },
      user: { username: 'alice', logged_time_public: 0, languages_used_public: 1, editors_used_public: 0, os_used_public: 0 },
    }).data;
    expect(s.total_seconds).toBeNull();
    expect(s.best_day).toBeNull();
    expect(s.projects).toBeNull();
    expect(s.languages![0]!.name).toBe('Go');
    expect(s).toMatchObject({ is_coding_activity_visible: false, is_other_usage_visible: true, status: 'ok', timeout: 15, username: 'alice', days_minus_holidays: 1 });
  });
});
