/**
 * External durations remember the OAuth app that created them (null: an API key or the web), so
 * they are deleted when the user disconnects the app, as the reference says.
 */
import type { AnyDB } from './helpers.js';

export function externalDurationsApp() {
  return {
    async up(db: AnyDB): Promise<void> {
      await db.schema.alterTable('external_durations').addColumn('oauth_app_id', 'integer').execute();
      await db.schema.createIndex('external_durations_app').on('external_durations').columns(['oauth_app_id', 'user_id']).execute();
    },
    async down(db: AnyDB): Promise<void> {
      await db.schema.dropIndex('external_durations_app').execute();
      await db.schema.alterTable('external_durations').dropColumn('oauth_app_id').execute();
    },
  };
}
