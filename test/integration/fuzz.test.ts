/**
 * Issue 13: a fuzz test that stays. Walks every operation of `/api/docs/json` with malformed path
 * params, query strings, bodies and headers (fast-check, fixed seed, a bounded number of runs) on
 * both databases, with a test user's credentials half the time, and fails on any 5xx, on an API
 * answer that is not JSON, or on a request that gets no answer within 10 s.
 *
 * Values come from what breaks servers: non-finite numbers ("Infinity", "1e309", raw 1e309 in
 * JSON), NUL bytes and lone surrogates, huge and negative numbers, dates at the end of JavaScript's
 * range, `..`, very long strings, arrays instead of objects, JSON nested 3000 levels deep, bodies
 * that are not JSON at all, wrong content types.
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';

/** Fixed, so CI is repeatable; FUZZ_SEED / FUZZ_RUNS explore further by hand. */
const SEED = Number(process.env.FUZZ_SEED ?? 13);
/** Runs per operation and database: ~40 operations × RUNS requests per database. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const ANSWER_WITHIN_MS = 10_000;

interface Operation {
  method: string;
  /** OpenAPI path, `{name}` for path params. */
  path: string;
  pathParams: string[];
  query: string[];
  body: { contentTypes: string[]; properties: string[]; heartbeats?: boolean } | null;
}

/** Heartbeat fields (the route schema accepts any object: the normalizer checks each heartbeat). */
const HEARTBEAT_FIELDS = ['entity', 'time', 'type', 'category', 'project', 'project_root_count', 'branch', 'language', 'dependencies', 'lines', 'lines_in_file', 'lineno', 'cursorpos', 'line_additions', 'line_deletions', 'is_write', 'user_agent', 'editor', 'operating_system', 'machine'];

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

const DEEP = 3000;
/** Hostile values by kind: a kind is picked first, so each one comes up often enough. */
const NASTY = {
  numbers: ['Infinity', '-Infinity', 'NaN', '1e309', '-1e309', '1e308', '-1', '0', '-0', '1.5', '9007199254740993', '99999999999999999999', '2147483648', '-2147483649', '0x10'],
  dates: ['+275760-09-13T00:00:00Z', '+275760-09-13', '-271821-04-20T00:00:00Z', '9999-12-31', '0000-01-01', '1999-12-31', '2024-02-30', '2024-01-01T25:61:00Z', '2024-13', '0001', '1e309'],
  text: ['\u0000', 'a\u0000b', '\ud800', 'a\udfffb', '\udc00\ud800', '..', '../..', '/', '.', '%', '%00', ' ', '', 'é', '🎹', '\u202e', 'Ω'.repeat(300), 'x'.repeat(5000), '<script>', "'; drop table users; --"],
  words: ['today', 'yesterday', 'last_7_days', 'all_time', 'last_year', '2024', 'Last 7 Days', 'true', 'false', 'null', 'undefined', '[]', '{}', 'current', 'Europe/Berlin', 'Nowhere/City', 'UTC', '__proto__', 'constructor'],
};

const nastyString = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...NASTY.numbers) },
  { weight: 1, arbitrary: fc.constantFrom(...NASTY.dates) },
  { weight: 1, arbitrary: fc.constantFrom(...NASTY.text) },
  { weight: 1, arbitrary: fc.constantFrom(...NASTY.words) },
  { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.integer().map(String), fc.double().map(String)) },
);

/** A JSON value of the wrong kind more often than not. */
const nastyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 63), 2 ** 31, [], {}, [[[]]], { a: { b: { c: '\u0000' } } }, ['\ud800']) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.integer() },
);

