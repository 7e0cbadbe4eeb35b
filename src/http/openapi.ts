/**
 * OpenAPI document built by @fastify/swagger from the TypeBox route schemas, served at /api/docs and
 * /api/docs/json; /api/docs/ui is a small self-contained page (no CDN) that renders it.
 * Register before any route: both swagger and the route recorder collect routes from onRoute.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

export interface RouteRecord {
  method: string;
  url: string;
  /** `schema.hide`: deliberately left out of the document (the docs routes themselves). */
  hidden: boolean;
}

const recorded = new WeakMap<object, RouteRecord[]>();

/** Every route registered after registerOpenApi, as Fastify saw it (for tests and diagnostics). */
export function registeredRoutes(app: FastifyInstance): RouteRecord[] {
  return [...(recorded.get(app) ?? [])];
}

function packageVersion(): string | null {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

const DESCRIPTION = [
  'Metronome speaks the WakaTime API v1 under `/api/v1`: wakatime-cli, editor plugins and WakaTime API clients work unchanged.',
  '',
  'Authentication, all accepted: `Authorization: Basic base64(api_key)` (also `base64(api_key:)` and the raw key), ',
  '`Authorization: Bearer <api_key or OAuth access token>`, `?api_key=`, and `?access_token=` for OAuth tokens.',
  'Errors are JSON: `{"error": "…"}` or `{"errors": {"field": ["…"]}}`.',
  '',
  'A readable rendering of this document: [/api/docs/ui](/api/docs/ui).',
].join('\n');

export async function registerOpenApi(app: FastifyInstance, config: Config): Promise<void> {
  const routes: RouteRecord[] = [];
  recorded.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const hidden = Boolean((route.schema as { hide?: boolean } | undefined)?.hide);
    for (const method of methods) routes.push({ method: String(method).toUpperCase(), url: route.url, hidden });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Metronome API', description: DESCRIPTION, version: packageVersion() ?? 'unversioned' },
      servers: [{ url: config.baseUrl }],
      components: {
        securitySchemes: {
          basicAuth: { type: 'http', scheme: 'basic', description: 'base64(api_key), base64(api_key:) or the raw API key' },
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'API key or OAuth access token' },
          apiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key' },
          accessTokenQuery: { type: 'apiKey', in: 'query', name: 'access_token' },
        },
      },
      security: [{ basicAuth: [] }, { bearerAuth: [] }, { apiKeyQuery: [] }, { accessTokenQuery: [] }],
    },
  });

  const document = async () => app.swagger();
  app.get('/api/docs', { schema: { hide: true } }, document);
  app.get('/api/docs/json', { schema: { hide: true } }, document);
  app.get('/api/docs/ui', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-security-policy', DOCS_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'same-origin')
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(DOCS_PAGE),
  );
}

/**
 * The small Markdown the descriptions use, rendered safely: everything is HTML-escaped first, then
 * paragraphs (blank lines; a single newline is a space), `code`, **bold**, *emphasis* and [links](…) whose target is
 * a path on this server or an http(s) URL (anything else stays text). Plain JavaScript source: the
 * docs page embeds it, and tests run the same code through `renderMarkdown`.
 */
const MARKDOWN_JS = String.raw`function renderMarkdown(text) {
  const esc = (s) => String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const inline = (s) => {
    const codes = [];
    let out = esc(s).replace(/\x60([^\x60]+)\x60/g, (_m, c) => { codes.push('<code>' + c + '</code>'); return '\u0000' + (codes.length - 1) + '\u0000'; });
    out = out.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (m, label, href) => {
      const raw = href.replace(/&amp;/g, '&');
      return /^(\/(?!\/)|https?:\/\/)/i.test(raw) ? '<a href="' + href + '">' + label + '</a>' : m;
    });
    out = out.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?!\w)/g, '$1<em>$2</em>');
    return out.replace(/\u0000(\d+)\u0000/g, (_m, i) => codes[Number(i)]);
  };
  return String(text == null ? '' : text)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => '<p>' + p.split('\n').map(inline).join(' ') + '</p>')
    .join('');
}`;

