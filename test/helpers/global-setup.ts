/**
 * Probes PostgreSQL once for the whole run. Storage tests run on SQLite and PostgreSQL; when
 * PostgreSQL is unreachable they are skipped with a warning on a laptop, but under CI=true the
 * run fails loudly instead.
 */
import { build } from 'esbuild';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { CLI_BUNDLE, ROOT } from './process.js';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  // the `metronome` command the process tests run (test/helpers/process.ts): bundled once
  await build({ entryPoints: [`${ROOT}/src/cli.ts`], outfile: CLI_BUNDLE, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', sourcemap: 'inline', logLevel: 'warning' });
  const url = process.env.TEST_DATABASE_URL || DEFAULT_PG_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    project.provide('pgUrl', url);
  } catch (err) {
    const message = `PostgreSQL is unreachable at ${url}: ${(err as Error).message}`;
    if (process.env.CI === 'true') {
      throw new Error(`${message}. CI=true: every storage test must also run on PostgreSQL, so this run fails.`);
    }
    console.warn(`\n!!! ${message}\n!!! PostgreSQL storage tests are SKIPPED (set TEST_DATABASE_URL, or CI=true to make this fatal)\n`);
    project.provide('pgUrl', null);
  } finally {
    await client.end().catch(() => {});
  }
}
