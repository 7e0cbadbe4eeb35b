/**
 * Commits (issue 12): push webhooks per project (GitHub, GitLab, Gitea, Forgejo: signature checked
 * with the project's secret), imports from a local repository's log, and reading them with their
 * coding time. A commit's `total_seconds` is the time the user coded in its project (and branch)
 * after the previous commit on that branch, up to this one — TimeService.spanSeconds, the same
 * accounting as every other answer (heartbeats and external durations).
 */
import { randomBytes } from 'node:crypto';
import { epochSeconds, type Clock } from '../domain/clock.js';
import {
  COMMITS_PER_PAGE,
  commitWindow,
  detectProvider,
  isPushEvent,
  parsePush,
  PayloadError,
  secretProblem,
  verifyDelivery,
  type Repository,
} from '../domain/commit.js';
import { NotFoundError, UnauthorizedError, ValidationError } from '../domain/errors.js';
import type { Storage } from '../storage/db.js';
import {
  deleteWebhook,
  findCommits,
  findProjectByName,
  findWebhook,
  findWebhookByUuid,
  hasCommits,
  insertCommits,
  listCommits,
  previousCommitTime,
  putWebhook,
  recordDelivery,
  type CommitRow,
  type CommitWebhookRow,
} from '../storage/commits.js';
import type { UserRow } from '../storage/users.js';
import type { TimeService } from './time.js';

export interface TimedCommit {
  row: CommitRow;
  totalSeconds: number;
}

export interface ProjectInfo {
  id: string | null;
  name: string;
  repository: Repository | null;
  /** 'ok' once commits arrived, null before. */
  status: string | null;
}

export interface CommitPage {
  commits: TimedCommit[];
  project: ProjectInfo;
  branch: string | null;
  author: string | null;
  page: number;
  totalPages: number;
  total: number;
}

function repositoryOf(hook: CommitWebhookRow | undefined): Repository | null {
  if (!hook?.repository) return null;
  try {
    return JSON.parse(hook.repository) as Repository;
  } catch {
    return null;
  }
}

/** A project's commit webhook as the owner sees it. */
export interface CommitWebhook {
  uuid: string;
  project: string;
  secret: string;
  repository: Repository | null;
  created_at: number;
  last_delivery_at: number | null;
}

function webhookOf(row: CommitWebhookRow): CommitWebhook {
  return { uuid: row.uuid, project: row.project, secret: row.secret, repository: repositoryOf(row), created_at: Number(row.created_at), last_delivery_at: row.last_delivery_at === null ? null : Number(row.last_delivery_at) };
}

/** What a delivery did: stored commits of a branch, or nothing (another event, a tag). */
export type DeliveryResult = { event: string; provider: string; branch: string | null; received: number; stored: number };

