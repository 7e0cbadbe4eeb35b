import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders, fillTemplate, fixture } from '../helpers/fixtures.js';

type Responses = { responses: [Record<string, any>, number][] };

describeEachDatabase('heartbeats', (t) => {
  async function dayCount(apiKey: string, date: string): Promise<any[]> {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/heartbeats?date=${date}`, headers: t.auth(apiKey) });
    expect(res.statusCode).toBe(200);
    return res.json().data;
  }

  it('accepts the wakatime-cli bulk request and answers in its format', async () => {
    const { apiKey } = await t.createUser();
    const body = fixture('api_heartbeats_request.json');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders(), ...t.auth(apiKey) }, payload: body as any });
    expect(res.statusCode).toBe(201);
    const json = res.json() as Responses;
    // the shape wakatime-cli parses (fixture api_heartbeats_response.json)
    const expected = fixture<Responses>('api_heartbeats_response.json');
    expect(Object.keys(json)).toEqual(Object.keys(expected));
    expect(json.responses).toHaveLength(2);
    for (const [item, status] of json.responses) {
      expect(status).toBe(201);
      expect(typeof item.data.id).toBe('string');
      expect(item.data.type).toBe('file');
    }
    expect(json.responses[0]![0].data).toMatchObject({ entity: '/tmp/main.go', time: 1585598059 });

    const stored = await dayCount(apiKey, '2020-03-30');
    expect(stored).toHaveLength(2);
    const first = stored.find((h) => h.entity === '/tmp/main.go')!;
    expect(first).toMatchObject({
      type: 'file', category: 'coding', project: 'wakatime-cli', branch: 'heartbeat', language: 'Go',
      dependencies: ['dep1', 'dep2'], lines: 100, lineno: 42, cursorpos: 12, is_write: true,
      user_agent: 'wakatime/13.0.6',
    });
    expect(first.id).toBe(json.responses[0]![0].data.id);
    const second = stored.find((h) => h.entity === 'HIDDEN.py')!;
    expect(second).toMatchObject({ category: 'debugging', is_write: false, project: null, user_agent: 'wakatime/13.0.7' });
  });

  it('fills and accepts the template fixtures (branch null, project_root_count)', async () => {
    const { apiKey } = await t.createUser();
    for (const name of ['api_heartbeats_request_template.json', 'api_heartbeats_request_extra_heartbeats_template.json', 'api_heartbeats_request_extra_heartbeats_extra_template.json']) {
      let body: unknown;
      try {
        body = fillTemplate(name, ['/home/me/proj/src/main.go', 'proj', 4, 'wakatime/v1.102.1 (linux) go1.21.6 vim/9.0 vim-wakatime/11.0.0', '/home/me/proj/b.go', 'proj', 4, 'wakatime/v1.102.1', '/x/c.go', 'proj', 2, 'wakatime/1', '/x/d.go', 'p', 1, 'ua', '/x/e.go', 'p', 1, 'ua', '/x/f.go', 'p', 1, 'ua']);
      } catch {
        continue;
      }
      const list = body as unknown[];
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders(), ...t.auth(apiKey) }, payload: list as any });
      expect(res.statusCode, name).toBe(201);
      const json = res.json() as Responses;
      expect(json.responses).toHaveLength(list.length);
      expect(json.responses.every(([, s]) => s === 201), JSON.stringify(json)).toBe(true);
    }
  });

  it('answers a batch with one bad heartbeat 201, the error in place and the rest stored', async () => {
    const { apiKey } = await t.createUser();
    const now = Math.floor(Date.now() / 1000);
    const body = [
      { entity: 'a.ts', type: 'file', time: now - 30 },
      { entity: 'b.ts', type: 'file' },
      { entity: 'c.ts', type: 'file', time: now - 10, lineno: 'not a number' },
      'not an object',
      { entity: 'd.ts', type: 'file', time: now - 5 },
    ];
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: body });
    expect(res.statusCode).toBe(201);
    const { responses } = res.json() as Responses;
    expect(responses.map(([, s]) => s)).toEqual([201, 400, 400, 400, 201]);
    expect(responses[1]![0]).toEqual({ errors: { time: ['This field is required.'] } });
    expect(responses[2]![0].errors.lineno[0]).toMatch(/integer/);
    expect(responses[3]![0].error).toMatch(/object/);
    const stored = await dayCount(apiKey, 'today');
    expect(stored.map((h) => h.entity).sort()).toEqual(['a.ts', 'd.ts']);
  });

  it('stores a retried batch once, also when the same batch arrives concurrently', async () => {
    const { apiKey } = await t.createUser();
    const base = Date.UTC(2024, 0, 10, 12) / 1000;
    const batch = Array.from({ length: 25 }, (_, i) => ({ entity: `/src/f${i % 5}.ts`, type: 'file', time: base + i * 30.5, project: 'retry', is_write: i % 3 === 0 }));
    const send = () => t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: batch });
    const first = await send();
    const again = await send();
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    // the same ids both times: the client sees one consistent answer
    expect((again.json() as Responses).responses.map(([d]) => d.data.id)).toEqual((first.json() as Responses).responses.map(([d]) => d.data.id));
    const concurrent = await Promise.all(Array.from({ length: 8 }, send));
    expect(concurrent.every((r) => r.statusCode === 201)).toBe(true);
    expect(await dayCount(apiKey, '2024-01-10')).toHaveLength(25);
  });

  it('repairs millisecond timestamps, accepts string cursorpos, null category, unknown types and extra fields', async () => {
    const { apiKey } = await t.createUser();
    const ms = Date.UTC(2024, 1, 2, 10, 0, 0, 250);
    const body = [
      { entity: 'x.py', type: 'file', time: ms, cursorpos: '17', category: null, dependencies: 'a, b,,c' },
      { entity: 'https://example.com', type: 'domain', time: ms / 1000 + 1, category: null },
      { entity: 'Notebook', type: 'notebook-cell', time: ms / 1000 + 2, category: 'ai coding', ai_line_changes: -12, human_line_changes: 3, ai_input_tokens: 1200, some_future_field: { nested: true } },
    ];
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: body });
    expect(res.statusCode).toBe(201);
    const { responses } = res.json() as Responses;
    expect(responses.map(([, s]) => s)).toEqual([201, 201, 201]);
    expect(responses[0]![0].data.time).toBeCloseTo(ms / 1000, 3);
    // unknown type values are stored, but not echoed to wakatime-cli (it decodes `type` strictly)
    expect(responses[2]![0].data.type).toBeUndefined();
    const stored = await dayCount(apiKey, '2024-02-02');
    const byEntity = Object.fromEntries(stored.map((h) => [h.entity, h]));
    expect(byEntity['x.py']).toMatchObject({ cursorpos: 17, category: 'coding', dependencies: ['a', 'b', 'c'] });
    expect(byEntity['https://example.com']).toMatchObject({ category: 'browsing', type: 'domain' });
    expect(byEntity['Notebook']).toMatchObject({ type: 'notebook-cell', category: 'ai coding', ai_line_changes: -12, human_line_changes: 3, ai_input_tokens: 1200, some_future_field: { nested: true } });
  });

  it('accepts a single heartbeat with 202 and the reference shape', async () => {
    const { apiKey } = await t.createUser();
    const time = Math.floor(Date.now() / 1000) - 60;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats', headers: { ...cliHeaders(), ...t.auth(apiKey) }, payload: { entity: 'main.rs', type: 'file', time } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ data: { id: expect.any(String), entity: 'main.rs', type: 'file', time } });
  });

  it('takes editor and OS from the User-Agent, the machine from X-Machine-Name, the zone from the first Timezone header', async () => {
    const { apiKey } = await t.createUser();
    const time = Date.UTC(2024, 5, 1, 22, 30) / 1000; // 2024-06-02 00:30 in Berlin
    const post = (tz: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: tz }), ...t.auth(apiKey) }, payload: [{ entity: 'z.go', type: 'file', time, project: 'zone' }] });
    expect((await post('Europe/Berlin')).statusCode).toBe(201);
    expect((await post('Asia/Tokyo')).statusCode).toBe(201);
    const me = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(apiKey) })).json().data;
    expect(me.timezone).toBe('Europe/Berlin');
    expect(me.last_project).toBe('zone');
    expect(me.last_plugin_name).toBe('VS Code');
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/heartbeats?date=2024-06-02', headers: t.auth(apiKey) });
    const json = res.json();
    expect(json.timezone).toBe('Europe/Berlin');
    expect(json.start).toBe('2024-06-01T22:00:00Z');
    expect(json.end).toBe('2024-06-02T21:59:59Z'); // "until 11:59pm", like summaries
    expect(json.data).toHaveLength(1);
    expect(json.data[0]).toMatchObject({ editor: 'VS Code', operating_system: 'Linux', machine: 'devbox' });
    expect(json.data[0].machine_name_id).toEqual(expect.any(String));
  });

  it('deletes heartbeats by id within the given day', async () => {
    const { apiKey } = await t.createUser();
    const base = Date.UTC(2024, 2, 3, 9) / 1000;
    const body = [0, 60, 120].map((d) => ({ entity: `f${d}.c`, type: 'file', time: base + d }));
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: body });
    const ids = (res.json() as Responses).responses.map(([d]) => d.data.id as string);
    // the wrong day deletes nothing
    let del = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/heartbeats.bulk', headers: t.auth(apiKey), payload: { date: '2024-03-04', ids: [ids[0]] } });
    expect(del.statusCode).toBe(200);
    expect(await dayCount(apiKey, '2024-03-03')).toHaveLength(3);
    del = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/heartbeats.bulk', headers: t.auth(apiKey), payload: { date: '2024-03-03', ids: [ids[0], ids[2]] } });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ data: {} });
    expect((await dayCount(apiKey, '2024-03-03')).map((h) => h.entity)).toEqual(['f60.c']);
  });

  it('never shows or accepts heartbeats for another user', async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/${a.user.username}/heartbeats?date=today`, headers: t.auth(b.apiKey) });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toEqual(expect.any(String));
    const post = await t.app.inject({ method: 'POST', url: `/api/v1/users/${a.user.username}/heartbeats.bulk`, headers: { ...cliHeaders(), ...t.auth(b.apiKey) }, payload: [{ entity: 'x', time: Date.now() / 1000 }] });
    expect(post.statusCode).toBe(403);
    const anon = await t.app.inject({ method: 'GET', url: `/api/v1/users/${a.user.username}/heartbeats?date=today` });
    expect(anon.statusCode).toBe(401); // no credentials at all: 401; 403 is for the wrong user
  });
});