/** Plausible values per field name: a request with one bad field among good ones reaches furthest. */
function plausible(name: string, username: string): string[] {
  const today = new Date().toISOString().slice(0, 10);
  switch (name) {
    case 'user':
      return ['current', username];
    case 'date':
    case 'start':
    case 'end':
      return ['today', 'yesterday', today, '2024-01-01', `${today}T12:00:00Z`];
    case 'range': // a summaries range (query)
      return ['Today', 'Yesterday', 'Last 7 Days', 'last_30_days', 'This Month', 'Last Month'];
    case 'stats_range': // a stats / insights range (path)
      return ['last_7_days', 'all_time', 'last_year', '2024', '2024-05', 'last_6_months'];
    case 'insight_type':
      return ['weekday', 'days', 'best_day', 'daily_average', 'projects', 'languages'];
    case 'timeout':
      return ['15', '1', '240'];
    case 'writes_only':
    case 'unreleased':
    case 'force_approve':
      return ['true', 'false'];
    case 'timezone':
      return ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];
    case 'project':
    case 'q':
      return ['p', 'P', 'a_b%'];
    case 'branches':
      return ['main', 'main,dev'];
    case 'slice_by':
      return ['entity', 'language', 'dependencies', 'os', 'editor', 'category', 'machine'];
    case 'weekday':
      return ['monday', '0', '6'];
    case 'page':
    case 'per_page':
      return ['1', '2', '100'];
    case 'name':
    case 'login':
    case 'username':
      return [username, 'CI key', 'ada'];
    case 'password':
      return ['correct horse battery staple'];
    case 'email':
      return ['ada@example.com'];
    case 'redirect_uris':
    case 'redirect_uri':
      return ['https://app.example/cb'];
    case 'response_type':
      return ['code', 'token'];
    case 'grant_type':
      return ['authorization_code', 'refresh_token'];
    case 'scope':
      return ['read_summaries', 'read_stats,read_heartbeats'];
    case 'entity':
      return ['src/a.ts', '/home/ada/p/b.py'];
    case 'time':
      return [String(Math.floor(Date.now() / 1000) - 600), String(Math.floor(Date.now() / 1000) - 60)];
    case 'type':
      return ['file', 'app', 'domain'];
    case 'category':
      return ['coding', 'debugging'];
    case 'language':
      return ['TypeScript', 'Python'];
    case 'dependencies':
      return ['react'];
    case 'lines':
    case 'lines_in_file':
    case 'lineno':
    case 'cursorpos':
    case 'line_additions':
    case 'line_deletions':
    case 'project_root_count':
      return ['1', '120'];
    case 'is_write':
      return ['true', 'false'];
    case 'id':
      return ['1', '00000000-0000-0000-0000-000000000000'];
    default:
      return [];
  }
}

/** The hostile values most likely to hurt a field of this name (dates for dates, numbers for numbers). */
function kindOf(name: string): readonly string[] | null {
  if (['date', 'start', 'end', 'range', 'stats_range'].includes(name)) return NASTY.dates;
  if (['timeout', 'page', 'per_page', 'weekday', 'id', 'lineno', 'lines', 'cursorpos', 'time'].includes(name)) return NASTY.numbers;
  if (['user', 'entity', 'project', 'branch', 'language', 'category', 'name', 'login', 'username', 'full_name', 'q', 'client_id', 'email', 'machine'].includes(name)) return NASTY.text;
  return null;
}

/**
 * Mostly plausible values for the field (mapped by `fromGood`), hostile ones one time in four:
 * half of those of the field's own kind when it has one.
 */
function fieldValue<T>(name: string, username: string, hostile: fc.Arbitrary<T>, fromGood: (s: string) => T, goodWeight = 3): fc.Arbitrary<T> {
  const good = plausible(name, username).map(fromGood);
  const kind = kindOf(name);
  const bad = kind ? fc.oneof(hostile, fc.constantFrom(...kind.map(fromGood))) : hostile;
  return good.length ? fc.oneof({ weight: goodWeight, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: bad }) : bad;
}

/** A plausible string as the JSON value a body would carry. */
function asJson(name: string): (s: string) => unknown {
  return (s) => (name === 'redirect_uris' || name === 'dependencies' ? [s] : s === 'true' ? true : s === 'false' ? false : /^\d+$/.test(s) && name !== 'id' ? Number(s) : s);
}

/** Percent-encodes, keeping lone surrogates as their (invalid) UTF-8 bytes instead of throwing. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s].map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
  }
}

/** A URL component: encoded, or raw when it is a classic (`%00`, `..`, invalid escapes). */
const urlPart = fc.oneof(
  { weight: 4, arbitrary: nastyString.map(encode) },
  { weight: 1, arbitrary: fc.constantFrom('%00', '..', '%2e%2e', '%ZZ', '%', '%ED%A0%80', 'a%00b', '%2F', '%C0%AF', '%FF') },
);

