/** Filters of the StatsQuery (domain/stats-query.ts). */
import { describe, expect, it } from 'vitest';
import type { ActivityHeartbeat } from '../../../src/domain/heartbeat.js';
import { filterPredicate, hasFilters, singleNameFilter } from '../../../src/domain/stats-query.js';

const hb = (o: Partial<ActivityHeartbeat>): ActivityHeartbeat =>
  ({ time: 0, entity: '/a', project: null, branch: null, language: null, editor: null, operating_system: null, machine: null, category: 'coding', dependencies: [], is_write: false, ...o }) as ActivityHeartbeat;

describe('filterPredicate', () => {
  it('matches names as summaries show them, any name within a dimension, every dimension', () => {
    expect(filterPredicate({})).toBeUndefined();
    expect(filterPredicate({ projects: [] })).toBeUndefined();
    const p = filterPredicate({ projects: ['alpha'], branches: ['main', 'dev'] })!;
    expect(p(hb({ project: 'alpha', branch: 'dev' }))).toBe(true);
    expect(p(hb({ project: 'alpha', branch: 'other' }))).toBe(false);
    expect(p(hb({ project: 'alpha', branch: null }))).toBe(false);
    expect(p(hb({ project: 'beta', branch: 'main' }))).toBe(false);
    // a heartbeat without a language counts as "Other", without a project as "Unknown Project"
    expect(filterPredicate({ languages: ['Other'] })!(hb({ language: null }))).toBe(true);
    expect(filterPredicate({ projects: ['Unknown Project'] })!(hb({}))).toBe(true);
    expect(filterPredicate({ editors: ['VS Code'], machines: ['devbox'] })!(hb({ editor: 'VS Code', machine: 'laptop' }))).toBe(false);
  });
});

describe('singleNameFilter', () => {
  it('is one name of one single-valued dimension, else null (raw path)', () => {
    expect(singleNameFilter({ projects: ['alpha'] })).toEqual(['projects', 'alpha']);
    expect(singleNameFilter({ languages: ['Go'] })).toEqual(['languages', 'Go']);
    expect(singleNameFilter({})).toBeNull();
    expect(singleNameFilter({ projects: ['a', 'b'] })).toBeNull();
    expect(singleNameFilter({ branches: ['main'] })).toBeNull();
    expect(singleNameFilter({ projects: ['a'], languages: ['Go'] })).toBeNull();
    expect(hasFilters({ projects: [] })).toBe(false);
    expect(hasFilters({ editors: ['x'] })).toBe(true);
  });
});
