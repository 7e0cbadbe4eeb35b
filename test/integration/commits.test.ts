/**
 * Commits (issue 12): push webhooks from GitHub, GitLab, Gitea and Forgejo with real signatures,
 * hostile deliveries refused with 4xx, `metronome commits import` from a git repository made in
 * the test, the reference's fields checked one by one, total_seconds = the coding time in the
 * project and branch since the previous commit on that branch, paging, and the real clients.
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WakaTimeApi } from '@nick22985/wakatime-api';
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { WakaTimeClient } from 'wakatime-client';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';
import { runCommand } from '../helpers/process.js';
import { importGitCommits } from '../../src/services/commit-import.js';

/** The reference's fields of a commit. */
const COMMIT_FIELDS = [
  'author_avatar_url', 'author_date', 'author_email', 'author_html_url', 'author_name', 'author_url', 'author_username', 'branch',
  'committer_avatar_url', 'committer_date', 'committer_email', 'committer_html_url', 'committer_name', 'committer_url', 'committer_username',
  'created_at', 'hash', 'html_url', 'human_readable_total', 'human_readable_total_with_seconds', 'id', 'message', 'ref', 'total_seconds', 'truncated_hash', 'url',
];
const LIST_FIELDS = ['commits', 'author', 'next_page', 'next_page_url', 'page', 'prev_page', 'prev_page_url', 'branch', 'project', 'status', 'total', 'total_pages'];
const REPOSITORY_FIELDS = ['default_branch', 'description', 'fork_count', 'full_name', 'homepage', 'html_url', 'id', 'is_fork', 'is_private', 'last_synced_at', 'name', 'provider', 'star_count', 'url', 'watch_count'];

const hex = (n: number) => `${n.toString(16)}c`.padEnd(40, 'a');
const iso = (t: number) => DateTime.fromSeconds(t, { zone: 'Europe/Berlin' }).toISO()!;

