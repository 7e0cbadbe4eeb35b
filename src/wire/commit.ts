/** Wire resources of commits (issue 12): a commit, the project it belongs to, a page and one commit. */
import { Type, type Static } from '@sinclair/typebox';
import { isoUtc } from '../domain/calendar.js';
import { humanTextWithSeconds, type Repository } from '../domain/commit.js';
import { humanText } from '../domain/format.js';
import { Nullable } from './common.js';

const S = (description: string) => Nullable(Type.String({ description }));

export const CommitResource = Type.Object(
  {
    author_avatar_url: S("url of author's avatar image"),
    author_date: Type.String({ description: 'time when commit was authored in ISO 8601 format' }),
    author_email: S('email address of author'),
    author_html_url: S("link to author's profile on GitHub, GitLab, Gitea…"),
    author_name: S('name of author'),
    author_url: S("api url for author's profile"),
    author_username: S("author's username"),
    branch: Type.String({ description: 'branch name, for ex: master' }),
    committer_avatar_url: S("url of committer's avatar image"),
    committer_date: Type.String({ description: 'time when commit was committed in ISO 8601 format' }),
    committer_email: S('email address of committer'),
    committer_html_url: S("link to committer's profile on GitHub, GitLab, Gitea…"),
    committer_name: S('name of committer'),
    committer_url: S("api url for committer's profile"),
    committer_username: S("committer's username"),
    created_at: Type.String({ description: 'time commit was synced in ISO 8601 format' }),
    hash: Type.String({ description: 'revision control hash of this commit' }),
    html_url: S('link to an html page with details about current commit'),
    human_readable_total: Type.String({ description: 'time coded in editor for this commit' }),
    human_readable_total_with_seconds: Type.String({ description: 'time coded in editor for this commit' }),
    id: Type.String({ description: 'unique id of commit' }),
    message: Type.String({ description: "author's description of this commit" }),
    ref: Type.String({ description: 'refs/heads/master' }),
    total_seconds: Type.Number({ description: 'time coded in editor for this commit' }),
    truncated_hash: Type.String({ description: 'truncated revision control hash of this commit' }),
    url: Type.String({ description: 'api url with details about current commit' }),
  },
  { additionalProperties: false },
);
export type CommitResource = Static<typeof CommitResource>;

const Int = (description: string) => Nullable(Type.Integer({ description }));
export const RepositoryResource = Type.Object(
  {
    default_branch: S('default branch if given for this repo'),
    description: S('remote repository description'),
    fork_count: Int('number of repo forks if available'),
    full_name: S('username and repo name, ex: wakatime/wakadump'),
    homepage: S('homepage of repository'),
    html_url: S('html url for repository'),
    id: S('unique id of repository'),
    is_fork: Nullable(Type.Boolean({ description: 'whether this repo is a fork or original' })),
    is_private: Nullable(Type.Boolean({ description: 'whether this repo is private or public' })),
    last_synced_at: S('last time this repo was synced with remote provider ISO 8601 format'),
    name: S('repository name'),
    provider: S('remote provider of repository, ex: github'),
    star_count: Int('number of repo stars if available'),
    url: S('api url of remote repository'),
    watch_count: Int('number of watchers of repo if available'),
  },
  { additionalProperties: false },
);

export const CommitProject = Type.Object(
  {
    id: S('unique id of project (null until heartbeats created it)'),
    name: Type.String({ description: 'project name' }),
    privacy: S('project privacy setting (Metronome has none: null)'),
    repository: Nullable(RepositoryResource),
  },
  { additionalProperties: false },
);

export const CommitList = Type.Object(
  {
    commits: Type.Array(CommitResource),
    author: S('current author or null if showing commits from all authors'),
    next_page: Int('next page number or null if last page'),
    next_page_url: S('url for next page or null if last page'),
    page: Type.Integer({ description: 'current page number' }),
    prev_page: Int('previous page number or null if first page'),
    prev_page_url: S('url for previous page or null if first page'),
    branch: S('branch name containing the commits (null: every branch)'),
    project: CommitProject,
    status: S("project's sync status: ok once commits arrived"),
    total: Type.Integer({ description: 'number of commits available' }),
    total_pages: Type.Integer({ description: 'number of pages available' }),
  },
  { additionalProperties: false },
);

