/**
 * The OAuth scopes of the WakaTime reference, with the plain words the consent page and the
 * authorized-apps page show. Pure and free of Node APIs: the browser app imports it too.
 */
import { DIMENSION_WORDS, SCOPED_DIMENSIONS } from './dimensions.js';

export interface ScopeInfo {
  name: string;
  /** Plain words for the consent page: "… your <description>". */
  description: string;
}

const DIMENSIONS: readonly [string, string][] = SCOPED_DIMENSIONS.map((d) => [d, DIMENSION_WORDS[d]]);

/** Every scope of the WakaTime reference, in the order the consent page lists them. */
export const SCOPES: readonly ScopeInfo[] = [
  {
    name: 'read_summaries',
    description: 'Read your summaries and stats: time per category, dependency, editor, language, machine, operating system and project',
  },
  ...DIMENSIONS.map(([d, words]) => ({ name: `read_summaries.${d}`, description: `Read your summaries and stats, limited to your ${words}` })),
  { name: 'read_stats', description: 'Read your stats: time per category, dependency, editor, language, machine, operating system and project' },
  { name: 'read_stats.best_day', description: 'Read your stats, limited to your best day in the requested range' },
  ...DIMENSIONS.map(([d, words]) => ({ name: `read_stats.${d}`, description: `Read your stats, limited to your ${words}` })),
  { name: 'read_goals', description: 'Read your goals' },
  { name: 'read_orgs', description: 'Read your organizations and the coding activity of dashboard members' },
  { name: 'write_orgs', description: 'Change your organizations and their dashboards' },
  { name: 'read_private_leaderboards', description: 'Read your private leaderboards' },
  {
    name: 'write_private_leaderboards',
    description: 'Change your private leaderboards, including adding and removing members where you are an admin or owner',
  },
  {
    name: 'read_heartbeats',
    description:
      'Read all your coding activity: heartbeats, durations, files, projects, editors, languages, operating systems, dependencies and stats',
  },
  { name: 'write_heartbeats', description: 'Record, change and delete your coding activity (heartbeats and external durations)' },
  { name: 'email', description: 'See your private email address' },
];

const SCOPE_INDEX = new Map(SCOPES.map((s, i) => [s.name, i]));

/** What every token may do, whatever its scopes (shown on the consent page too). */
export const BASE_ACCESS = 'See your public profile: username, display name, photo and public settings';

/** A scope's place in the catalogue (unknown names last), for listing scopes in a stable order. */
export function scopeRank(name: string): number {
  return SCOPE_INDEX.get(name) ?? Number.MAX_SAFE_INTEGER;
}

export function isKnownScope(name: string): boolean {
  return SCOPE_INDEX.has(name);
}

export function describeScope(name: string): string {
  const i = SCOPE_INDEX.get(name);
  return i === undefined ? name : SCOPES[i]!.description;
}