function rawBodies(properties: string[]): fc.Arbitrary<string> {
  const prop = properties.length ? fc.constantFrom(...properties) : fc.constant('x');
  return fc.oneof(
    fc.constantFrom(
      '['.repeat(DEEP) + ']'.repeat(DEEP),
      '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP),
      'not json',
      '',
      '{',
      '\u0000',
      'null',
      '"a string"',
      '123',
      '1e309',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '[{"entity":"a","time":1e309}]',
      '{"\\u0000":1}',
      '{"\\ud800":"\\udfff"}',
    ),
    fc.tuple(prop, fc.constantFrom('1e309', '-1e309', '"Infinity"', '"1e309"', '"\\u0000"', '"a\\u0000"', '"\\ud800"', '1e400', '-0', '123456789012345678901234567890')).map(([k, v]) => `{${JSON.stringify(k)}:${v}}`),
    fc.tuple(prop, fc.constant(null)).map(([k]) => `{${JSON.stringify(k)}:${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`),
  );
}

function bodyArb(op: Operation, username: string): fc.Arbitrary<{ contentType: string | null; payload: string } | null> {
  if (!op.body) {
    return fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: rawBodies([]).map((payload) => ({ contentType: 'application/json', payload })) });
  }
  const { properties, contentTypes } = op.body;
  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<string | null>(...contentTypes) },
    { weight: 1, arbitrary: fc.constantFrom<string | null>(null, 'text/plain', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json') },
  );
  // a heartbeat nearly always has its entity and time, so the other fields get checked too
  const required = op.body.heartbeats ? ['entity', 'time'] : [];
  const object = fc
    .tuple(
      fc.subarray(properties.filter((p) => !required.includes(p))).map((keys) => [...required, ...keys]),
      fc.array(fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', 'a\u0000', '', 'timeout'), nastyJson), { maxLength: 2 }),
    )
    .chain(([keys, extra]) =>
      // heartbeats have many fields: one hostile among good ones is what reaches storage
      fc.tuple(...keys.map((k) => fieldValue(k, username, nastyJson, asJson(k), op.body?.heartbeats ? 12 : 3))).map((values) => {
        const o: Record<string, unknown> = {};
        keys.forEach((k, i) => (o[k] = values[i]));
        for (const [k, v] of extra) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
        return o;
      }),
    );
  const json = fc.oneof(
    { weight: 4, arbitrary: object.map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: fc.array(object, { maxLength: 3 }).map((a) => JSON.stringify(a)) },
    { weight: 1, arbitrary: nastyJson.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: rawBodies(properties) },
  );
  const form = fc
    .subarray([...properties, 'extra'])
    .chain((keys) => fc.tuple(...keys.map((k) => fieldValue(k, username, urlPart, encode).map((v) => `${encodeURIComponent(k)}=${v}`))))
    .map((pairs) => pairs.join('&'));
  return contentType.chain((ct) =>
    (ct?.startsWith('application/x-www-form-urlencoded') ? fc.oneof(form, json) : json).map((payload) => ({ contentType: ct, payload })),
  );
}

function requestArb(op: Operation, username: string, apiKey: string): fc.Arbitrary<FuzzRequest> {
  const pathParams = fc.tuple(...op.pathParams.map((name) => fieldValue(name === 'range' ? 'stats_range' : name, username, urlPart, encode)));
  const declared = fc.tuple(...op.query.map((name) => fc.option(fc.tuple(fc.constant(name), fieldValue(name, username, urlPart, encode)), { freq: 3 })));
  const extraQuery = fc.oneof({ weight: 2, arbitrary: fc.constant<[string, string][]>([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom('timeout', 'date', 'api_key', 'access_token', 'token', 'x', '%00', 'a[b]', '__proto__'), urlPart), { minLength: 1, maxLength: 2 }) });
  const headers = fc.record(
    {
      authorized: fc.boolean(),
      extra: fc.oneof({ weight: 2, arbitrary: fc.constant<[string, string][]>([]) }, { weight: 1, arbitrary: fc.array(
        fc.tuple(
          fc.constantFrom('user-agent', 'x-machine-name', 'timezone', 'accept', 'cookie', 'x-csrf-token', 'authorization', 'x-forwarded-for', 'origin', 'referer'),
          nastyString.map((s) => s.replace(/[\r\n]/g, '')),
        ),
        { minLength: 1, maxLength: 2 },
      ) }),
    },
  );
  const body = bodyArb(op, username);
  return fc.record({ pathParams, declared, extraQuery, headers, body }).map(({ pathParams, declared, extraQuery, headers: h, body }) => {
    let path = op.path;
    op.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, pathParams[i]!)));
    const query = [...declared.filter((d): d is [string, string] => d !== null), ...extraQuery].map(([k, v]) => `${encode(k)}=${v}`);
    const out: FuzzRequest = { method: op.method, url: query.length ? `${path}?${query.join('&')}` : path, headers: {} };
    if (h.authorized) out.headers.authorization = `Basic ${Buffer.from(apiKey).toString('base64')}`;
    for (const [name, value] of h.extra) out.headers[name] = name === 'authorization' && h.authorized ? out.headers.authorization! : value;
    if (body) {
      out.payload = body.payload;
      if (body.contentType) out.headers['content-type'] = body.contentType;
    }
    return out;
  });
}