export const CommitOne = Type.Object(
  { commit: CommitResource, branch: Type.String(), project: CommitProject, status: S("project's sync status") },
  { additionalProperties: false },
);

export const CommitWebhookResource = Type.Object(
  {
    id: Type.String({ description: 'the webhook id (in its URL)' }),
    project: Type.String(),
    url: Type.String({ description: 'the payload URL to give GitHub, GitLab, Gitea or Forgejo' }),
    secret: Type.String({ description: 'the secret (GitHub, Gitea, Forgejo) or token (GitLab) deliveries must be signed with' }),
    content_type: Type.String({ description: 'application/json' }),
    events: Type.Array(Type.String(), { description: 'the events to send: push' }),
    repository: Nullable(RepositoryResource),
    created_at: Type.String(),
    last_delivery_at: S('when the last delivery arrived'),
  },
  { additionalProperties: false },
);

export interface CommitLike {
  uuid: string; project: string; branch: string; hash: string; message: string; html_url: string | null; created_at: number;
  author_name: string | null; author_email: string | null; author_username: string | null; author_url: string | null; author_html_url: string | null; author_avatar_url: string | null; author_date: number;
  committer_name: string | null; committer_email: string | null; committer_username: string | null; committer_url: string | null; committer_html_url: string | null; committer_avatar_url: string | null; committer_date: number;
}

/** `apiBase`: `${BASE_URL}/api/v1/users/<user id>` (the commit's API url is under it). */
export function toCommitResource(c: CommitLike, totalSeconds: number, apiBase: string): CommitResource {
  return {
    author_avatar_url: c.author_avatar_url, author_date: isoUtc(Number(c.author_date)), author_email: c.author_email, author_html_url: c.author_html_url,
    author_name: c.author_name, author_url: c.author_url, author_username: c.author_username,
    branch: c.branch,
    committer_avatar_url: c.committer_avatar_url, committer_date: isoUtc(Number(c.committer_date)), committer_email: c.committer_email,
    committer_html_url: c.committer_html_url, committer_name: c.committer_name, committer_url: c.committer_url, committer_username: c.committer_username,
    created_at: isoUtc(Number(c.created_at)),
    hash: c.hash,
    html_url: c.html_url,
    human_readable_total: humanText(totalSeconds),
    human_readable_total_with_seconds: humanTextWithSeconds(totalSeconds),
    id: c.uuid,
    message: c.message,
    ref: `refs/heads/${c.branch}`,
    total_seconds: Math.round(totalSeconds * 100) / 100,
    truncated_hash: c.hash.slice(0, 7),
    url: `${apiBase}/projects/${encodeURIComponent(c.project)}/commits/${c.hash}`,
  };
}

export function toCommitProject(p: { id: string | null; name: string; repository: Repository | null }): Static<typeof CommitProject> {
  return { id: p.id, name: p.name, privacy: null, repository: p.repository };
}

/** The owner's view of a project's commit webhook; `baseUrl` makes its payload URL. */
export function toCommitWebhookResource(
  w: { uuid: string; project: string; secret: string; repository: Repository | null; created_at: number; last_delivery_at: number | null },
  baseUrl: string,
): Static<typeof CommitWebhookResource> {
  return {
    id: w.uuid,
    project: w.project,
    url: `${baseUrl.replace(/\/+$/, '')}/api/v1/commit_webhooks/${w.uuid}`,
    secret: w.secret,
    content_type: 'application/json',
    events: ['push'],
    repository: w.repository,
    created_at: isoUtc(w.created_at),
    last_delivery_at: w.last_delivery_at === null ? null : isoUtc(w.last_delivery_at),
  };
}
