/** The web app's route table (web/src/routes.tsx) and query helpers (web/src/data.ts): pure parts. */
import { describe, expect, it } from 'vitest';
import { matchRoute, pathFor, ROUTES, type RouteDef } from '../../web/src/routes.js';
import { withParams } from '../../web/src/data.js';
import { pathTail } from '../../web/src/charts/Breakdown.js';
import { stackSeries } from '../../web/src/charts/StackedBars.js';

const fake = (path: string) => ({ path, title: path, access: 'any', page: null }) as unknown as RouteDef;

describe('web routes', () => {
  it('declares every path once, with a title', () => {
    const paths = ROUTES.map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const r of ROUTES) expect(r.title.length).toBeGreaterThan(0);
    expect(matchRoute('/')?.route.path).toBe('/');
    expect(matchRoute('/settings/api-keys')?.route.title).toBe('API keys');
    expect(matchRoute('/no/such/page')).toBeNull();
  });

  it('matches :params as one decoded segment, prefixes included', () => {
    const routes = [fake('/projects/:name'), fake('/@:username'), fake('/a.b')];
    expect(matchRoute('/projects/my%20app', routes)?.params).toEqual({ name: 'my app' });
    expect(matchRoute('/projects/a/b', routes)).toBeNull();
    expect(matchRoute('/@alice', routes)?.params).toEqual({ username: 'alice' });
    expect(matchRoute('/@', routes)).toBeNull();
    // a literal dot is not a wildcard
    expect(matchRoute('/aXb', routes)).toBeNull();
    // a broken escape never throws: no match
    expect(matchRoute('/projects/%E0%A4%A', routes)).toBeNull();
    expect(pathFor('/projects/:name', { name: 'a/b c' })).toBe('/projects/a%2Fb%20c');
  });

  it('builds query strings with sorted keys, leaving out empty values', () => {
    expect(withParams('/x', { b: 2, a: 'y z', c: undefined, d: null, e: '' })).toBe('/x?a=y+z&b=2');
    expect(withParams('/x', {})).toBe('/x');
  });

  it('shortens file paths to their last two parts', () => {
    expect(pathTail('/home/me/src/app/main.ts')).toBe('…/app/main.ts');
    expect(pathTail('C:\\code\\x\\y.go')).toBe('…/x/y.go');
    expect(pathTail('main.ts')).toBe('main.ts');
  });

  it('stacks the top names per day and groups the rest', () => {
    const days = [
      { date: '2024-01-01', items: [{ name: 'a', total_seconds: 30 }, { name: 'b', total_seconds: 20 }, { name: 'c', total_seconds: 5 }] },
      { date: '2024-01-02', items: [{ name: 'c', total_seconds: 1 }] },
      { date: '2024-01-03', items: null },
    ];
    const { labels, series } = stackSeries(days, 2);
    expect(labels).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    expect(series).toEqual([
      { name: 'a', values: [30, 0, 0], grouped: false },
      { name: 'b', values: [20, 0, 0], grouped: false },
      { name: 'Other (grouped)', values: [5, 1, 0], grouped: true },
    ]);
  });
});
