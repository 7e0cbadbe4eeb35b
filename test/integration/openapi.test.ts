import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { registeredRoutes, renderMarkdown } from '../../src/http/openapi.js';
import { describeEachDatabase } from '../helpers/harness.js';

/** Fastify's `/users/:user/x` as @fastify/swagger writes it: `/users/{user}/x` (and a wildcard `*` as `{*}`). */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*/g, '{*}');
}

describeEachDatabase('OpenAPI document', (t) => {
  it('is served at /api/docs and /api/docs/json', async () => {
    const a = await t.app.inject({ method: 'GET', url: '/api/docs' });
    const b = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(a.statusCode).toBe(200);
    expect(a.headers['content-type']).toMatch(/application\/json/);
    expect(b.statusCode).toBe(200);
    const doc = a.json();
    expect(doc).toEqual(b.json());
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info).toMatchObject({ title: 'Metronome API', version: expect.any(String) });
    expect(doc.servers).toEqual([{ url: t.config.baseUrl }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['accessTokenQuery', 'apiKeyQuery', 'basicAuth', 'bearerAuth']);
  });

  it('lists every registered route with its method', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const routes = registeredRoutes(t.app).filter((r) => !r.hidden && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes.filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    // and nothing that is not a route
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    const known = new Set(routes.map((r) => `${r.method} ${openApiPath(r.url)}`));
    expect(documented.filter((d) => !known.has(d))).toEqual([]);
    // the docs routes themselves stay out
    expect(doc.paths['/api/docs']).toBeUndefined();
    expect(doc.paths['/api/docs/json']).toBeUndefined();
  });

  it('describes the catalog endpoints from their TypeBox schemas, as public', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const editors = doc.paths['/api/v1/editors'].get;
    expect(editors.security).toEqual([]);
    expect(editors.parameters.map((p: { name: string }) => p.name)).toEqual(['unreleased']);
    const item = editors.responses['200'].content['application/json'].schema.properties.data.items;
    expect(Object.keys(item.properties).sort()).toEqual(['color', 'hidden', 'history_url', 'id', 'name', 'released', 'repository', 'version', 'version_url', 'website']);
    const langs = doc.paths['/api/v1/program_languages'].get;
    expect(langs.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['page', 'per_page', 'q']);
    expect(Object.keys(langs.responses['200'].content['application/json'].schema.properties)).toEqual(expect.arrayContaining(['data', 'total', 'total_pages']));
    expect(doc.paths['/api/v1/meta'].get.security).toEqual([]);
  });

  it('has a self-contained HTML page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/ui' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('/api/docs/json');
    // no external assets: no script/link/img pointing anywhere
    expect(res.body).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(res.body).not.toMatch(/https?:\/\//);
  });

  it('serves the page with a CSP that allows only its own inline script and style, no framing, nosniff', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/ui' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBeDefined();
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
    // the hashes are those of the page's one script and one style: nothing else may run
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    const script = /<script>([\s\S]*)<\/script>/.exec(res.body)![1]!;
    const style = /<style>([\s\S]*)<\/style>/.exec(res.body)![1]!;
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('the docs page Markdown', () => {
  it('renders code, emphasis, links and paragraphs, and never raw HTML', () => {
    expect(renderMarkdown('Speaks `/api/v1`: **all** of *it*.\n\nSee [the UI](/api/docs/ui).')).toBe(
      '<p>Speaks <code>/api/v1</code>: <strong>all</strong> of <em>it</em>.</p><p>See <a href="/api/docs/ui">the UI</a>.</p>',
    );
    expect(renderMarkdown('a\nb')).toBe('<p>a b</p>');
    expect(renderMarkdown('<img src=x onerror=alert(1)> `<b>`')).toBe('<p>&lt;img src=x onerror=alert(1)&gt; <code>&lt;b&gt;</code></p>');
    // only links to this server or http(s)
    expect(renderMarkdown('[x](javascript:alert(1)) [y](//evil.example/) [z](https://example.com/?a=1&b="2")')).toBe(
      '<p>[x](javascript:alert(1)) [y](//evil.example/) <a href="https://example.com/?a=1&amp;b=&quot;2&quot;">z</a></p>',
    );
    expect(renderMarkdown(null)).toBe('');
  });
});
