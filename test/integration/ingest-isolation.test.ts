/**
 * Issue 13 items 2 and 4: one bad heartbeat costs only itself. Values a column can not hold (NUL,
 * unpaired surrogates, integers out of range) and unknown fields nested absurdly deep are per-item
 * 400s naming the field; and when a shared commit fails anyway (something validation does not
 * catch), the writer retries each request and each heartbeat on its own, so other requests and
 * other users' batches are stored and acknowledged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';
import { createHash } from 'node:crypto';
import { cleanHeaderValue, heartbeatHash, heartbeatId, LIMITS, normalizeHeartbeat, parseHeartbeatId, type Heartbeat } from '../../src/domain/heartbeat.js';
import type { HeartbeatsChangedHook, IngestItem } from '../../src/services/ingest.js';

type Responses = { responses: [Record<string, any>, number][] };
const url = '/api/v1/users/current/heartbeats.bulk';
const base = Date.UTC(2024, 6, 1, 12) / 1000;

/** `{"extra": {"a": {"a": … 1 …}}}` nested `depth` levels, as raw JSON text. */
function deepJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function heartbeat(userId: number, fields: Record<string, unknown>): IngestItem {
  const r = normalizeHeartbeat({ type: 'file', ...fields }, { userAgent: null, machine: null, parseUserAgent: () => ({ editor: null, operating_system: null, plugin: null }), now: Date.now() / 1000 });
  if (!r.ok) throw new Error(JSON.stringify(r));
  return { heartbeat: r.heartbeat, hash: heartbeatHash(userId, r.heartbeat) };
}

