/**
 * Serves the browser app (web/, built into web/dist by `npm run build`) at `/`: hashed assets under
 * /assets/ with a year-long immutable cache, index.html with `no-cache`, and index.html for any
 * other GET/HEAD that accepts HTML outside /api/, /oauth/ and /healthz (the app routes on the
 * client). Everything else keeps the JSON 404 of errors.ts. Without a build, such pages answer a
 * short HTML note saying to run `npm run build`. Every route here is left out of the OpenAPI document.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FAVICON_ICO, FAVICON_SVG } from './favicon.js';

/** web/dist seen from src/http/ and from dist/http/ alike. */
export const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

export interface WebOptions {
  /** Where the built front end lives (default: web/dist of this checkout). */
  distDir?: string;
}

/** Paths the app never answers with a page: the APIs keep their JSON answers, 404s included. */
const NOT_PAGES = /^\/(api|oauth)(\/|$)|^\/healthz(\/|$)/;

const YEAR = 365 * 24 * 60 * 60 * 1000;

// The app is served from this origin only: no inline scripts, no external anything.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Metronome: web app not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>The web app is not built</h1>
<p>Metronome's API is running, but its web pages have not been built yet. Run <code>npm run build</code>
(or <code>npm start</code>, which builds first) and reload this page.</p>
<p>The API is at <a href="/api/v1/meta">/api/v1</a>; its reference at <a href="/api/docs/ui">/api/docs/ui</a>.</p>
</body>
</html>
`;

function acceptsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.toLowerCase().includes('text/html');
}

function pageHeaders(reply: FastifyReply, csp = CSP): FastifyReply {
  return reply
    .header('cache-control', 'no-cache')
    .header('content-security-policy', csp)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'same-origin');
}

/** The file under `root` that a URL path names, if it is a regular file there (never outside it). */
function fileFor(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = path.normalize(decoded).replace(/^([/\\])+/, '');
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  // no dotfiles
  if (relative.split(/[/\\]/).some((part) => part.startsWith('.'))) return null;
  const full = path.join(root, relative);
  if (!full.startsWith(root + path.sep)) return null;
  try {
    return fs.statSync(full).isFile() ? relative.split(path.sep).join('/') : null;
  } catch {
    return null;
  }
}

export async function registerWeb(app: FastifyInstance, options: WebOptions = {}): Promise<void> {
  const root = path.resolve(options.distDir ?? DEFAULT_WEB_DIST);
  // only the reply.sendFile decorator: the catch-all route below decides what is a file
  await app.register(fastifyStatic, { root, serve: false, dotfiles: 'ignore' });

  let built = false;
  const isBuilt = (): boolean => {
    // once built, stays built; until then, look again (a build may land while the server runs)
    if (!built) built = fs.existsSync(path.join(root, 'index.html'));
    return built;
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const urlPath = request.url.split('?')[0] ?? '/';
    if (NOT_PAGES.test(urlPath)) return reply.callNotFound();
    const html = acceptsHtml(request);
    if (!isBuilt()) {
      if (!html && urlPath !== '/') return reply.callNotFound();
      return pageHeaders(reply, CSP.replace("style-src 'self'", "style-src 'unsafe-inline'")).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    const file = urlPath === '/' ? null : fileFor(root, urlPath);
    if (file && file !== 'index.html') {
      reply.header('x-content-type-options', 'nosniff');
      // Vite names the bundles after their content: they never change under the same name
      if (file.startsWith('assets/')) return reply.sendFile(file, { maxAge: YEAR, immutable: true });
      return reply.sendFile(file, { maxAge: 60 * 60 * 1000, immutable: false });
    }
    if (!html && urlPath !== '/') return reply.callNotFound();
    return pageHeaders(reply).sendFile('index.html', { cacheControl: false });
  };

  // our own icon, built or not (browsers ask for /favicon.ico by themselves)
  const DAY = 24 * 60 * 60;
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', `public, max-age=${DAY}`).header('x-content-type-options', 'nosniff').type('image/x-icon').send(FAVICON_ICO),
  );
  app.get('/favicon.svg', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', `public, max-age=${DAY}`).header('x-content-type-options', 'nosniff').type('image/svg+xml').send(FAVICON_SVG),
  );
  app.get('/', { schema: { hide: true } }, handler);
  app.get('/*', { schema: { hide: true } }, handler);
}
