/**
 * The one list of the dimensions time is broken down by. Pure and free of Node APIs (the web app
 * imports it too). domain/duration.ts, the scopes, visibility and summaries all name them from here.
 */

/** Every dimension a day's totals carry. */
export const DIMENSIONS = ['categories', 'projects', 'languages', 'editors', 'operating_systems', 'dependencies', 'machines', 'branches', 'entities'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Dimensions kept in rollups (branches and entities are computed per project on demand). */
export const ROLLUP_DIMENSIONS = ['categories', 'projects', 'languages', 'editors', 'operating_systems', 'dependencies', 'machines'] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/**
 * The dimensions a narrowed OAuth scope grants one by one (`read_summaries.<d>`, `read_stats.<d>`),
 * in the order the scope catalogue lists them (alphabetical, as the WakaTime reference does).
 */
export const SCOPED_DIMENSIONS: readonly RollupDimension[] = [...ROLLUP_DIMENSIONS].sort();

/** Plain words for each scoped dimension, as the consent page says "… limited to your <words>". */
export const DIMENSION_WORDS: Readonly<Record<RollupDimension, string>> = {
  categories: 'categories (coding, debugging, code review …)',
  dependencies: 'dependencies (libraries your code imports)',
  editors: 'editors',
  languages: 'programming languages',
  machines: 'machine names',
  operating_systems: 'operating systems',
  projects: 'project names',
};