describe('heartbeat validation (domain)', () => {
  const ctx = { userAgent: null, machine: null, parseUserAgent: () => ({ editor: null, operating_system: null, plugin: null }), now: base + 3600 };
  const fieldsOf = (input: unknown) => {
    const r = normalizeHeartbeat(input, ctx);
    return r.ok ? [] : 'errors' in r ? Object.keys(r.errors) : ['(error)'];
  };

  it("treats unknown fields named like Object.prototype's (constructor, __proto__, toString) as plain names (found by the fuzz test: a 500)", () => {
    const bad = normalizeHeartbeat(JSON.parse('{"entity":"a","time":' + base + ',"constructor":["\\ud800"],"toString":"\\u0000"}'), ctx);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && 'errors' in bad ? Object.keys(bad.errors).sort() : []).toEqual(['constructor', 'toString']);
    const ok = normalizeHeartbeat(JSON.parse('{"entity":"a","time":' + base + ',"__proto__":{"x":1},"constructor":"c"}'), ctx);
    expect(ok.ok && ok.heartbeat.extra ? JSON.stringify(ok.heartbeat.extra) : null).toBe('{"__proto__":{"x":1},"constructor":"c"}');
  });

  it('names the field holding NUL or an unpaired surrogate, in known fields, dependencies and unknown fields (keys and nested values)', () => {
    const ok = { entity: '/a.ts', time: base };
    expect(fieldsOf(ok)).toEqual([]);
    expect(fieldsOf({ ...ok, entity: 'a\u0000b' })).toEqual(['entity']);
    expect(fieldsOf({ ...ok, project: 'p\ud800' })).toEqual(['project']);
    expect(fieldsOf({ ...ok, branch: '\udc00main' })).toEqual(['branch']);
    expect(fieldsOf({ ...ok, language: 'Go\u0000' })).toEqual(['language']);
    expect(fieldsOf({ ...ok, category: 'co\u0000ding' })).toEqual(['category']);
    expect(fieldsOf({ ...ok, type: 'fi\u0000le' })).toEqual(['type']);
    expect(fieldsOf({ ...ok, user_agent: 'wakatime/1\u0000' })).toEqual(['user_agent']);
    expect(fieldsOf({ ...ok, plugin: 'x\ud83d' })).toEqual(['plugin']);
    expect(fieldsOf({ ...ok, dependencies: ['react', 'bad\u0000'] })).toEqual(['dependencies']);
    expect(fieldsOf({ ...ok, dependencies: 'react,bad\ud800' })).toEqual(['dependencies']);
    expect(fieldsOf({ ...ok, editor_meta: { a: ['fine', 'x\u0000y'] } })).toEqual(['editor_meta']);
    expect(fieldsOf({ ...ok, editor_meta: { ['k\u0000']: 1 } })).toEqual(['editor_meta']);
    expect(fieldsOf({ ...ok, ['k\u0000']: 1 })).toEqual(['extra']);
    expect(fieldsOf({ ...ok, ['k\udfff']: 1 })).toEqual(['extra']);
    // a well-formed pair (an emoji) is text like any other
    expect(fieldsOf({ ...ok, project: 'rocket \ud83d\ude80', editor_meta: { '\ud83d\ude80': ['\ud83d\ude80'] } })).toEqual([]);
  });

  it('refuses integers the columns can not hold, naming the field', () => {
    const ok = { entity: '/a.ts', time: base };
    expect(fieldsOf({ ...ok, project_root_count: 3000000000 })).toEqual(['project_root_count']);
    expect(fieldsOf({ ...ok, project_root_count: -2147483649 })).toEqual(['project_root_count']);
    expect(fieldsOf({ ...ok, project_root_count: 2147483647 })).toEqual([]);
    expect(fieldsOf({ ...ok, lineno: 2 ** 60 })).toEqual(['lineno']);
    expect(fieldsOf({ ...ok, cursorpos: '1e300' })).toEqual(['cursorpos']);
    expect(fieldsOf({ ...ok, lines: 3000000000, ai_line_changes: -3000000000 })).toEqual([]);
    const r = normalizeHeartbeat({ ...ok, project_root_count: 3e9 }, ctx);
    expect(r.ok ? null : (r as any).errors.project_root_count[0]).toMatch(/2147483647/);
  });

  it('caps the nesting of unknown fields without recursing (no stack overflow however deep)', () => {
    const ok = { entity: '/a.ts', time: base };
    for (const depth of [2_200, 100_000]) {
      const r = normalizeHeartbeat({ ...ok, ...JSON.parse(`{"meta":${deepJson(depth)}}`) }, ctx);
      expect(r.ok).toBe(false);
      expect((r as any).errors.meta[0]).toMatch(/nest more than 32/);
    }
    // arrays count as levels too; 32 levels are fine
    expect(fieldsOf({ ...ok, meta: JSON.parse('['.repeat(33) + ']'.repeat(33)) })).toEqual(['meta']);
    const fine = normalizeHeartbeat({ ...ok, meta: JSON.parse(deepJson(LIMITS.extraDepth - 1)) }, ctx);
    expect(fine.ok).toBe(true);
    if (fine.ok) expect(Number.isSafeInteger(heartbeatHash(1, fine.heartbeat))).toBe(true);
  });

  it('keeps the exact size limit of unknown fields, and stops early on huge ones', () => {
    const ok = { entity: '/a.ts', time: base };
    // 16 KiB of JSON text exactly passes, one more character fails (escapes count as stored)
    const at = (n: number) => ({ ...ok, x: 'a'.repeat(n - '{"x":""}'.length) });
    expect(fieldsOf(at(LIMITS.extraBytes))).toEqual([]);
    expect(fieldsOf(at(LIMITS.extraBytes + 1))).toEqual(['extra']);
    expect(fieldsOf({ ...ok, x: '"'.repeat(LIMITS.extraBytes / 2) })).toEqual(['extra']);
    expect(fieldsOf({ ...ok, x: new Array(1_000_000).fill(0) })).toEqual(['extra']);
    expect(fieldsOf({ ...ok, x: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) })).toEqual(['extra']);
  });

  it('cleans headers (User-Agent, X-Machine-Name) instead of refusing the heartbeats', () => {
    expect(cleanHeaderValue('  box\u0000one\r\n ')).toBe('box one');
    expect(cleanHeaderValue('mac\ud800book')).toBe('macbook');
    expect(cleanHeaderValue('rocket \ud83d\ude80')).toBe('rocket \ud83d\ude80');
    expect(cleanHeaderValue('\u0000\u0001')).toBeNull();
    expect(cleanHeaderValue(undefined)).toBeNull();
    expect(cleanHeaderValue('x'.repeat(5000))).toHaveLength(1024);
  });
});

describe('hashes and ids stay what stored heartbeats were keyed with', () => {
  it('hashes exactly as the first release did (sha1 of the canonical JSON, first 52 bits), and prints ids the same', () => {
    const ctx = { userAgent: 'wakatime/v1.102.1 (linux) go1.21.6 vscode/1.86.1 vscode-wakatime/24.4.0', machine: 'devbox', parseUserAgent: () => ({ editor: 'VS Code', operating_system: 'Linux', plugin: 'vscode-wakatime/24.4.0' }), now: base + 3600 };
    const r = normalizeHeartbeat({ entity: '/src/a.ts', time: base + 0.25, project: 'p', dependencies: ['x', 'y'], lineno: 3, is_write: true, zeta: { b: 1, a: [2, { d: 3, c: 4 }] } }, ctx);
    if (!r.ok) throw new Error('invalid');
    const h = r.heartbeat;
    const sortKeys = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as any)[k])])) : v;
    const canonical = JSON.stringify([
      42, h.time, h.entity, h.type, h.category, h.project, h.project_root_count, h.branch, h.language, h.dependencies, h.lines, h.line_additions,
      h.line_deletions, h.lineno, h.cursorpos, h.is_write, h.ai_line_changes, h.human_line_changes, h.user_agent, h.plugin, h.machine, sortKeys(h.extra),
    ]);
    expect(heartbeatHash(42, h)).toBe(parseInt(createHash('sha1').update(canonical).digest('hex').slice(0, 13), 16));
    for (const hash of [0, 1, 0xfffffff, 0x10000000, 2 ** 52 - 1, heartbeatHash(42, h), 123456789012345, 268435455 * 3]) {
      expect(heartbeatId(hash)).toBe(hash.toString(16).padStart(13, '0'));
      expect(parseHeartbeatId(heartbeatId(hash))).toBe(hash);
    }
  });
});

