/**
 * Every migration, in order. Keys sort lexicographically: 001 foundation, 010 time engine,
 * 020 accounts and OAuth, 030 atomic login throttling and codes' redirect_uri rule, 031 hourly
 * partial rollups, 032 the rollup cube (combinations of dimensions, per-project files), 033–035 leaner rollup
 * indexes, per-month rollups and the cube's filter indexes (issue 8's benchmark targets), 075 a
 * version per rollup day (cached past days of summaries). Add yours with a new key; never edit one that has shipped.
 */
import type { Migration } from 'kysely';
import type { Dialect } from '../db.js';
import { foundation } from './001_foundation.js';
import { rollups } from './010_rollups.js';
import { accountsOauth } from './020_accounts_oauth.js';
import { loginThrottleCodeRedirect } from './030_login_throttle_code_redirect.js';
import { rollupHours } from './031_rollup_hours.js';
import { rollupCube } from './032_rollup_cube.js';
import { rollupLeanIndexes } from './033_rollup_lean_indexes.js';
import { rollupMonths } from './034_rollup_months.js';
import { rollupCubeFilters } from './035_rollup_cube_filters.js';
import { leaderboards } from './045_leaderboards.js';
import { orgs } from './050_orgs.js';
import { goals } from './040_goals.js';
import { externalDurations } from './060_external_durations.js';
import { commits } from './061_commits.js';
import { externalDurationsApp } from './062_external_durations_app.js';
import { transfer } from './065_transfer.js';
import { shareLinks } from './070_share_links.js';
import { rollupDayVersions } from './075_rollup_day_versions.js';

export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001_foundation': foundation(dialect),
    '010_rollups': rollups(dialect),
    '020_accounts_oauth': accountsOauth(dialect),
    '030_login_throttle_code_redirect': loginThrottleCodeRedirect(dialect),
    '031_rollup_hours': rollupHours(dialect),
    '032_rollup_cube': rollupCube(dialect),
    '033_rollup_lean_indexes': rollupLeanIndexes(dialect),
    '034_rollup_months': rollupMonths(dialect),
    '035_rollup_cube_filters': rollupCubeFilters(dialect),
    '040_goals': goals(dialect),
    '045_leaderboards': leaderboards(dialect),
    '050_orgs': orgs(dialect),
    '060_external_durations': externalDurations(dialect),
    '061_commits': commits(dialect),
    '062_external_durations_app': externalDurationsApp(),
    '065_transfer': transfer(dialect),
    '070_share_links': shareLinks(dialect),
    '075_rollup_day_versions': rollupDayVersions(dialect),
  };
}