describeEachDatabase('bad input', (t) => {
  const url = '/api/v1/users/current/heartbeats.bulk';
  async function expectError(res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number, pattern: RegExp) {
    expect(res.statusCode).toBe(status);
    expect(String(res.headers['content-type'])).toMatch(/application\/json/);
    expect(res.json().error).toMatch(pattern);
  }

  it('rejects malformed JSON, wrong body types, oversized bodies and too many heartbeats with JSON 4xx', async () => {
    const { apiKey } = await t.createUser();
    const headers = { ...cliHeaders(), ...t.auth(apiKey) };
    await expectError(await t.app.inject({ method: 'POST', url, headers, payload: '[{"entity": "x", "time": 1' }), 400, /JSON/);
    await expectError(await t.app.inject({ method: 'POST', url, headers, payload: '"just a string"' }), 400, /body/);
    const huge = JSON.stringify([{ entity: 'x'.repeat(t.config.bodyLimit + 10), time: 1700000000 }]);
    await expectError(await t.app.inject({ method: 'POST', url, headers, payload: huge }), 413, /limit/);
    const many = Array.from({ length: t.config.maxBulkHeartbeats + 1 }, (_, i) => ({ entity: 'x', time: 1700000000 + i }));
    await expectError(await t.app.inject({ method: 'POST', url, headers, payload: many }), 400, /at most \d+/);
    await expectError(await t.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/xml' }, payload: '<x/>' }), 415, /Content-Type/);
  });

  it('names the field for absurd timestamps, huge strings and wrong types, and stores nothing of them', async () => {
    const { apiKey } = await t.createUser();
    const headers = { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) };
    const now = Date.now() / 1000;
    const body = [
      { entity: 'x', time: 12 },
      { entity: 'x', time: now + 10 * 86400 },
      { entity: 'x', time: 'yesterday' },
      { entity: 'x'.repeat(5000), time: now },
      { entity: 'x', time: now, project: 'p'.repeat(2000) },
      { entity: 'x', time: now, dependencies: { a: 1 } },
      { entity: 'x', time: now, lines: Number.MAX_VALUE },
      { entity: ['x'], time: now },
    ];
    const res = await t.app.inject({ method: 'POST', url, headers, payload: body });
    expect(res.statusCode).toBe(201);
    const fields = (res.json() as Responses).responses.map(([item, status]) => {
      expect(status).toBe(400);
      return Object.keys(item.errors ?? {});
    });
    expect(fields).toEqual([['time'], ['time'], ['time'], ['entity'], ['project'], ['dependencies'], ['lines'], ['entity']]);
    const day = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/heartbeats?date=today', headers: t.auth(apiKey) });
    expect(day.json().data).toEqual([]);
  });

  it('answers 400 naming the parameter for a bad date or zone, 401 for bad credentials', async () => {
    const { apiKey } = await t.createUser();
    let res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/heartbeats?date=2024-13-45', headers: t.auth(apiKey) });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toHaveProperty('date');
    res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/heartbeats', headers: t.auth(apiKey) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/date/);
    res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/heartbeats?date=today&timezone=Mars/Olympus', headers: t.auth(apiKey) });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toHaveProperty('timezone');
    res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth('waka_00000000-0000-4000-8000-000000000000') });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(/Invalid/);
    res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current' });
    expect(res.statusCode).toBe(401);
    res = await t.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatch(/Not found/);
  });
});

