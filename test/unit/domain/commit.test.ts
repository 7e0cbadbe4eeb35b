/** domain/commit.ts and domain/external-duration.ts: signatures, payloads, git log, windows, dirty hours. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commitWindow, COMMIT_WINDOW_MAX_SECONDS, detectProvider, humanTextWithSeconds, parseGitLog, parsePush, PayloadError, verifyDelivery } from '../../../src/domain/commit.js';
import { dirtyInstants, normalizeExternalDuration } from '../../../src/domain/external-duration.js';

const NOW = Date.UTC(2026, 0, 15) / 1000;

describe('commit webhooks', () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  const mac = createHmac('sha256', 'topsecret-topsecret').update(body).digest('hex');
  it('tells the forge by its event header (Forgejo before Gitea, whose headers it also sends)', () => {
    expect(detectProvider({ 'x-github-event': 'push' })).toEqual({ provider: 'github', event: 'push' });
    expect(detectProvider({ 'x-gitea-event': 'push', 'x-forgejo-event': 'push' })).toEqual({ provider: 'forgejo', event: 'push' });
    expect(detectProvider({ 'x-gitlab-event': 'Push Hook' })).toEqual({ provider: 'gitlab', event: 'Push Hook' });
    expect(detectProvider({})).toBeNull();
  });
  it('checks each forge’s signature over the exact bytes', () => {
    expect(verifyDelivery('github', { 'x-hub-signature-256': `sha256=${mac}` }, body, 'topsecret-topsecret')).toBe(true);
    expect(verifyDelivery('github', { 'x-hub-signature-256': `sha256=${mac}` }, Buffer.from(`${body} `), 'topsecret-topsecret')).toBe(false);
    expect(verifyDelivery('github', { 'x-hub-signature-256': mac }, body, 'topsecret-topsecret')).toBe(false);
    expect(verifyDelivery('gitea', { 'x-gitea-signature': mac }, body, 'topsecret-topsecret')).toBe(true);
    expect(verifyDelivery('forgejo', { 'x-forgejo-signature': mac }, body, 'topsecret-topsecret')).toBe(true);
    expect(verifyDelivery('forgejo', { 'x-forgejo-signature': mac }, body, 'another-secret-xx')).toBe(false);
    expect(verifyDelivery('gitlab', { 'x-gitlab-token': 'topsecret-topsecret' }, body, 'topsecret-topsecret')).toBe(true);
    expect(verifyDelivery('gitlab', { 'x-gitlab-token': 'topsecret' }, body, 'topsecret-topsecret')).toBe(false);
  });
  it('reads a push and refuses what a column can not hold, naming the field', () => {
    const push = parsePush('github', { ref: 'refs/tags/v1', commits: [] }, NOW);
    expect(push.branch).toBeNull();
    const bad = (payload: unknown) => {
      try {
        parsePush('github', payload, NOW);
        return null;
      } catch (err) {
        return err instanceof PayloadError ? err.field : 'other';
      }
    };
    expect(bad(null)).toBe('body');
    expect(bad({ ref: 5 })).toBe('ref');
    expect(bad({ ref: 'refs/heads/x', commits: [{ id: 'abcdef1', timestamp: 'yesterday' }] })).toBe('commits[0].timestamp');
    expect(bad({ ref: 'refs/heads/x', commits: [{ id: 'abcdef1', timestamp: '2025-01-01T00:00:00Z', message: { toString: 1 } }] })).toBe('commits[0].message');
    expect(bad({ ref: 'refs/heads/x', commits: [{ id: 'abcdef1', timestamp: '2025-01-01T00:00:00Z', author: { name: 'x'.repeat(2000) } }] })).toBe('commits[0].author.name');
    expect(bad({ ref: 'refs/heads/x', repository: { full_name: 'a\uD800' } })).toBe('repository.full_name');
  });
});

describe('git log', () => {
  it('parses the records git prints with GIT_LOG_FORMAT', () => {
    const rec = (h: string, msg: string) => [h, 'Grace', 'g@example.com', '2025-01-02T03:04:05+01:00', 'Linus', 'l@example.com', '2025-01-03T00:00:00Z', `${msg}\n`].join('\x1f') + '\x1e\n';
    const out = parseGitLog(rec('a'.repeat(40), 'one\n\nbody with \x1f inside') + rec('b'.repeat(40), 'two'), NOW);
    expect(out.map((c) => [c.hash, c.message, c.author.name, c.author.date, c.committer.name])).toEqual([
      ['a'.repeat(40), 'one\n\nbody with \x1f inside', 'Grace', Date.UTC(2025, 0, 2, 2, 4, 5) / 1000, 'Linus'],
      ['b'.repeat(40), 'two', 'Grace', Date.UTC(2025, 0, 2, 2, 4, 5) / 1000, 'Linus'],
    ]);
    expect(() => parseGitLog('zzz\x1fa\x1e', NOW)).toThrow(PayloadError);
  });
});

describe('time windows and texts', () => {
  it('takes a commit’s time since the previous commit, at most 31 days back', () => {
    expect(commitWindow(NOW - 3600, NOW)).toEqual({ start: NOW - 3600, end: NOW });
    expect(commitWindow(null, NOW)).toEqual({ start: NOW - COMMIT_WINDOW_MAX_SECONDS, end: NOW });
    expect(commitWindow(NOW - 100 * 86400, NOW).start).toBe(NOW - COMMIT_WINDOW_MAX_SECONDS);
  });
  it('writes the reference’s human_readable_total_with_seconds', () => {
    expect(humanTextWithSeconds(0)).toBe('0 secs');
    expect(humanTextWithSeconds(61)).toBe('1 min 1 sec');
    expect(humanTextWithSeconds(7503)).toBe('2 hrs 5 mins 3 secs');
    expect(humanTextWithSeconds(3600)).toBe('1 hr');
  });
  it('marks the start of an external span and each later hour it touches dirty (bounded)', () => {
    const h = Math.floor(NOW / 3600) * 3600;
    expect(dirtyInstants(h + 600, h + 7300)).toEqual([h + 600, h + 3600, h + 7200]);
    expect(dirtyInstants(h, h + 10 * 86400)).toHaveLength(25);
    expect(dirtyInstants(Number.NaN, h)).toEqual([]);
  });
  it('validates an external duration against the account and the year', () => {
    const ok = { external_id: 'x', entity: 'e', type: 'app', start_time: NOW - 600, end_time: NOW - 60 };
    expect(normalizeExternalDuration(ok, { now: NOW, accountCreatedAt: NOW - 86400 })).toMatchObject({ ok: true, value: { category: 'coding', provider: null } });
    expect(normalizeExternalDuration({ ...ok, type: 'domain' }, { now: NOW, accountCreatedAt: 0 })).toMatchObject({ ok: true, value: { category: 'browsing' } });
    expect(normalizeExternalDuration(ok, { now: NOW, accountCreatedAt: NOW - 300 })).toMatchObject({ ok: false, errors: { start_time: [expect.any(String)] } });
    expect(normalizeExternalDuration({ ...ok, start_time: '1e309' }, { now: NOW, accountCreatedAt: 0 })).toMatchObject({ ok: false, errors: { start_time: [expect.any(String)] } });
    expect(normalizeExternalDuration({ ...ok, meta: 'm'.repeat(2084) }, { now: NOW, accountCreatedAt: 0 })).toMatchObject({ ok: false, errors: { meta: [expect.any(String)] } });
  });
});
