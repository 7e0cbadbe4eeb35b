/**
 * Share links (issue 9): secret links to a user's badges (shields-style SVG of their total or one
 * project's time) and embeddable charts (languages, editors, activity as SVG or JSON), each
 * revocable. Only the sha256 hex of a link's token is stored.
 */
import type { Dialect } from '../db.js';
import { float, withId, type AnyDB } from './helpers.js';

export function shareLinks(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await withId(db.schema.createTable('share_links'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('token_prefix', 'text', (c) => c.notNull())
        // badge | languages | editors | activity
        .addColumn('kind', 'text', (c) => c.notNull())
        // a stats range name (last_7_days … all_time)
        .addColumn('range', 'text', (c) => c.notNull())
        // badges of one project; null: the user's total
        .addColumn('project', 'text')
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('last_used_at', float)
        .addColumn('revoked_at', float)
        .execute();
      await db.schema.createIndex('share_links_user').on('share_links').column('user_id').execute();
    },
    async down(db: AnyDB): Promise<void> {
      await db.schema.dropTable('share_links').execute();
    },
  };
}
