/**
 * OAuth scopes in words for the authorized-apps page: the same words as the consent page
 * (src/domain/oauth.ts SCOPES; test/web.test.ts checks they agree). Unknown scopes show their name.
 */

const DIMENSIONS: readonly [string, string][] = [
  ['categories', 'categories (coding, debugging, code review …)'],
  ['dependencies', 'dependencies (libraries your code imports)'],
  ['editors', 'editors'],
  ['languages', 'programming languages'],
  ['machines', 'machine names'],
  ['operating_systems', 'operating systems'],
  ['projects', 'project names'],
];

const WORDS: Record<string, string> = {
  read_summaries: 'Read your summaries and stats: time per category, dependency, editor, language, machine, operating system and project',
  ...Object.fromEntries(DIMENSIONS.map(([d, words]) => [`read_summaries.${d}`, `Read your summaries and stats, limited to your ${words}`])),
  read_stats: 'Read your stats: time per category, dependency, editor, language, machine, operating system and project',
  'read_stats.best_day': 'Read your stats, limited to your best day in the requested range',
  ...Object.fromEntries(DIMENSIONS.map(([d, words]) => [`read_stats.${d}`, `Read your stats, limited to your ${words}`])),
  read_goals: 'Read your goals',
  read_orgs: 'Read your organizations and the coding activity of dashboard members',
  write_orgs: 'Change your organizations and their dashboards',
  read_private_leaderboards: 'Read your private leaderboards',
  write_private_leaderboards: 'Change your private leaderboards, including adding and removing members where you are an admin or owner',
  read_heartbeats: 'Read all your coding activity: heartbeats, durations, files, projects, editors, languages, operating systems, dependencies and stats',
  write_heartbeats: 'Record, change and delete your coding activity (heartbeats and external durations)',
  email: 'See your private email address',
};

/** What every token may do, whatever its scopes. */
export const BASE_ACCESS = 'See your public profile: username, display name, photo and public settings';

export function scopeInWords(scope: string): string {
  return Object.hasOwn(WORDS, scope) ? WORDS[scope] : scope;
}
