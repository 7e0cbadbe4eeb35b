/** Data transfer rules (domain/transfer.ts): signed links, what an imported heartbeat keeps, server URLs, backoff. */
import { describe, expect, it } from 'vitest';
import {
  apiBase,
  countReason,
  dumpIsStuck,
  dumpStatusText,
  importableHeartbeat,
  MAX_SKIP_REASONS,
  maskSecret,
  relayBackoffSeconds,
  relayedHeartbeat,
  signDownload,
  verifyDownload,
} from '../../../src/domain/transfer.js';

describe('data dump links', () => {
  it('verifies its own signature until it expires, and nothing else', () => {
    const sig = signDownload('secret', 'id-1', 2000);
    expect(verifyDownload('secret', 'id-1', 2000, sig, 1999)).toBe(true);
    expect(verifyDownload('secret', 'id-1', 2000, sig, 2001)).toBe(false);
    expect(verifyDownload('secret', 'id-1', 2001, sig, 1999)).toBe(false);
    expect(verifyDownload('secret', 'id-2', 2000, sig, 1999)).toBe(false);
    expect(verifyDownload('other', 'id-1', 2000, sig, 1999)).toBe(false);
    expect(verifyDownload('secret', 'id-1', 2000, sig.slice(1), 1999)).toBe(false);
    expect(verifyDownload('secret', 'id-1', Number.NaN, sig, 1999)).toBe(false);
  });

  it('says the reference status texts and when a dump is stuck', () => {
    expect(['pending', 'processing', 'completed', 'failed'].map(dumpStatusText)).toEqual(['Pending…', 'Processing coding activity…', 'Completed', 'Failed']);
    expect(dumpIsStuck({ status: 'processing', updated_at: 0 }, 601)).toBe(true);
    expect(dumpIsStuck({ status: 'processing', updated_at: 0 }, 599)).toBe(false);
    expect(dumpIsStuck({ status: 'completed', updated_at: 0 }, 10_000)).toBe(false);
  });
});

describe('importableHeartbeat', () => {
  it('drops what the other server assigned and keeps what the plugin sent', () => {
    const got = importableHeartbeat(
      { id: 'x', user_id: 'u', created_at: 'c', machine_name_id: 'm1', user_agent_id: 'a1', editor: 'VS Code', operating_system: 'Linux', entity: 'e', time: 1, lines: null, custom: { a: 1 } },
      { userAgents: new Map([['a1', 'wakatime/1 vim/9']]), machines: new Map([['m1', 'box']]) },
    );
    expect(got).toEqual({ input: { entity: 'e', time: 1, custom: { a: 1 }, user_agent: 'wakatime/1 vim/9' }, machine: 'box' });
    expect(importableHeartbeat({ entity: 'e', machine: 'named', machine_name_id: 'm1', user_agent: 'ua' }, { machines: new Map([['m1', 'box']]) })).toEqual({ input: { entity: 'e', user_agent: 'ua' }, machine: 'named' });
    expect(importableHeartbeat('x')).toBeNull();
    expect(importableHeartbeat([1])).toBeNull();
    // a field named __proto__ stays data
    const proto = importableHeartbeat(JSON.parse('{"__proto__": {"polluted": true}, "entity": "e"}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(proto!.input)).toContain('__proto__');
  });

  it('keeps at most MAX_SKIP_REASONS distinct reasons', () => {
    const reasons: Record<string, number> = {};
    for (let i = 0; i < MAX_SKIP_REASONS + 10; i++) countReason(reasons, `r${i}`);
    countReason(reasons, 'r0', 2);
    expect(Object.keys(reasons)).toHaveLength(MAX_SKIP_REASONS + 1);
    expect(reasons.r0).toBe(3);
    expect(reasons['other reasons']).toBe(10);
  });
});

describe('apiBase', () => {
  it('turns what a user types into an API base', () => {
    expect(apiBase('https://wakatime.com')).toBe('https://wakatime.com/api/v1');
    expect(apiBase('https://wakatime.com/api/v1/')).toBe('https://wakatime.com/api/v1');
    expect(apiBase(' https://w.example/api/compat/wakatime/v1?x=1#y ')).toBe('https://w.example/api/compat/wakatime/v1');
    expect(apiBase('http://127.0.0.1:3000/api/v1')).toBe('http://127.0.0.1:3000/api/v1');
    for (const bad of ['ftp://x', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'https://user:pw@x.example']) expect(apiBase(bad)).toBeNull();
  });
});

describe('relay', () => {
  it('backs off 2 s, 4 s … up to an hour', () => {
    expect([0, 1, 2, 3, 10, 12, 50].map(relayBackoffSeconds)).toEqual([2, 2, 4, 8, 1024, 3600, 3600]);
  });

  it('sends a stored heartbeat as a plugin did, unknown fields included', () => {
    const h = relayedHeartbeat({
      time: 5, entity: 'e', type: 'file', category: 'coding', project: 'p', project_root_count: null, branch: null, language: 'Go', dependencies: '["a"]',
      lines: 3, line_additions: null, line_deletions: null, lineno: null, cursorpos: null, is_write: 1, ai_line_changes: null, human_line_changes: null,
      user_agent: 'ua', extra: '{"custom":1}',
    });
    expect(h).toEqual({ custom: 1, time: 5, entity: 'e', type: 'file', category: 'coding', is_write: true, project: 'p', language: 'Go', lines: 3, user_agent: 'ua', dependencies: ['a'] });
    expect(maskSecret('waka_0123456789abcdef')).toBe('waka…cdef');
    expect(maskSecret('short')).toBe('…');
  });
});
