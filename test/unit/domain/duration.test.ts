import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { accountable, credits, dailyTotals, durations, SLICE_BY, sumDays } from '../../../src/domain/duration.js';
import { decimal, digital, humanText, percent, timeFields } from '../../../src/domain/format.js';
import type { ActivityHeartbeat } from '../../../src/domain/heartbeat.js';

const T0 = Date.UTC(2024, 4, 6, 9, 0, 0) / 1000; // a Monday, 09:00 UTC

function hb(time: number, over: Partial<ActivityHeartbeat> = {}): ActivityHeartbeat {
  return {
    time, entity: 'main.go', type: 'file', category: 'coding', project: 'p', branch: 'main', language: 'Go',
    dependencies: [], editor: 'VS Code', operating_system: 'Linux', machine: 'box', is_write: false, ...over,
  };
}
const total = (hs: ActivityHeartbeat[], timeoutMin: number, zone = 'UTC') => sumDays(dailyTotals(hs, { timeoutSeconds: timeoutMin * 60, zone }).values()).total;

describe('time accounting', () => {
  it("matches the spec README's worked check: 3 / 16 / 16 minutes", () => {
    // typing 2 min (a heartbeat each minute), a 13 min break, 1 min of typing
    const hs = [0, 60, 120, 120 + 13 * 60, 120 + 14 * 60].map((s) => hb(T0 + s));
    expect(total(hs, 10)).toBe(3 * 60);
    expect(total(hs, 15)).toBe(16 * 60);
    expect(total(hs, 30)).toBe(16 * 60);
  });

  it('counts a single heartbeat as 0 and nothing before the first or after the last', () => {
    expect(total([hb(T0)], 15)).toBe(0);
    expect(total([], 15)).toBe(0);
    expect(total([hb(T0), hb(T0 + 100)], 15)).toBe(100);
  });

  it('credits a gap to the earlier heartbeat', () => {
    const hs = [hb(T0, { project: 'a', language: 'Go' }), hb(T0 + 300, { project: 'b', language: 'Rust' }), hb(T0 + 400, { project: 'b' })];
    const day = sumDays(dailyTotals(hs, { timeoutSeconds: 900, zone: 'UTC' }).values());
    expect(day.dims.projects.get('a')).toBe(300);
    expect(day.dims.projects.get('b')).toBe(100);
    expect(day.dims.languages.get('Go')).toBe(300);
    expect(day.dims.languages.get('Rust')).toBe(100);
    // a gap exactly at the timeout counts 0
    expect(credits([hb(T0), hb(T0 + 900)], 900)[0]).toBe(0);
  });

  it('splits a gap that crosses local midnight between the two days', () => {
    const midnightBerlin = DateTime.fromISO('2024-05-07T00:00:00', { zone: 'Europe/Berlin' }).toSeconds();
    const hs = [hb(midnightBerlin - 240), hb(midnightBerlin + 360)];
    const days = dailyTotals(hs, { timeoutSeconds: 900, zone: 'Europe/Berlin' });
    expect(days.get('2024-05-06')!.total).toBe(240);
    expect(days.get('2024-05-07')!.total).toBe(360);
    // the same instants in UTC are one day
    expect([...dailyTotals(hs, { timeoutSeconds: 900, zone: 'UTC' }).keys()]).toEqual(['2024-05-06']);
  });

  for (const [zone, springDay, fallDay] of [
    ['Europe/Berlin', '2024-03-31', '2024-10-27'],
    ['America/New_York', '2024-03-10', '2024-11-03'],
  ] as const) {
    it(`knows 23- and 25-hour DST days in ${zone}`, () => {
      for (const [date, hours] of [[springDay, 23], [fallDay, 25]] as const) {
        const start = DateTime.fromISO(date, { zone }).startOf('day').toSeconds();
        // a heartbeat every 10 minutes from 1 h before the day to 1 h after it
        const hs: ActivityHeartbeat[] = [];
        for (let t = start - 3600; t <= start + hours * 3600 + 3600; t += 600) hs.push(hb(t));
        const days = dailyTotals(hs, { timeoutSeconds: 900, zone });
        expect(days.get(date)!.total).toBe(hours * 3600);
      }
    });
  }

  it('with writes_only, counts only the writes', () => {
    const hs = [hb(T0, { is_write: true }), hb(T0 + 60), hb(T0 + 120, { is_write: true }), hb(T0 + 1200, { is_write: true })];
    expect(total(accountable(hs, true), 15)).toBe(120);
    expect(total(accountable(hs, false), 15)).toBe(120 + 0);
    expect(total(accountable(hs, true), 20)).toBe(1200);
  });

  it('counts filtered time on the full stream (project filter)', () => {
    const hs = [hb(T0, { project: 'a' }), hb(T0 + 60, { project: 'b' }), hb(T0 + 120, { project: 'a' }), hb(T0 + 180, { project: 'a' })];
    const onlyA = sumDays(dailyTotals(hs, { timeoutSeconds: 900, zone: 'UTC', include: (h) => h.project === 'a' }).values());
    expect(onlyA.total).toBe(120);
  });
});

