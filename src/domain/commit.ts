/**
 * Commits (issue 12): push webhooks of GitHub, GitLab, Gitea and Forgejo (which one, its
 * signature, its payload) and `git log` output, into one commit shape; and how a commit's coding
 * time is bounded. Pure: no I/O (HMAC is computation).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import { unstorableText } from './heartbeat.js';

export const COMMIT_PROVIDERS = ['github', 'gitlab', 'gitea', 'forgejo'] as const;
export type CommitProvider = (typeof COMMIT_PROVIDERS)[number];
export type CommitSource = CommitProvider | 'git';

/** Most commits one push (or one import batch) may carry. */
export const MAX_COMMITS_PER_PUSH = 2000;
export const MAX_MESSAGE = 65_536;
const MAX_TEXT = 1024;
/** Commits listed per page. */
export const COMMITS_PER_PAGE = 30;
/**
 * The longest span a commit's time is taken from: since the previous commit on its branch, but at
 * most 31 days back (a branch's first commit, a branch idle for months): a page of commits then
 * reads at most 30 × 31 days of heartbeats, and an old project's history is not one commit's time.
 */
export const COMMIT_WINDOW_MAX_SECONDS = 31 * 86400;

/** The span [start, end) whose coding time is a commit's: after the previous commit, up to this one. */
export function commitWindow(previous: number | null, at: number): { start: number; end: number } {
  const earliest = at - COMMIT_WINDOW_MAX_SECONDS;
  return { start: previous === null ? earliest : Math.max(previous, earliest), end: at };
}

export interface Person {
  name: string | null;
  email: string | null;
  username: string | null;
  url: string | null;
  html_url: string | null;
  avatar_url: string | null;
  date: number;
}

export interface CommitInput {
  hash: string;
  message: string;
  html_url: string | null;
  author: Person;
  committer: Person;
}

/** The reference's repository object, as much of it as the provider told. */
export interface Repository {
  default_branch: string | null;
  description: string | null;
  fork_count: number | null;
  full_name: string | null;
  homepage: string | null;
  html_url: string | null;
  id: string | null;
  is_fork: boolean | null;
  is_private: boolean | null;
  last_synced_at: string | null;
  name: string | null;
  provider: string | null;
  star_count: number | null;
  url: string | null;
  watch_count: number | null;
}

export interface Push {
  /** `refs/heads/<branch>`; null for a tag or another ref (nothing to store). */
  branch: string | null;
  ref: string;
  repository: Repository | null;
  commits: CommitInput[];
}