describeEachDatabase('commits', (t) => {
  it('webhooks (GitHub, GitLab, Gitea, Forgejo) with their signatures; the reference fields; time per commit', async () => {
    const { user, apiKey } = await t.createUser();
    const T = DateTime.utc().startOf('day').minus({ days: 1 }).plus({ hours: 9 }).toSeconds();
    const beat = (dt: number, branch: string) => ({ entity: '/src/app.ts', type: 'file', time: T + dt, project: 'metronome', language: 'TypeScript', branch });
    const beats = [beat(0, 'main'), beat(300, 'main'), beat(600, 'main'), beat(1200, 'main'), beat(1500, 'main'), beat(3000, 'feature'), beat(3300, 'feature')];
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: beats })).statusCode).toBe(201);

    // the owner's webhook for the project: URL and secret
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/projects/metronome/commit_webhook', headers: t.auth(apiKey), payload: {} });
    expect(created.statusCode).toBe(201);
    const hook = created.json().data;
    expect(hook).toMatchObject({ project: 'metronome', content_type: 'application/json', events: ['push'], repository: null, last_delivery_at: null });
    expect(hook.url).toBe(`http://metronome.test/api/v1/commit_webhooks/${hook.id}`);
    expect(hook.secret).toMatch(/^[0-9a-f]{48}$/);
    const url = `/api/v1/commit_webhooks/${hook.id}`;
    const sign = (body: string, secret = hook.secret) => createHmac('sha256', secret).update(body).digest('hex');

    const author = { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada' };
    const github = {
      ref: 'refs/heads/main',
      repository: { id: 42, name: 'metronome', full_name: 'ada/metronome', html_url: 'https://github.com/ada/metronome', description: 'time', fork: false, private: true, homepage: null, default_branch: 'main', stargazers_count: 3, watchers_count: 2, forks_count: 1 },
      commits: [
        { id: hex(1), message: 'First light', timestamp: iso(T + 900), url: `https://github.com/ada/metronome/commit/${hex(1)}`, author, committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' } },
        { id: hex(2), message: 'Second\n\nwith a body', timestamp: iso(T + 2000), url: `https://github.com/ada/metronome/commit/${hex(2)}`, author, committer: author },
      ],
    };
    const body = JSON.stringify(github);
    const deliver = (payload: string, headers: Record<string, string>) => t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload });

    // refused: a wrong signature (401), none (401), an unknown hook (404), not a forge (400)
    expect((await deliver(body, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(body, 'another secret entirely')}` })).statusCode).toBe(401);
    expect((await deliver(body, { 'x-github-event': 'push' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/commit_webhooks/00000000-0000-4000-8000-000000000000', headers: { 'x-github-event': 'push', 'content-type': 'application/json' }, payload: body })).statusCode).toBe(404);
    expect((await deliver(body, {})).statusCode).toBe(400);
    // a ping is acknowledged, stores nothing
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    expect((await deliver(ping, { 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${sign(ping)}` })).json().data).toMatchObject({ event: 'ping', stored: 0 });

    const ok = await deliver(body, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(body)}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data).toEqual({ event: 'push', provider: 'github', branch: 'main', received: 2, stored: 2 });
    // redelivered: nothing new
    expect((await deliver(body, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(body)}` })).json().data.stored).toBe(0);

    // hostile payloads, correctly signed: 400 naming the field, nothing stored
    const hostile = async (payload: unknown, field: string) => {
      const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const res = await deliver(raw, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(raw)}` });
      expect(res.statusCode, raw.slice(0, 80)).toBe(400);
      expect(res.json().errors?.[field] ?? res.json().error, raw.slice(0, 80)).toBeDefined();
      expect(JSON.stringify(res.json())).toContain(field);
    };
    await hostile('{not json', 'body');
    await hostile([1, 2], 'body');
    await hostile({ ref: 'refs/heads/main', commits: 'all of them' }, 'commits');
    await hostile({ ref: 'refs/heads/main', commits: [{ ...github.commits[0], id: 'x; rm -rf /' }] }, 'commits[0].id');
    await hostile({ ref: 'refs/heads/main', commits: [{ ...github.commits[0], id: hex(9), message: 'nul\u0000byte' }] }, 'commits[0].message');
    await hostile({ ref: 'refs/heads/main', commits: [{ ...github.commits[0], id: hex(9), timestamp: '1970-01-01T00:00:00Z' }] }, 'commits[0].timestamp');
    await hostile({ ref: 'refs/heads/main', commits: [{ ...github.commits[0], id: hex(9), author: 'ada' }] }, 'commits[0].author');
    await hostile({ ref: 'refs/heads/main', commits: Array.from({ length: 2001 }, (_, i) => ({ ...github.commits[0], id: hex(100 + i) })) }, 'commits');
    await hostile('['.repeat(50_000) + ']'.repeat(50_000), 'body');

    // GitLab: the token header; Gitea and Forgejo: their signature headers
    const gitlab = JSON.stringify({ object_kind: 'push', ref: 'refs/heads/feature', project: { id: 7, name: 'metronome', path_with_namespace: 'ada/metronome', web_url: 'https://gitlab.com/ada/metronome', default_branch: 'main', visibility_level: 0 }, commits: [{ id: hex(3), message: 'Feature work', timestamp: iso(T + 3600), url: `https://gitlab.com/ada/metronome/-/commit/${hex(3)}`, author: { name: 'Ada Lovelace', email: 'ada@example.com' } }] });
    expect((await deliver(gitlab, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'wrong' })).statusCode).toBe(401);
    expect((await deliver(gitlab, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': hook.secret })).json().data).toMatchObject({ provider: 'gitlab', branch: 'feature', stored: 1 });
    const gitea = JSON.stringify({ ref: 'refs/heads/feature', repository: { id: 9, name: 'metronome', full_name: 'ada/metronome', html_url: 'https://git.example.org/ada/metronome', default_branch: 'main' }, commits: [{ id: hex(4), message: 'On Gitea', timestamp: iso(T + 3700), url: 'javascript:alert(1)', author, committer: author }] });
    expect((await deliver(gitea, { 'x-gitea-event': 'push', 'x-gitea-signature': sign(`${gitea} `) })).statusCode).toBe(401);
    expect((await deliver(gitea, { 'x-gitea-event': 'push', 'x-gitea-signature': sign(gitea) })).json().data).toMatchObject({ provider: 'gitea', stored: 1 });
    const forgejo = gitea.replace(hex(4), hex(5));
    expect((await deliver(forgejo, { 'x-forgejo-event': 'push', 'x-gitea-event': 'push', 'x-forgejo-signature': sign(forgejo) })).json().data).toMatchObject({ provider: 'forgejo', stored: 1 });

    // the list: default branch (main, as the last push said), newest first, the reference's fields
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects/metronome/commits', headers: t.auth(apiKey) });
    expect(list.statusCode).toBe(200);
    const page = list.json();
    expect(Object.keys(page).sort()).toEqual([...LIST_FIELDS].sort());
    expect(page).toMatchObject({ author: null, branch: 'main', page: 1, next_page: null, next_page_url: null, prev_page: null, prev_page_url: null, status: 'ok', total: 2, total_pages: 1 });
    expect(Object.keys(page.project).sort()).toEqual(['id', 'name', 'privacy', 'repository']);
    expect(page.project).toMatchObject({ name: 'metronome', privacy: null });
    expect(page.project.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(page.project.repository).sort()).toEqual([...REPOSITORY_FIELDS].sort());
    expect(page.project.repository).toMatchObject({ provider: 'forgejo', full_name: 'ada/metronome', default_branch: 'main', html_url: 'https://git.example.org/ada/metronome' });
    for (const c of page.commits) expect(Object.keys(c).sort()).toEqual([...COMMIT_FIELDS].sort());
    const [second, first] = page.commits;
    expect(first).toMatchObject({
      hash: hex(1), truncated_hash: hex(1).slice(0, 7), branch: 'main', ref: 'refs/heads/main', message: 'First light',
      author_name: 'Ada Lovelace', author_email: 'ada@example.com', author_username: 'ada', author_html_url: 'https://github.com/ada',
      author_url: 'https://api.github.com/users/ada', author_avatar_url: 'https://github.com/ada.png',
      committer_name: 'GitHub', committer_username: 'web-flow', html_url: `https://github.com/ada/metronome/commit/${hex(1)}`,
      author_date: DateTime.fromSeconds(T + 900, { zone: 'utc' }).toISO({ suppressMilliseconds: true }),
      url: `http://metronome.test/api/v1/users/${user.uuid}/projects/metronome/commits/${hex(1)}`,
      // heartbeats at 0, 300, 600 (its gap to 1200 clipped at the commit, 900): 15 minutes
      total_seconds: 900, human_readable_total: '15 mins', human_readable_total_with_seconds: '15 mins',
    });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(first.created_at)).toBeGreaterThan(0);
    // since the first commit: the rest of 600's gap (300) and 1200's (300); 1500's gap is past the timeout
    expect(second).toMatchObject({ hash: hex(2), total_seconds: 600, human_readable_total: '10 mins', message: 'Second\n\nwith a body' });

    // another branch: only that branch's time
    const feature = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects/metronome/commits?branch=feature', headers: t.auth(apiKey) })).json();
    expect(feature.commits.map((c: { hash: string; total_seconds: number }) => [c.hash, c.total_seconds])).toEqual([
      [hex(5), 0],
      [hex(4), 0],
      [hex(3), 300],
    ]);
    expect(feature.commits[1]).toMatchObject({ html_url: null, author_html_url: 'https://git.example.org/ada', author_url: 'https://git.example.org/api/v1/users/ada', author_avatar_url: null });
    expect(feature.commits[2]).toMatchObject({ committer_name: 'Ada Lovelace', author_username: null, author_html_url: null });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects/metronome/commits?author=nobody', headers: t.auth(apiKey) })).json()).toMatchObject({ total: 0, commits: [], author: 'nobody' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects/metronome/commits?author=ada', headers: t.auth(apiKey) })).json().total).toBe(2);

    // one commit, by hash or prefix
    const one = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/projects/metronome/commits/${hex(1).slice(0, 10)}`, headers: t.auth(apiKey) });
    expect(one.statusCode).toBe(200);
    expect(Object.keys(one.json()).sort()).toEqual(['branch', 'commit', 'project', 'status']);
    expect(one.json()).toMatchObject({ branch: 'main', status: 'ok', commit: { hash: hex(1), total_seconds: 900 } });
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/current/projects/metronome/commits/${'f'.repeat(40)}`, headers: t.auth(apiKey) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects/metronome/commits/zz', headers: t.auth(apiKey) })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects/nope/commits', headers: t.auth(apiKey) })).statusCode).toBe(404);

    // the real clients
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const nick = new WakaTimeApi(apiKey, `${address}/api/v1/`);
    const viaNick = (await nick.getMyCommits('metronome', undefined, 'feature', 1)) as { commits: { hash: string }[]; branch: string };
    expect(viaNick.branch).toBe('feature');
    expect(viaNick.commits).toHaveLength(3);
    const oneViaNick = (await nick.getMyCommit('metronome', hex(3), 'feature')) as { commit: { total_seconds: number } };
    expect(oneViaNick.commit.total_seconds).toBe(300);
    const wc = new WakaTimeClient(apiKey, `${address}/api/v1/`);
    const viaWc = (await wc.getMyCommits({ projectName: 'metronome' })) as { commits: { hash: string }[]; total: number };
    expect(viaWc.commits.map((c) => c.hash)).toEqual([hex(2), hex(1)]);

    // another user reaches neither the commits nor the webhook
    const { apiKey: otherKey } = await t.createUser();
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.username}/projects/metronome/commits`, headers: t.auth(otherKey) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects/metronome/commit_webhook', headers: t.auth(otherKey) })).statusCode).toBe(404);

    // the webhook: read back (with the repository of the last push), rotated, removed
    const read = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects/metronome/commit_webhook', headers: t.auth(apiKey) })).json().data;
    expect(read).toMatchObject({ id: hook.id, secret: hook.secret, repository: { provider: 'forgejo' } });
    expect(read.last_delivery_at).not.toBeNull();
    const rotated = (await t.app.inject({ method: 'POST', url: '/api/v1/users/current/projects/metronome/commit_webhook', headers: t.auth(apiKey), payload: { secret: 'a-chosen-secret-of-some-length' } })).json().data;
    expect(rotated).toMatchObject({ id: hook.id, secret: 'a-chosen-secret-of-some-length' });
    expect((await deliver(body, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(body)}` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/users/current/projects/metronome/commit_webhook', headers: t.auth(apiKey), payload: { secret: 'short' } })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/projects/metronome/commit_webhook', headers: t.auth(apiKey) })).statusCode).toBe(204);
    expect((await deliver(body, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(body, rotated.secret)}` })).statusCode).toBe(404);
  });

  it('metronome commits import reads a local repository (git, no shell) and pages its commits', async () => {
    const { user, apiKey } = await t.createUser();
    const dir = mkdtempSync(path.join(tmpdir(), 'metronome-git-'));
    try {
      const git = (args: string[], env: Record<string, string> = {}) => execFileSync('git', ['-C', dir, ...args], { env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', ...env }, encoding: 'utf8' });
      git(['init', '-q', '-b', 'trunk']);
      git(['config', 'user.name', 'Grace Hopper']);
      git(['config', 'user.email', 'grace@example.com']);
      const start = DateTime.utc().minus({ days: 3 }).startOf('hour').toSeconds();
      for (let i = 0; i < 35; i++) {
        const date = `@${start + i * 600} +0000`;
        git(['commit', '-q', '--allow-empty', '-m', `change ${i}`, '-m', `body of ${i}; $(touch /tmp/pwned)`], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
      }
      // heartbeats between change 3 and change 4 on trunk
      const beats = [0, 120, 240].map((dt) => ({ entity: '/x.c', type: 'file', time: start + 3 * 600 + 60 + dt, project: 'compiler', branch: 'trunk' }));
      await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: beats });

      const env = { DATABASE_URL: t.databaseUrl };
      const imported = await runCommand(['commits', 'import', user.username, '--project', 'compiler', '--repo', dir, '--json'], env);
      expect(imported.code, imported.stderr).toBe(0);
      expect(JSON.parse(imported.stdout)).toEqual({ project: 'compiler', branch: 'trunk', read: 35, added: 35 });
      // the same import in-process (what the command calls): idempotent; an option posing as a branch is refused
      expect(await importGitCommits(t.storage, user, { project: 'compiler', repo: dir, branch: 'trunk' })).toEqual({ project: 'compiler', branch: 'trunk', read: 35, added: 0 });
      await expect(importGitCommits(t.storage, user, { project: 'compiler', repo: dir, branch: '--output=/tmp/x' })).rejects.toMatchObject({ field: 'branch' });
      await expect(importGitCommits(t.storage, user, { project: 'compiler', repo: path.join(dir, 'missing'), branch: null })).rejects.toMatchObject({ field: 'repo' });

      const get = async (q: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/users/current/projects/compiler/commits${q}`, headers: t.auth(apiKey) })).json();
      const p1 = await get('');
      expect(p1).toMatchObject({ branch: null, page: 1, total: 35, total_pages: 2, next_page: 2, prev_page: null, prev_page_url: null });
      expect(p1.next_page_url).toBe(`http://metronome.test/api/v1/users/${user.uuid}/projects/compiler/commits?page=2`);
      expect(p1.commits).toHaveLength(30);
      expect(p1.commits[0]).toMatchObject({ message: 'change 34\n\nbody of 34; $(touch /tmp/pwned)', author_name: 'Grace Hopper', author_email: 'grace@example.com', committer_name: 'Grace Hopper', branch: 'trunk', author_username: null, html_url: null });
      const p2 = await get('?page=2&branch=trunk');
      expect(p2).toMatchObject({ branch: 'trunk', page: 2, next_page: null, prev_page: 1 });
      expect(p2.commits.map((c: { message: string }) => c.message.split('\n')[0])).toEqual(['change 4', 'change 3', 'change 2', 'change 1', 'change 0']);
      // change 4's time: the heartbeats after change 3 (240 s: the last one has no successor)
      expect(p2.commits[0].total_seconds).toBe(240);
      expect(p2.commits[1].total_seconds).toBe(0);
      expect((await get('?page=3')).commits).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
