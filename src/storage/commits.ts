/** Commits and project commit webhooks (issue 12). */
import { randomUUID } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { CommitInput, CommitSource } from '../domain/commit.js';
import type { DB } from './db.js';
import type { CommitsTable, CommitWebhooksTable, Database } from './schema.js';

type Tx = Transaction<Database> | DB;
export type CommitRow = Selectable<CommitsTable>;
export type CommitWebhookRow = Selectable<CommitWebhooksTable>;

export async function findWebhook(db: Tx, userId: number, project: string): Promise<CommitWebhookRow | undefined> {
  return db.selectFrom('commit_webhooks').selectAll().where('user_id', '=', userId).where('project', '=', project).executeTakeFirst();
}

export async function findWebhookByUuid(db: Tx, uuid: string): Promise<CommitWebhookRow | undefined> {
  return db.selectFrom('commit_webhooks').selectAll().where('uuid', '=', uuid).executeTakeFirst();
}

/** Creates the project's webhook, or gives it a new secret (its URL stays). */
export async function putWebhook(db: Tx, userId: number, project: string, secret: string, now: number): Promise<CommitWebhookRow> {
  return db
    .insertInto('commit_webhooks')
    .values({ uuid: randomUUID(), user_id: userId, project, secret, repository: null, created_at: now, last_delivery_at: null })
    .onConflict((oc) => oc.columns(['user_id', 'project']).doUpdateSet({ secret }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteWebhook(db: Tx, userId: number, project: string): Promise<boolean> {
  const r = await db.deleteFrom('commit_webhooks').where('user_id', '=', userId).where('project', '=', project).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function recordDelivery(db: Tx, id: number, repository: string | null, now: number): Promise<void> {
  const set = repository === null ? { last_delivery_at: now } : { last_delivery_at: now, repository };
  await db.updateTable('commit_webhooks').set(set).where('id', '=', id).execute();
}

/** Stores commits of a branch; a commit already stored there is left as it is. Returns how many were new. */
export async function insertCommits(db: Tx, userId: number, project: string, branch: string, source: CommitSource, commits: readonly CommitInput[], now: number): Promise<number> {
  let added = 0;
  for (let i = 0; i < commits.length; i += 200) {
    const rows = commits.slice(i, i + 200).map((c) => ({
      uuid: randomUUID(), user_id: userId, project, branch, hash: c.hash, message: c.message, source, html_url: c.html_url,
      author_name: c.author.name, author_email: c.author.email, author_username: c.author.username, author_url: c.author.url,
      author_html_url: c.author.html_url, author_avatar_url: c.author.avatar_url, author_date: c.author.date,
      committer_name: c.committer.name, committer_email: c.committer.email, committer_username: c.committer.username, committer_url: c.committer.url,
      committer_html_url: c.committer.html_url, committer_avatar_url: c.committer.avatar_url, committer_date: c.committer.date, created_at: now,
    }));
    const inserted = await db.insertInto('commits').values(rows).onConflict((oc) => oc.columns(['user_id', 'project', 'branch', 'hash']).doNothing()).returning('id').execute();
    added += inserted.length;
  }
  return added;
}

export interface CommitFilter {
  branch: string | null;
  /** An author's username or e-mail. */
  author: string | null;
}

function filtered(db: Tx, userId: number, project: string, f: CommitFilter) {
  let q = db.selectFrom('commits').where('user_id', '=', userId).where('project', '=', project);
  if (f.branch !== null) q = q.where('branch', '=', f.branch);
  if (f.author !== null) q = q.where((eb) => eb.or([eb('author_username', '=', f.author), eb('author_email', '=', f.author)]));
  return q;
}

/** One page of commits, newest first (by author date, then id). */
export async function listCommits(db: Tx, userId: number, project: string, f: CommitFilter, offset: number, limit: number): Promise<{ rows: CommitRow[]; total: number }> {
  const total = await filtered(db, userId, project, f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  const rows = await filtered(db, userId, project, f).selectAll().orderBy('author_date', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute();
  return { rows, total: Number(total.n) };
}

/** A commit by its hash or an unambiguous prefix (≥ 4 hex digits), on a branch or any. */
export async function findCommits(db: Tx, userId: number, project: string, hash: string, branch: string | null): Promise<CommitRow[]> {
  let q = db.selectFrom('commits').selectAll().where('user_id', '=', userId).where('project', '=', project);
  q = hash.length >= 40 ? q.where('hash', '=', hash) : q.where('hash', '>=', hash).where('hash', '<', `${hash}g`);
  if (branch !== null) q = q.where('branch', '=', branch);
  return q.orderBy('author_date', 'desc').limit(20).execute();
}

/** The author date of the commit before this one on its branch (null: it is the first). */
export async function previousCommitTime(db: Tx, c: Pick<CommitRow, 'user_id' | 'project' | 'branch' | 'author_date' | 'id'>): Promise<number | null> {
  const row = await db
    .selectFrom('commits')
    .select('author_date')
    .where('user_id', '=', c.user_id)
    .where('project', '=', c.project)
    .where('branch', '=', c.branch)
    .where((eb) => eb.or([eb('author_date', '<', c.author_date), eb.and([eb('author_date', '=', c.author_date), eb('id', '<', c.id)])]))
    .orderBy('author_date', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.author_date) : null;
}

/** Whether the user has any commits in the project. */
export async function hasCommits(db: Tx, userId: number, project: string): Promise<boolean> {
  return !!(await db.selectFrom('commits').select('id').where('user_id', '=', userId).where('project', '=', project).limit(1).executeTakeFirst());
}

/** The project heartbeats created under this name (id, name), if any. */
export async function findProjectByName(db: Tx, userId: number, name: string): Promise<{ uuid: string; name: string } | undefined> {
  return db.selectFrom('projects').select(['uuid', 'name']).where('user_id', '=', userId).where('name', '=', name).executeTakeFirst();
}
