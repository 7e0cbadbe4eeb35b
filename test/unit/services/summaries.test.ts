/**
 * SummaryService's kept days, on stub stats and time services: which days are computed again, and
 * that its budget counts exactly the days it holds when requests for the same key race.
 */
import { expect, it } from 'vitest';
import { emptyDay, type DayTotals } from '../../../src/domain/duration.js';
import { SummaryService } from '../../../src/services/summaries.js';
import type { StatsService } from '../../../src/services/stats.js';
import type { TimeService } from '../../../src/services/time.js';
import type { UserRow } from '../../../src/storage/users.js';

const user = { id: 7, timezone: 'UTC', keystroke_timeout: 15, writes_only: 0 } as unknown as UserRow;
const settings = { zone: 'UTC', timeoutSeconds: 900, writesOnly: false };
const NOW = Date.UTC(2024, 5, 1) / 1000;

/** Stubs: every day has `seconds` of project p; versions as given; each answer waits a turn. */
function service(versions: Map<string, number>, maxChars?: number) {
  const asked: { first: string; last: string }[] = [];
  const stats = {
    machineIds: async () => new Map<string, string>(),
    answer: async (q: { range: { first: string; last: string } }) => {
      asked.push(q.range);
      await new Promise((r) => setImmediate(r));
      const days = new Map<string, DayTotals>();
      for (let t = Date.parse(q.range.first); t <= Date.parse(q.range.last); t += 86_400_000) {
        const date = new Date(t).toISOString().slice(0, 10);
        const day = emptyDay();
        day.total = 60 * (versions.get(date) ?? 0);
        day.dims.projects.set('p', day.total);
        days.set(date, day);
      }
      return { days, upToDate: true, percent: 100 };
    },
  } as unknown as StatsService;
  const time = { dayVersions: async () => new Map(versions) } as unknown as TimeService;
  return { s: new SummaryService(stats, time, maxChars), asked };
}

const ask = (s: SummaryService, first: string, last: string, project?: string) =>
  s.summaries({ user, viewer: { kind: 'owner', scopes: 'all' }, filters: project ? { projects: [project] } : {}, settings, first, last, now: NOW });

it('computes only the days whose version moved, as runs of dates', async () => {
  const versions = new Map(['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04', '2024-05-05'].map((d) => [d, 1]));
  const { s, asked } = service(versions);
  const first = await ask(s, '2024-05-01', '2024-05-05');
  expect(asked).toEqual([{ first: '2024-05-01', last: '2024-05-05' }]);
  expect(JSON.parse(first.json).cumulative_total.seconds).toBe(300);
  asked.length = 0;
  expect((await ask(s, '2024-05-01', '2024-05-05')).json).toBe(first.json);
  expect(asked).toEqual([]);
  versions.set('2024-05-02', 2);
  versions.set('2024-05-04', 3);
  const second = JSON.parse((await ask(s, '2024-05-01', '2024-05-05')).json);
  expect(asked).toEqual([
    { first: '2024-05-02', last: '2024-05-02' },
    { first: '2024-05-04', last: '2024-05-04' },
  ]);
  expect(second.data.map((d: { grand_total: { total_seconds: number } }) => d.grand_total.total_seconds)).toEqual([60, 120, 60, 180, 60]);
  expect(second.cumulative_total.seconds).toBe(480);
});

it('counts exactly the days it holds, and stays within its budget, when requests for the same keys race', async () => {
  const versions = new Map(Array.from({ length: 30 }, (_, i) => [`2024-04-${String(i + 1).padStart(2, '0')}`, 1]));
  const { s } = service(versions, 40_000);
  for (let round = 0; round < 3; round++) {
    await Promise.all(['a', 'b', 'c', 'a', 'b', 'a'].map((p) => ask(s, '2024-04-01', '2024-04-30', p)));
    const kept = s.kept();
    expect(kept.chars).toBe(kept.held);
    expect(kept.chars).toBeLessThanOrEqual(40_000);
    expect(kept.entries).toBeGreaterThan(0);
  }
});