/** The operations of the OpenAPI document. */
function operationsOf(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []) as { in: string; name: string }[];
      const content = op.requestBody?.content as Record<string, { schema?: { properties?: Record<string, unknown>; anyOf?: { properties?: Record<string, unknown> }[] } }> | undefined;
      let body: Operation['body'] = null;
      if (content) {
        const schema = Object.values(content)[0]?.schema ?? {};
        const props = schema.properties ?? schema.anyOf?.find((s) => s.properties)?.properties ?? {};
        const heartbeats = method === 'post' && /\/heartbeats(\.bulk)?$/.test(path);
        body = { contentTypes: Object.keys(content), properties: heartbeats ? HEARTBEAT_FIELDS : Object.keys(props), heartbeats };
      }
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => p.name),
        body,
      });
    }
  }
  return ops;
}

/** Answers that may be something other than JSON: HTML consent pages and redirects. */
function mayBeHtml(path: string): boolean {
  return path === '/oauth/authorize';
}

describeEachDatabase('fuzz: every documented operation', (t) => {
  let operations: Operation[] = [];
  let username = '';
  let apiKey = '';
  beforeAll(async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    operations = operationsOf(res.json());
    const created = await t.createUser();
    username = created.user.username;
    apiKey = created.apiKey;
    // something to compute over
    const now = Math.floor(Date.now() / 1000);
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/current/heartbeats.bulk',
      headers: { ...t.auth(apiKey), 'content-type': 'application/json', 'user-agent': 'wakatime/v1.102.1 (linux-6.5.0-x86_64) go1.21.6 vscode/1.86.1 vscode-wakatime/24.4.0' },
      payload: JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ entity: `f${i % 3}.ts`, time: now - 3600 + i * 60, project: 'p', language: 'TypeScript', branch: 'main', is_write: i % 2 === 0 }))),
    });
  });

  it('answers every malformed request with a non-5xx (JSON for the API) within 10 s', async () => {
    expect(operations.length).toBeGreaterThan(30);
    const failures: string[] = [];
    let requests = 0;
    for (const op of operations) {
      const property = fc.asyncProperty(requestArb(op, username, apiKey), async (req) => {
        requests++;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ANSWER_WITHIN_MS)));
        const res = await Promise.race([t.app.inject(req), timeout]).finally(() => clearTimeout(timer));
        if (res === 'timeout') throw new Error(`no answer within ${ANSWER_WITHIN_MS} ms`);
        if (res.statusCode >= 500) throw new Error(`answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        const isApi = op.path.startsWith('/api/') || op.path.startsWith('/oauth/');
        if (isApi && !mayBeHtml(op.path) && res.statusCode !== 204 && !(res.statusCode >= 300 && res.statusCode < 400)) {
          if (!String(res.headers['content-type'] ?? '').includes('json')) throw new Error(`answered ${res.statusCode} with ${res.headers['content-type']}: ${res.body.slice(0, 200)}`);
          JSON.parse(res.body);
        }
      });
      const details = await fc.check(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
      if (details.failed) {
        const req = details.counterexample?.[0] as FuzzRequest | undefined;
        const shown = req ? { ...req, payload: req.payload && req.payload.length > 2000 ? `${req.payload.slice(0, 2000)}…(${req.payload.length} chars)` : req.payload } : null;
        failures.push(`${op.method} ${op.path}: ${String((details.errorInstance as Error | null)?.message ?? details.errorInstance)}\n  request: ${JSON.stringify(shown)}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(requests).toBe(operations.length * RUNS);
    // the server still answers an ordinary request afterwards
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/status_bar/today', headers: t.auth(apiKey) });
    expect(me.statusCode).toBe(200);
  }, 180_000);
});
