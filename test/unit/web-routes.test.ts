/** The web app's route table (web/src/routes.tsx) and query helpers (web/src/data.ts): pure parts. */
import { describe, expect, it } from 'vitest';
import { matchRoute, pathFor, ROUTES, type RouteDef } from '../../web/src/routes.js';
import { withParams } from '../../web/src/data.js';

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
});