export class CommitService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly time: TimeService,
  ) {}

  private now(): number {
    return epochSeconds(this.clock);
  }

  async webhook(user: UserRow, project: string): Promise<CommitWebhook | null> {
    const row = await findWebhook(this.storage.db, user.id, project);
    return row ? webhookOf(row) : null;
  }

  /** Creates the project's webhook or replaces its secret (generated when none is given). */
  async putWebhook(user: UserRow, project: string, secret?: string | null): Promise<CommitWebhook> {
    const value = secret ?? randomBytes(24).toString('hex');
    const problem = secretProblem(value);
    if (problem) throw new ValidationError('secret', problem);
    return webhookOf(await putWebhook(this.storage.db, user.id, project, value, this.now()));
  }

  async deleteWebhook(user: UserRow, project: string): Promise<void> {
    if (!(await deleteWebhook(this.storage.db, user.id, project))) throw new NotFoundError(`No commit webhook for project ${project}.`);
  }

  /**
   * A push delivery to the webhook `hookId`: 404 for an unknown hook, 401 when the signature (or
   * GitLab token) does not match the secret, 400 for a payload naming its bad field; other events
   * (ping, tags) store nothing. Commits already stored on that branch are left as they are.
   */
  async receive(hookId: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<DeliveryResult> {
    const hook = /^[0-9a-f-]{36}$/i.test(hookId) ? await findWebhookByUuid(this.storage.db, hookId) : undefined;
    if (!hook) throw new NotFoundError('No such commit webhook.');
    const source = detectProvider(headers);
    if (!source) throw new ValidationError('headers', 'Not a GitHub, GitLab, Gitea or Forgejo webhook delivery (no X-GitHub-Event, X-Gitlab-Event, X-Gitea-Event or X-Forgejo-Event header).');
    if (!verifyDelivery(source.provider, headers, body, hook.secret)) throw new UnauthorizedError(source.provider === 'gitlab' ? 'The X-Gitlab-Token does not match this webhook\'s secret.' : 'The signature does not match this webhook\'s secret.');
    const result: DeliveryResult = { event: source.event, provider: source.provider, branch: null, received: 0, stored: 0 };
    if (!isPushEvent(source.provider, source.event)) return result;
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ValidationError('body', 'Must be a JSON push payload.');
    }
    let push;
    try {
      push = parsePush(source.provider, payload, this.now());
    } catch (err) {
      if (err instanceof PayloadError) throw new ValidationError(err.field, err.message);
      throw err;
    }
    result.branch = push.branch;
    result.received = push.commits.length;
    const now = this.now();
    await this.storage.db.transaction().execute(async (tx) => {
      if (push.branch && push.commits.length) result.stored = await insertCommits(tx, hook.user_id, hook.project, push.branch, source.provider, push.commits, now);
      await recordDelivery(tx, hook.id, push.repository ? JSON.stringify(push.repository) : null, now);
    });
    return result;
  }

  private async project(user: UserRow, name: string): Promise<{ info: ProjectInfo; defaultBranch: string | null }> {
    const [row, hook, any] = await Promise.all([findProjectByName(this.storage.db, user.id, name), findWebhook(this.storage.db, user.id, name), hasCommits(this.storage.db, user.id, name)]);
    if (!row && !hook && !any) throw new NotFoundError(`Project not found: ${name}`);
    const repository = repositoryOf(hook);
    return { info: { id: row?.uuid ?? null, name, repository, status: any ? 'ok' : null }, defaultBranch: repository?.default_branch ?? null };
  }

  private async timed(user: UserRow, row: CommitRow): Promise<TimedCommit> {
    const previous = await previousCommitTime(this.storage.db, row);
    const filters = { projects: [row.project], ...(row.branch ? { branches: [row.branch] } : {}) };
    const { start, end } = commitWindow(previous, Number(row.author_date));
    const totalSeconds = await this.time.spanSeconds(user, start, end, filters);
    return { row, totalSeconds };
  }

  /**
   * A page of the project's commits, newest first: on `branch`, else on the repository's default
   * branch when a push told it, else on every branch; `author`: a username or e-mail.
   */
  async list(user: UserRow, projectName: string, q: { branch?: string | null; author?: string | null; page?: number | null }): Promise<CommitPage> {
    const { info, defaultBranch } = await this.project(user, projectName);
    const branch = q.branch || defaultBranch || null;
    const author = q.author || null;
    const page = Math.max(1, Math.floor(q.page ?? 1));
    const { rows, total } = await listCommits(this.storage.db, user.id, projectName, { branch, author }, (page - 1) * COMMITS_PER_PAGE, COMMITS_PER_PAGE);
    const commits: TimedCommit[] = [];
    for (const row of rows) commits.push(await this.timed(user, row));
    return { commits, project: info, branch, author, page, totalPages: Math.ceil(total / COMMITS_PER_PAGE), total };
  }

  /** One commit by hash (or an unambiguous prefix): on `branch`, else preferring the default branch. */
  async one(user: UserRow, projectName: string, hash: string, branch?: string | null): Promise<{ commit: TimedCommit; project: ProjectInfo; branch: string }> {
    if (!/^[0-9a-f]{4,64}$/i.test(hash)) throw new ValidationError('hash', 'Must be a commit hash or a prefix of at least 4 hex digits.');
    const { info, defaultBranch } = await this.project(user, projectName);
    const rows = await findCommits(this.storage.db, user.id, projectName, hash.toLowerCase(), branch || null);
    const hashes = new Set(rows.map((r) => r.hash));
    if (rows.length === 0) throw new NotFoundError(`Commit not found: ${hash}`);
    if (hashes.size > 1) throw new ValidationError('hash', `The prefix ${hash} matches several commits.`);
    const row = rows.find((r) => r.branch === defaultBranch) ?? rows[0]!;
    return { commit: await this.timed(user, row), project: info, branch: row.branch };
  }
}
