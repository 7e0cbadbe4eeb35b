/** The access policy for time data (domain/access.ts): owner, OAuth sub-scopes, public profile. */
import { describe, expect, it } from 'vitest';
import { canSee, EVERYTHING, hasPublicStats, intersect, maySee, NOTHING, readScopes, shown, visibilityFor, type PublicProfile } from '../../../src/domain/access.js';

const PRIVATE: PublicProfile = { logged_time_public: 0, languages_used_public: 0, editors_used_public: 0, os_used_public: 0, categories_used_public: 0 };
const owner = (...scopes: string[]) => ({ kind: 'owner' as const, scopes: new Set(scopes) });

describe('visibilityFor', () => {
  it('shows the owner everything with an API key or a full scope', () => {
    expect(visibilityFor({ kind: 'owner', scopes: 'all' }, PRIVATE, 'summaries')).toEqual(EVERYTHING);
    expect(visibilityFor(owner('read_summaries'), PRIVATE, 'stats')).toEqual(EVERYTHING);
    expect(visibilityFor(owner('read_heartbeats'), PRIVATE, 'summaries')).toEqual(EVERYTHING);
    expect(visibilityFor(owner('read_stats'), PRIVATE, 'stats')).toEqual(EVERYTHING);
  });

  it('narrows to the granted dimensions with sub-scopes; read_stats.* only for stats', () => {
    const v = visibilityFor(owner('read_summaries.languages'), PRIVATE, 'summaries');
    expect(v).toMatchObject({ time: true, languages: true, projects: false, editors: false, machines: false, best_day: false });
    expect(visibilityFor(owner('read_stats.projects'), PRIVATE, 'summaries').projects).toBe(false);
    expect(visibilityFor(owner('read_stats.projects'), PRIVATE, 'stats').projects).toBe(true);
    expect(visibilityFor(owner('read_stats.best_day'), PRIVATE, 'stats')).toMatchObject({ best_day: true, languages: false });
    expect(visibilityFor(owner('read_stats.best_day'), PRIVATE, 'summaries').best_day).toBe(false);
  });

  it('shows anyone else what the public-profile flags allow, never projects, machines or dependencies', () => {
    const profile: PublicProfile = { logged_time_public: 1, languages_used_public: 1, editors_used_public: 0, os_used_public: true, categories_used_public: 0 };
    const v = visibilityFor({ kind: 'public', authenticated: true }, profile, 'stats');
    expect(v).toEqual({ ...NOTHING, time: true, best_day: true, languages: true, operating_systems: true });
    expect(visibilityFor({ kind: 'public', authenticated: false }, PRIVATE, 'stats')).toEqual(NOTHING);
    expect(hasPublicStats(PRIVATE)).toBe(false);
    expect(hasPublicStats({ ...PRIVATE, editors_used_public: 1 })).toBe(true);
  });
});

describe('maySee and canSee', () => {
  it('treats branches and files as part of projects', () => {
    expect(canSee({ ...NOTHING, projects: true }, 'branches')).toBe(true);
    expect(canSee({ ...NOTHING, projects: true }, 'entities')).toBe(true);
    expect(canSee({ ...EVERYTHING, projects: false }, 'branches')).toBe(false);
    expect(maySee(owner('read_summaries.projects'), PRIVATE, 'branches', 'summaries')).toBe(true);
    expect(maySee({ kind: 'public', authenticated: true }, { ...PRIVATE, languages_used_public: 1 }, 'languages', 'stats')).toBe(true);
    expect(maySee({ kind: 'public', authenticated: true }, { ...PRIVATE, languages_used_public: 1 }, 'projects', 'stats')).toBe(false);
  });

  it('blanks what is hidden in one way', () => {
    expect(shown(NOTHING, 'languages', () => [1])).toBeNull();
    expect(shown(EVERYTHING, 'languages', () => [1])).toEqual([1]);
  });

  it('shows several subjects only what all of them show', () => {
    expect(intersect({ ...NOTHING, time: true, languages: true }, { ...NOTHING, time: true, editors: true })).toEqual({ ...NOTHING, time: true });
  });
});

describe('readScopes', () => {
  it('opens summaries with summary scopes, stats also with stats scopes', () => {
    expect(readScopes('summaries')).toContain('read_summaries.languages');
    expect(readScopes('summaries')).not.toContain('read_stats');
    expect(readScopes('stats')).toEqual(expect.arrayContaining(['read_stats', 'read_stats.best_day', 'read_stats.machines', 'read_heartbeats']));
  });
});
