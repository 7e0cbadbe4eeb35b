import { describe, expect, it } from 'vitest';
import { GROUPED_NAME, topWithOther } from '../../../src/domain/breakdown.js';
import { activitySvg, badgeSvg, breakdownSvg, textWidth, truncate, xmlText } from '../../../src/domain/svg.js';
import { generateShareToken, hashShareToken, looksLikeShareToken } from '../../../src/domain/share-link.js';

describe('breakdowns: top N and one grouped slice', () => {
  it('keeps the top N by time and groups the rest with its percentage', () => {
    const items = [
      { name: 'b', total_seconds: 10 },
      { name: 'a', total_seconds: 10 },
      { name: 'c', total_seconds: 50 },
      { name: 'd', total_seconds: 30 },
      { name: 'zero', total_seconds: 0 },
      { name: 'nan', total_seconds: Number.NaN },
    ];
    expect(topWithOther(items, 2)).toEqual([
      { name: 'c', total_seconds: 50, percent: 50, grouped: false },
      { name: 'd', total_seconds: 30, percent: 30, grouped: false },
      { name: GROUPED_NAME, total_seconds: 20, percent: 20, grouped: true },
    ]);
    // ties by name; nothing left over: no group
    expect(topWithOther(items, 10).map((s) => s.name)).toEqual(['c', 'd', 'a', 'b']);
    expect(topWithOther([], 5)).toEqual([]);
    expect(topWithOther(items, Number.NaN)).toHaveLength(2);
  });
});

describe('SVG pictures', () => {
  it('escapes every text and drops what XML cannot hold', () => {
    expect(xmlText(`<a href="x">&'\u0000\ud800`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const svg = badgeSvg('<script>', 'p"&');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('sizes a badge to its texts', () => {
    const short = badgeSvg('wakatime', '1 min');
    const long = badgeSvg('wakatime', '1234 hrs 59 mins');
    const width = (s: string) => Number(/width="(\d+(\.\d+)?)"/.exec(s)![1]);
    expect(width(long)).toBeGreaterThan(width(short));
    expect(textWidth('mmm')).toBeGreaterThan(textWidth('iii'));
    expect(truncate('abcdef', 4)).toBe('abc…');
  });

  it('draws breakdown rows and activity bars, or says there is nothing', () => {
    const b = breakdownSvg('Languages', 'last 7 days', [
      { name: 'TypeScript', text: '2 hrs', percent: 75 },
      { name: 'Go', text: '40 mins', percent: 25 },
    ]);
    expect(b).toContain('TypeScript');
    expect(b).toContain('75.0%');
    expect(breakdownSvg('Editors', 'x', [])).toContain('No coding activity');
    const a = activitySvg('Activity', 'x', [
      { date: '2024-01-01', total_seconds: 0, text: '0 secs' },
      { date: '2024-01-02', total_seconds: 3600, text: '1 hr' },
    ]);
    expect(a.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill/g)).toHaveLength(2);
    expect(a).toContain('2024-01-02: 1 hr');
  });
});

describe('share tokens', () => {
  it('are random, recognizable, and stored as their hash', () => {
    const a = generateShareToken();
    const b = generateShareToken();
    expect(a.token).not.toBe(b.token);
    expect(looksLikeShareToken(a.token)).toBe(true);
    expect(looksLikeShareToken('msl_short')).toBe(false);
    expect(a.hash).toBe(hashShareToken(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.token.startsWith(a.prefix)).toBe(true);
  });
});
