/**
 * Atomic login throttling and RFC 6749 §4.1.3 for authorization codes.
 *
 * - `login_throttle`: one row per throttled key (an account, an unknown login name, a client
 *   address). A login attempt upserts its keys' rows first: on PostgreSQL that row lock serializes
 *   concurrent attempts on the same key until the attempt is counted (SQLite has one writer).
 * - `oauth_codes.redirect_uri_required`: 1 when the authorize request carried `redirect_uri`, which
 *   the token request must then repeat. Codes issued before this migration count as carrying one.
 */
import type { Dialect } from '../db.js';
import { float, type AnyDB } from './helpers.js';

export function loginThrottleCodeRedirect(_dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await db.schema
        .createTable('login_throttle')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('touched_at', float, (c) => c.notNull())
        .execute();
      await db.schema.alterTable('oauth_codes').addColumn('redirect_uri_required', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    },
    async down(db: AnyDB): Promise<void> {
      await db.schema.alterTable('oauth_codes').dropColumn('redirect_uri_required').execute();
      await db.schema.dropTable('login_throttle').execute();
    },
  };
}