/** The Markdown renderer of the docs page, for tests. */
export const renderMarkdown = new Function(`${MARKDOWN_JS}\nreturn renderMarkdown;`)() as (text: string | null | undefined) => string;

const DOCS_STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 4rem; color: #1d2330; }
  h1 { margin-bottom: .2rem; } .muted { color: #667; }
  details { border: 1px solid #dde; border-radius: 6px; margin: .4rem 0; padding: .3rem .7rem; }
  summary { cursor: pointer; } code, pre { font: 13px ui-monospace, monospace; }
  pre { background: #f5f6f9; padding: .6rem; overflow: auto; border-radius: 4px; }
  .m { display: inline-block; min-width: 4.2rem; font-weight: 600; }
  .GET { color: #1b6e3a; } .POST { color: #1d4fa3; } .DELETE { color: #a32020; } .PUT, .PATCH { color: #8a5a00; }
  input { width: 100%; padding: .4rem; font-size: 15px; box-sizing: border-box; margin: .6rem 0; }
  .desc p { margin: .4rem 0; } li .desc p { display: inline; }
  /* nothing wider than a phone's screen: long paths, URLs and schemas wrap */
  p, li, summary, code { overflow-wrap: anywhere; } pre { white-space: pre-wrap; }
`;

const DOCS_SCRIPT = `
${MARKDOWN_JS}
(async () => {
  const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const md = (s) => '<div class="desc">' + renderMarkdown(s) + '</div>';
  const ops = document.getElementById('ops');
  let doc;
  try { doc = await (await fetch('/api/docs/json')).json(); }
  catch (e) { ops.textContent = 'Could not load the OpenAPI document: ' + e; return; }
  document.getElementById('intro').innerHTML = md(doc.info.description) + '<p class="muted">Version ' + esc(doc.info.version) + '</p>';
  const rows = [];
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const params = (op.parameters || []).map((p) => '<li><code>' + esc(p.name) + '</code> (' + esc(p.in) + (p.required ? ', required' : '') + ')' + (p.description ? ': <span class="desc">' + renderMarkdown(p.description) + '</span>' : '') + '</li>').join('');
      const body = op.requestBody ? '<p>Request body:</p><pre>' + esc(JSON.stringify(op.requestBody.content, null, 2)) + '</pre>' : '';
      const responses = Object.entries(op.responses || {}).map(([code, r]) => '<p><b>' + esc(code) + '</b> ' + esc(r.description) + '</p>' + (r.content ? '<pre>' + esc(JSON.stringify(r.content, null, 2)) + '</pre>' : '')).join('');
      const text = (method + ' ' + path + ' ' + (op.summary || '')).toLowerCase();
      rows.push({ text, html: '<details><summary><span class="m ' + method.toUpperCase() + '">' + method.toUpperCase() + '</span><code>' + esc(path) + '</code> <span class="muted">' + esc(op.summary) + '</span></summary>' + (op.description ? md(op.description) : '') + (params ? '<p>Parameters:</p><ul>' + params + '</ul>' : '') + body + responses + '</details>' });
    }
  }
  const render = (q) => { ops.innerHTML = rows.filter((r) => !q || r.text.includes(q)).map((r) => r.html).join('') || '<p class="muted">No operation matches.</p>'; };
  document.getElementById('filter').addEventListener('input', (e) => render(e.target.value.trim().toLowerCase()));
  render('');
})();
`;

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** Only this page's own inline script and style, data from this server, no framing. */
const DOCS_CSP = [
  "default-src 'none'",
  `script-src ${sha256(DOCS_SCRIPT)}`,
  `style-src ${sha256(DOCS_STYLE)}`,
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Renders /api/docs/json in the browser: every operation with its parameters and responses. No external assets. */
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Metronome API</title>
<style>${DOCS_STYLE}</style>
</head>
<body>
<h1>Metronome API</h1>
<p class="muted">OpenAPI document: <a href="/api/docs/json">/api/docs/json</a></p>
<div id="intro"></div>
<input id="filter" placeholder="Filter operations (path, method or summary)" aria-label="Filter operations">
<div id="ops">Loading…</div>
<script>${DOCS_SCRIPT}</script>
</body>
</html>
`;
