/**
 * Accounts on the web and the OAuth 2.0 provider: browser sessions, failed-login records for
 * throttling, OAuth apps, grants (what a user approved for an app), authorization codes and tokens.
 * Secrets (session ids, client secrets, codes, tokens) are stored as sha256 hex only.
 */
import type { Dialect } from '../db.js';
import { float, withId, type AnyDB } from './helpers.js';

export function accountsOauth(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await withId(db.schema.createTable('sessions'), dialect)
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('last_seen_at', float, (c) => c.notNull())
        .addColumn('expires_at', float, (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      // One row per failed login, keyed by 'user:<lower login>' and by 'ip:<address>'.
      await withId(db.schema.createTable('login_failures'), dialect)
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at', float, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('login_failures_key_at').on('login_failures').columns(['key', 'at']).execute();

      await withId(db.schema.createTable('oauth_apps'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull().unique())
        // null for public apps (PKCE, no secret)
        .addColumn('client_secret_hash', 'text')
        .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0))
        // JSON array of exact redirect URIs
        .addColumn('redirect_uris', 'text', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('modified_at', float)
        .addColumn('secret_rotated_at', float)
        .execute();
      await db.schema.createIndex('oauth_apps_user').on('oauth_apps').column('user_id').execute();

      await withId(db.schema.createTable('oauth_grants'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('app_id', 'integer', (c) => c.notNull().references('oauth_apps.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        // space-separated scope names
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('modified_at', float, (c) => c.notNull())
        .addUniqueConstraint('oauth_grants_app_user', ['app_id', 'user_id'])
        .execute();
      await db.schema.createIndex('oauth_grants_user').on('oauth_grants').column('user_id').execute();

      await withId(db.schema.createTable('oauth_codes'), dialect)
        .addColumn('code_hash', 'text', (c) => c.notNull().unique())
        .addColumn('app_id', 'integer', (c) => c.notNull().references('oauth_apps.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('code_challenge', 'text')
        .addColumn('code_challenge_method', 'text')
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('expires_at', float, (c) => c.notNull())
        .addColumn('used_at', float)
        .execute();

      await withId(db.schema.createTable('oauth_tokens'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('app_id', 'integer', (c) => c.notNull().references('oauth_apps.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('access_hash', 'text', (c) => c.notNull().unique())
        // null for the token (implicit) flow, which issues no refresh token
        .addColumn('refresh_hash', 'text', (c) => c.unique())
        .addColumn('scopes', 'text', (c) => c.notNull())
        // 'code' or 'token': which flow issued it (365 days or 12 hours)
        .addColumn('flow', 'text', (c) => c.notNull())
        // the authorization code it came from: a replayed code revokes its tokens
        .addColumn('code_id', 'integer')
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('expires_at', float, (c) => c.notNull())
        .addColumn('last_used_at', float)
        .addColumn('revoked_at', float)
        .execute();
      await db.schema.createIndex('oauth_tokens_user_created').on('oauth_tokens').columns(['user_id', 'created_at']).execute();
      await db.schema.createIndex('oauth_tokens_app_user').on('oauth_tokens').columns(['app_id', 'user_id']).execute();
    },
    async down(db: AnyDB): Promise<void> {
      for (const t of ['oauth_tokens', 'oauth_codes', 'oauth_grants', 'oauth_apps', 'login_failures', 'sessions']) {
        await db.schema.dropTable(t).execute();
      }
    },
  };
}