describeEachDatabase('one bad heartbeat costs only itself', (t) => {
  const extraHooks: HeartbeatsChangedHook[] = [];
  afterEach(() => {
    const hooks = t.app.ctx.services.heartbeats.hooks;
    for (const h of extraHooks.splice(0)) hooks.splice(hooks.indexOf(h), 1);
  });
  function addHook(hook: HeartbeatsChangedHook): void {
    extraHooks.push(hook);
    t.app.ctx.services.heartbeats.hooks.push(hook);
  }
  async function storedTimes(userId: number): Promise<number[]> {
    const rows = await t.storage.db.selectFrom('heartbeats').select('time').where('user_id', '=', userId).orderBy('time').execute();
    return rows.map((r) => Number(r.time));
  }

  it('answers NUL, unpaired surrogates, huge integers and deep nesting with per-item 400s naming the field, storing the rest', async () => {
    const { user, apiKey } = await t.createUser();
    const items = [
      `{"entity":"/ok1.ts","time":${base}}`,
      `{"entity":"a\\u0000b","time":${base + 1}}`,
      `{"entity":"/c.ts","time":${base + 2},"project_root_count":3000000000}`,
      `{"entity":"/d.ts","time":${base + 3},"editor_state":${deepJson(2_200)}}`,
      `{"entity":"/e.ts","time":${base + 4},"project":"p\\ud800"}`,
      `{"entity":"/f.ts","time":${base + 5},"dependencies":["fine","x\\u0000"]}`,
      `{"entity":"/g.ts","time":${base + 6},"meta":{"k\\u0000":1}}`,
      `{"entity":"/ok2.ts","time":${base + 7},"meta":{"deep":${deepJson(20)}}}`,
    ];
    const res = await t.app.inject({ method: 'POST', url, headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: `[${items.join(',')}]` });
    expect(res.statusCode).toBe(201);
    const { responses } = res.json() as Responses;
    expect(responses.map(([, s]) => s)).toEqual([201, 400, 400, 400, 400, 400, 400, 201]);
    expect(responses.slice(1, 7).map(([e]) => Object.keys(e.errors))).toEqual([['entity'], ['project_root_count'], ['editor_state'], ['project'], ['dependencies'], ['meta']]);
    expect(await storedTimes(user.id)).toEqual([base, base + 7]);
  });

  it('answers a single heartbeat nested 2,200 levels deep with 400, not 500', async () => {
    const { user, apiKey } = await t.createUser();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/current/heartbeats',
      headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) },
      payload: `{"entity":"/d.ts","time":${base},"x":${deepJson(2_200)}}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toHaveProperty('x');
    expect(await storedTimes(user.id)).toEqual([]);
  });

  it('stores what the database refuses in a shared commit item by item: the poison items fail alone (PostgreSQL refuses NUL and int4 overflow)', async () => {
    // Straight to the writer, past validation: the database itself is the judge here.
    const writer = t.app.ctx.services.heartbeats;
    const a = await t.createUser();
    const b = await t.createUser();
    const poison = [
      heartbeat(a.user.id, { entity: '/ok.ts', time: base }),
      { ...heartbeat(a.user.id, { entity: '/nul.ts', time: base + 1 }), heartbeat: { ...heartbeat(a.user.id, { entity: 'x', time: base + 1 }).heartbeat, entity: 'a\u0000b' } as Heartbeat },
      heartbeat(a.user.id, { entity: '/ok2.ts', time: base + 2 }),
      { ...heartbeat(a.user.id, { entity: '/big.ts', time: base + 3 }), heartbeat: { ...heartbeat(a.user.id, { entity: '/big.ts', time: base + 3 }).heartbeat, project_root_count: 3_000_000_000 } },
    ];
    const valid = Array.from({ length: 5 }, (_, i) => [heartbeat(b.user.id, { entity: `/b${i}.ts`, time: base + 10 + 2 * i }), heartbeat(b.user.id, { entity: `/b${i}.ts`, time: base + 11 + 2 * i })]);
    // submitted in one tick: one shared commit
    const results = await Promise.all([
      writer.submit({ userId: a.user.id, items: poison, ip: null, timezone: null }),
      ...valid.map((items) => writer.submit({ userId: b.user.id, items, ip: null, timezone: null })),
    ]);
    for (const r of results.slice(1)) expect(r).toEqual([]);
    expect(await storedTimes(b.user.id)).toHaveLength(10);
    if (t.dialect === 'postgres') {
      expect(results[0]!.map((f) => [f.index, f.status])).toEqual([[1, 400], [3, 400]]);
      expect(await storedTimes(a.user.id)).toEqual([base, base + 2]);
    } else {
      // SQLite stores NUL and 64-bit integers: nothing to refuse
      expect(results[0]).toEqual([]);
      expect(await storedTimes(a.user.id)).toEqual([base, base + 1, base + 2, base + 3]);
    }
  });

  it('keeps every other batch when a commit fails for a reason validation does not catch (a failing hook): per request, then per item', async () => {
    const writer = t.app.ctx.services.heartbeats;
    const poisoned = await t.createUser();
    const other = await t.createUser();
    const badTime = base + 100;
    const dataTime = base + 101;
    addHook(async (_tx, changes) => {
      const times = changes.get(poisoned.user.id) ?? [];
      if (times.includes(badTime)) throw new Error('hook failed on this heartbeat');
      if (times.includes(dataTime)) throw Object.assign(new Error('value out of range'), { code: '22003' });
    });
    const mixed = [base + 98, badTime, base + 99, dataTime, base + 102].map((time) => heartbeat(poisoned.user.id, { entity: '/m.ts', time }));
    const onlyBad = [heartbeat(poisoned.user.id, { entity: '/x.ts', time: badTime })];
    const valid = Array.from({ length: 6 }, (_, i) => [heartbeat(other.user.id, { entity: '/v.ts', time: base + 200 + i })]);
    const results = await Promise.allSettled([
      writer.submit({ userId: poisoned.user.id, items: mixed, ip: null, timezone: null }),
      writer.submit({ userId: poisoned.user.id, items: onlyBad, ip: null, timezone: null }),
      ...valid.map((items) => writer.submit({ userId: other.user.id, items, ip: null, timezone: null })),
    ]);
    // the mixed request: stored but for its two poison items, each with its own entry
    expect(results[0]).toMatchObject({ status: 'fulfilled' });
    const failures = (results[0] as PromiseFulfilledResult<{ index: number; status: number; error: string }[]>).value;
    expect(failures.map((f) => [f.index, f.status])).toEqual([[1, 500], [3, 400]]);
    // a request whose only heartbeat fails for a reason that may pass: the whole request fails (the client resends it)
    expect(results[1]).toMatchObject({ status: 'rejected' });
    for (const r of results.slice(2)) expect(r).toEqual({ status: 'fulfilled', value: [] });
    expect(await storedTimes(poisoned.user.id)).toEqual([base + 98, base + 99, base + 102]);
    expect(await storedTimes(other.user.id)).toHaveLength(6);
  });

  it("answers every valid batch of another user 201 while one user's batches keep failing a commit (HTTP, concurrent)", async () => {
    const poisoned = await t.createUser();
    const other = await t.createUser();
    let shared = 0;
    addHook(async (_tx, changes) => {
      if (changes.has(poisoned.user.id) && changes.has(other.user.id)) shared++;
      // each commit takes a while, as under load: the batches validated meanwhile wait together for the next one
      await new Promise((r) => setTimeout(r, 5));
      if (changes.has(poisoned.user.id)) throw new Error('this user always fails');
    });
    const post = (apiKey: string, body: unknown) =>
      t.app.inject({ method: 'POST', url, headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: body as any });
    // interleaved (a poisoned batch, then three valid ones): batches queue for validation in arrival
    // order (services/turns.ts), and those validated while a commit runs meet in the next one
    const poison: ReturnType<typeof post>[] = [];
    const valid: ReturnType<typeof post>[] = [];
    for (let i = 0; i < 20; i++) {
      poison.push(post(poisoned.apiKey, [{ entity: '/p.ts', time: base + i }, { entity: '/q.ts', time: base + i + 0.5 }]));
      for (let j = 3 * i; j < 3 * i + 3; j++) valid.push(post(other.apiKey, Array.from({ length: 5 }, (_, k) => ({ entity: `/v${k}.ts`, time: base + j * 10 + k }))));
    }
    const [bad, good] = await Promise.all([Promise.all(poison), Promise.all(valid)]);
    for (const res of good) {
      expect(res.statusCode).toBe(201);
      expect((res.json() as Responses).responses.every(([, s]) => s === 201)).toBe(true);
    }
    // nothing of the failing user was stored: their requests fail as a whole (the client resends them)
    for (const res of bad) expect(res.statusCode).toBe(500);
    expect(await storedTimes(other.user.id)).toHaveLength(300);
    expect(await storedTimes(poisoned.user.id)).toEqual([]);
    expect(shared).toBeGreaterThan(0); // the two users did share commits
  });
});