describe('durations', () => {
  const hs = [
    hb(T0, { entity: 'a.go', language: 'Go', dependencies: ['x'], editor: 'Vim', category: 'coding', machine: 'm1', operating_system: 'Linux' }),
    hb(T0 + 60, { entity: 'a.go', language: 'Go', dependencies: ['x'], editor: 'Vim', category: 'coding', machine: 'm1', operating_system: 'Linux' }),
    hb(T0 + 120, { entity: 'b.go', language: 'Go', dependencies: ['y'], editor: 'Vim', category: 'debugging', machine: 'm1', operating_system: 'Linux' }),
    hb(T0 + 180, { entity: 'c.rs', language: 'Rust', dependencies: ['y'], editor: 'Zed', category: 'debugging', machine: 'm2', operating_system: 'Mac' }),
    hb(T0 + 3000, { entity: 'c.rs', language: 'Rust', dependencies: ['y'], editor: 'Zed', category: 'debugging', machine: 'm2', operating_system: 'Mac' }),
  ];
  const expected: Record<(typeof SLICE_BY)[number], [number, number][]> = {
    entity: [[T0, 120], [T0 + 120, 60], [T0 + 180, 0], [T0 + 3000, 0]],
    language: [[T0, 180], [T0 + 180, 0], [T0 + 3000, 0]],
    dependencies: [[T0, 120], [T0 + 120, 60], [T0 + 3000, 0]],
    os: [[T0, 180], [T0 + 180, 0], [T0 + 3000, 0]],
    editor: [[T0, 180], [T0 + 180, 0], [T0 + 3000, 0]],
    category: [[T0, 120], [T0 + 120, 60], [T0 + 3000, 0]],
    machine: [[T0, 180], [T0 + 180, 0], [T0 + 3000, 0]],
  };
  for (const by of SLICE_BY) {
    it(`slices by ${by}`, () => {
      const ds = durations(hs, { timeoutSeconds: 900, sliceBy: by });
      expect(ds.map((d) => [d.time, d.duration])).toEqual(expected[by]);
    });
  }

  it('clips to the day and joins across the gap only under the timeout', () => {
    const ds = durations([hb(T0 - 300), hb(T0 + 300), hb(T0 + 600)], { timeoutSeconds: 900, start: T0, end: T0 + 86400 });
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ time: T0, duration: 600 });
  });
});

describe('formatting like WakaTime', () => {
  it('writes text, digital and decimal', () => {
    expect(humanText(2 * 3600 + 5 * 60 + 12)).toBe('2 hrs 5 mins');
    expect(humanText(3600 + 60)).toBe('1 hr 1 min');
    expect(humanText(20)).toBe('20 secs');
    expect(humanText(1)).toBe('1 sec');
    expect(humanText(0)).toBe('0 secs');
    expect(humanText(3600)).toBe('1 hr');
    expect(digital(2 * 3600 + 5 * 60)).toBe('2:05');
    expect(decimal(2 * 3600 + 5 * 60)).toBe('2.08');
    expect(percent(1, 3)).toBe(33.33);
    expect(percent(1, 0)).toBe(0);
    expect(timeFields(3725.5)).toEqual({ total_seconds: 3725.5, digital: '1:02', decimal: '1.03', text: '1 hr 2 mins', hours: 1, minutes: 2, seconds: 5 });
  });
});
