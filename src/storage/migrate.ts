/** Runs the migrations in code (at start and via `metronome migrate`). */
import { Migrator, type MigrationResultSet } from 'kysely';
import type { Storage } from './db.js';
import { migrations } from './migrations/index.js';

export async function migrateToLatest(storage: Storage): Promise<string[]> {
  const migrator = new Migrator({
    db: storage.db,
    provider: { getMigrations: async () => migrations(storage.dialect) },
    // feature families were developed side by side with their own keys (040 goals … 070 share
    // links); a database that ran a later key first still gets an earlier one it lacks
    allowUnorderedMigrations: true,
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const err = result.error instanceof Error ? result.error : new Error(String(result.error));
    err.message = `migration ${failed?.migrationName ?? '?'} failed: ${err.message}`;
    throw err;
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