/** A refusal naming the field (the route answers 400 with it). */
export class PayloadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string): string | null => {
  const v = h[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
};

/** Which forge sent a webhook, and the event name it gives. Forgejo also sends Gitea's headers. */
export function detectProvider(h: Headers): { provider: CommitProvider; event: string } | null {
  const forgejo = header(h, 'x-forgejo-event');
  if (forgejo) return { provider: 'forgejo', event: forgejo };
  const gitea = header(h, 'x-gitea-event');
  if (gitea) return { provider: 'gitea', event: gitea };
  const gitlab = header(h, 'x-gitlab-event');
  if (gitlab) return { provider: 'gitlab', event: gitlab };
  const github = header(h, 'x-github-event');
  if (github) return { provider: 'github', event: github };
  return null;
}

export function isPushEvent(provider: CommitProvider, event: string): boolean {
  return provider === 'gitlab' ? event === 'Push Hook' : event === 'push';
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks a delivery against the project's secret: GitHub `X-Hub-Signature-256: sha256=<hex
 * HMAC-SHA256 of the body>`, Gitea `X-Gitea-Signature` and Forgejo `X-Forgejo-Signature` (hex HMAC),
 * GitLab `X-Gitlab-Token` (the secret itself). Constant-time comparisons.
 */
export function verifyDelivery(provider: CommitProvider, h: Headers, body: Buffer, secret: string): boolean {
  if (provider === 'gitlab') {
    const token = header(h, 'x-gitlab-token');
    return token !== null && safeEqual(token, secret);
  }
  const mac = createHmac('sha256', secret).update(body).digest('hex');
  if (provider === 'github') {
    const sig = header(h, 'x-hub-signature-256');
    return sig !== null && safeEqual(sig.toLowerCase(), `sha256=${mac}`);
  }
  const sig = header(h, provider === 'forgejo' ? 'x-forgejo-signature' : 'x-gitea-signature') ?? header(h, 'x-gitea-signature');
  return sig !== null && safeEqual(sig.toLowerCase(), mac);
}

// ---- payloads --------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function text(v: unknown, field: string, max = MAX_TEXT): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw new PayloadError(field, 'Must be a string.');
  if (v.length > max) throw new PayloadError(field, `Must be at most ${max} characters.`);
  const bad = unstorableText(v);
  if (bad) throw new PayloadError(field, bad);
  return v;
}

function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
}

/** A web URL worth linking to: http(s) only (a payload may carry javascript: or worse). */
function webUrl(v: unknown, field: string): string | null {
  const s = text(v, field, 2048);
  return s && /^https?:\/\//i.test(s) ? s : null;
}

/** Earliest and latest commit times accepted (a broken clock is not history). */
const MIN_TIME = 946_684_800;

/** An ISO 8601 time (or epoch seconds) within 2000-01-01 … now + 2 days, as epoch seconds. */
export function commitTime(v: unknown, field: string, now: number): number {
  let t: number | null = null;
  if (typeof v === 'string') {
    const d = DateTime.fromISO(v, { setZone: true });
    t = d.isValid ? d.toSeconds() : null;
  } else if (typeof v === 'number' && Number.isFinite(v)) t = v;
  if (t === null) throw new PayloadError(field, 'Must be an ISO 8601 time.');
  if (t < MIN_TIME || t > now + 2 * 86400) throw new PayloadError(field, 'Must lie between 2000-01-01 and now.');
  return t;
}

export function validHash(v: unknown, field: string): string {
  if (typeof v !== 'string' || !/^[0-9a-f]{7,64}$/i.test(v)) throw new PayloadError(field, 'Must be a commit hash (7 to 64 hex digits).');
  return v.toLowerCase();
}

/** The web origin of a repository URL (for profile links on Gitea and Forgejo). */
function origin(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** A person's links as the forge knows them (GitHub's are fixed; Gitea's and Forgejo's live on the instance). */
function personLinks(provider: CommitProvider, username: string | null, instance: string | null): Pick<Person, 'url' | 'html_url' | 'avatar_url'> {
  if (!username || !/^[A-Za-z0-9._-]{1,100}$/.test(username)) return { url: null, html_url: null, avatar_url: null };
  if (provider === 'github') return { url: `https://api.github.com/users/${username}`, html_url: `https://github.com/${username}`, avatar_url: `https://github.com/${username}.png` };
  if ((provider === 'gitea' || provider === 'forgejo') && instance) return { url: `${instance}/api/v1/users/${username}`, html_url: `${instance}/${username}`, avatar_url: null };
  return { url: null, html_url: null, avatar_url: null };
}

function person(provider: CommitProvider, v: unknown, field: string, date: number, instance: string | null): Person {
  if (v !== undefined && v !== null && !isObject(v)) throw new PayloadError(field, 'Must be an object.');
  const p = (v ?? {}) as Record<string, unknown>;
  const username = text(p.username, `${field}.username`, 255);
  return { name: text(p.name, `${field}.name`), email: text(p.email, `${field}.email`, 320), username, ...personLinks(provider, username, instance), date };
}

/**
 * A push payload into commits. GitHub, Gitea and Forgejo: `ref`, `repository`, `commits[]` with
 * `id`, `message`, `timestamp`, `url`, `author` / `committer` {name, email, username}. GitLab:
 * `ref`, `project`, `commits[]` with an `author` {name, email} and no committer. Anything else,
 * or a value a column can not hold, is a PayloadError naming the field.
 */
export function parsePush(provider: CommitProvider, payload: unknown, now: number): Push {
  if (!isObject(payload)) throw new PayloadError('body', 'Must be a JSON object.');
  const ref = text(payload.ref, 'ref', 1024);
  if (!ref) throw new PayloadError('ref', 'Required.');
  const branch = ref.startsWith('refs/heads/') && ref.length > 11 ? ref.slice(11) : null;
  const repo = provider === 'gitlab' ? payload.project : payload.repository;
  const repository = isObject(repo) ? repositoryOf(provider, repo, now) : null;
  const instance = origin(repository?.html_url ?? null);
  const list = payload.commits ?? [];
  if (!Array.isArray(list)) throw new PayloadError('commits', 'Must be a list.');
  if (list.length > MAX_COMMITS_PER_PUSH) throw new PayloadError('commits', `At most ${MAX_COMMITS_PER_PUSH} commits per delivery.`);
  const commits = list.map((c, i): CommitInput => {
    const f = `commits[${i}]`;
    if (!isObject(c)) throw new PayloadError(f, 'Must be an object.');
    const date = commitTime(c.timestamp, `${f}.timestamp`, now);
    const author = person(provider, c.author, `${f}.author`, date, instance);
    const committer = provider === 'gitlab' ? { ...author } : person(provider, c.committer ?? c.author, `${f}.committer`, date, instance);
    return { hash: validHash(c.id, `${f}.id`), message: text(c.message, `${f}.message`, MAX_MESSAGE) ?? '', html_url: webUrl(c.url, `${f}.url`), author, committer };
  });
  return { branch, ref, repository, commits };
}

function repositoryOf(provider: CommitProvider, r: Record<string, unknown>, now: number): Repository {
  const id = typeof r.id === 'number' || typeof r.id === 'string' ? String(r.id).slice(0, 64) : null;
  const synced = DateTime.fromSeconds(now, { zone: 'utc' }).toISO({ suppressMilliseconds: true });
  if (provider === 'gitlab') {
    return {
      default_branch: text(r.default_branch, 'project.default_branch'), description: text(r.description, 'project.description', 4096), fork_count: null,
      full_name: text(r.path_with_namespace, 'project.path_with_namespace'), homepage: webUrl(r.homepage, 'project.homepage'), html_url: webUrl(r.web_url, 'project.web_url'),
      id, is_fork: null, is_private: typeof r.visibility_level === 'number' ? r.visibility_level === 0 : null, last_synced_at: synced,
      name: text(r.name, 'project.name'), provider, star_count: null, url: null, watch_count: null,
    };
  }
  const htmlUrl = webUrl(r.html_url, 'repository.html_url');
  const fullName = text(r.full_name, 'repository.full_name');
  return {
    default_branch: text(r.default_branch, 'repository.default_branch'), description: text(r.description, 'repository.description', 4096),
    fork_count: count(r.forks_count), full_name: fullName, homepage: webUrl(r.homepage ?? r.website, 'repository.homepage'), html_url: htmlUrl,
    id, is_fork: typeof r.fork === 'boolean' ? r.fork : null, is_private: typeof r.private === 'boolean' ? r.private : null, last_synced_at: synced,
    name: text(r.name, 'repository.name'), provider, star_count: count(r.stargazers_count ?? r.stars_count), watch_count: count(r.watchers_count ?? r.watchers),
    url: provider === 'github' && fullName ? `https://api.github.com/repos/${fullName}` : origin(htmlUrl) && fullName ? `${origin(htmlUrl)}/api/v1/repos/${fullName}` : null,
  };
}

// ---- git log ---------------------------------------------------------------------------------

/** The `git log --format` that parseGitLog reads: fields split by US (0x1f), records ended by RS (0x1e). */
export const GIT_LOG_FORMAT = '%H%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1e';

/** `git log --format=GIT_LOG_FORMAT` output into commits (newest first, as git prints them). */
export function parseGitLog(output: string, now: number): CommitInput[] {
  const out: CommitInput[] = [];
  for (const record of output.split('\x1e')) {
    const r = record.replace(/^\s+/, '');
    if (!r) continue;
    const [hash, an, ae, ad, cn, ce, cd, ...message] = r.split('\x1f');
    const none = { username: null, url: null, html_url: null, avatar_url: null };
    out.push({
      hash: validHash(hash, 'hash'),
      message: (text(message.join('\x1f').replace(/\s+$/, ''), 'message', MAX_MESSAGE) ?? ''),
      html_url: null,
      author: { name: text(an, 'author_name'), email: text(ae, 'author_email', 320), date: commitTime(ad, 'author_date', now), ...none },
      committer: { name: text(cn, 'committer_name'), email: text(ce, 'committer_email', 320), date: commitTime(cd, 'committer_date', now), ...none },
    });
  }
  return out;
}

/** A new webhook secret's acceptable form (user-chosen secrets too): 16–200 printable ASCII characters. */
export function secretProblem(secret: string): string | null {
  return /^[\x21-\x7e]{16,200}$/.test(secret) ? null : 'Must be 16 to 200 printable ASCII characters without spaces.';
}

/** "2 hrs 5 mins 3 secs" (the reference's human_readable_total_with_seconds); nothing: "0 secs". */
export function humanTextWithSeconds(total: number): string {
  const s = Math.max(0, Math.floor(total));
  const parts: string[] = [];
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) parts.push(`${h} ${h === 1 ? 'hr' : 'hrs'}`);
  if (m) parts.push(`${m} ${m === 1 ? 'min' : 'mins'}`);
  if (sec || parts.length === 0) parts.push(`${sec} ${sec === 1 ? 'sec' : 'secs'}`);
  return parts.join(' ');
}
