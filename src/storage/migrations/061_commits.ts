/**
 * Commits (issue 12): what push webhooks (GitHub, GitLab, Gitea, Forgejo) and
 * `metronome commits import` bring, per user, project and branch; and each project's webhook
 * (its id is in the URL, its secret checks the signature). The secret is kept as given: an HMAC
 * signature can only be checked with it (it only lets its holder add commits to that project).
 */
import type { Dialect } from '../db.js';
import { float, withId, type AnyDB } from './helpers.js';

export function commits(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await withId(db.schema.createTable('commit_webhooks'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('repository', 'text')
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('last_delivery_at', float)
        .addUniqueConstraint('commit_webhooks_project', ['user_id', 'project'])
        .execute();
      let t = withId(db.schema.createTable('commits'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('branch', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('html_url', 'text');
      for (const who of ['author', 'committer']) {
        for (const f of ['name', 'email', 'username', 'url', 'html_url', 'avatar_url']) t = t.addColumn(`${who}_${f}`, 'text');
        t = t.addColumn(`${who}_date`, float, (c) => c.notNull());
      }
      await t
        .addColumn('created_at', float, (c) => c.notNull())
        .addUniqueConstraint('commits_key', ['user_id', 'project', 'branch', 'hash'])
        .execute();
      await db.schema.createIndex('commits_order').on('commits').columns(['user_id', 'project', 'branch', 'author_date']).execute();
    },
    async down(db: AnyDB): Promise<void> {
      await db.schema.dropTable('commits').execute();
      await db.schema.dropTable('commit_webhooks').execute();
    },
  };
}
