/** Serving the browser app: assets, the client-side routes, JSON 404s for the APIs, no build yet. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandlers } from '../../src/http/errors.js';
import { registerWeb } from '../../src/http/web.js';
import { safeNext } from '../../web/src/next.js';
import { describeEachDatabase } from '../helpers/harness.js';
import { ensureWebBuilt, WEB_DIST } from '../helpers/web-build.js';

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

beforeAll(() => {
  ensureWebBuilt();
});

describeEachDatabase('web app serving', (t) => {
  it('serves index.html at / and on every client-side page, without caching', async () => {
    for (const url of ['/', '/login?next=%2Fsettings', '/signup', '/settings', '/settings/api-keys', '/settings/apps', '/settings/authorized-apps', '/no/such/page']) {
      const res = await t.app.inject({ method: 'GET', url, headers: HTML });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/text\/html/);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(res.body, url).toContain('<div id="root"></div>');
    }
    const head = await t.app.inject({ method: 'HEAD', url: '/settings', headers: HTML });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('serves its own favicon, as an ICO at /favicon.ico and as SVG, built or not', async () => {
    const ico = await t.app.inject({ method: 'GET', url: '/favicon.ico' });
    expect(ico.statusCode).toBe(200);
    expect(ico.headers['content-type']).toBe('image/x-icon');
    const bytes = ico.rawPayload;
    // ICONDIR: reserved 0, type 1 (icon), one 32×32 32-bit image right after the directory
    expect([bytes.readUInt16LE(0), bytes.readUInt16LE(2), bytes.readUInt16LE(4), bytes[6], bytes[7], bytes.readUInt16LE(12)]).toEqual([0, 1, 1, 32, 32, 32]);
    expect(bytes.readUInt32LE(18)).toBe(22);
    expect(bytes.readUInt32LE(14)).toBe(bytes.length - 22);
    // a picture, not an empty square: opaque pixels of at least two colours
    const pixels = bytes.subarray(22 + 40, 22 + 40 + 32 * 32 * 4);
    const opaque = new Set<string>();
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] === 255) opaque.add(pixels.subarray(i, i + 3).toString('hex'));
    expect(opaque.size).toBeGreaterThanOrEqual(2);
    const svg = await t.app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(svg.body).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // the pages point at it
    const index = (await t.app.inject({ method: 'GET', url: '/', headers: HTML })).body;
    expect(index).toContain('href="/favicon.svg"');
  });

  it('serves the hashed assets with a long immutable cache', async () => {
    const index = (await t.app.inject({ method: 'GET', url: '/', headers: HTML })).body;
    const assets = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const res = await t.app.inject({ method: 'GET', url: asset });
      expect(res.statusCode, asset).toBe(200);
      expect(res.headers['cache-control'], asset).toMatch(/max-age=31536000.*immutable/);
      expect(res.headers['content-type'], asset).toMatch(asset.endsWith('.js') ? /javascript/ : /text\/css/);
    }
    // no external assets: nothing loaded from another origin
    expect(index).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('keeps JSON 404s for the APIs, OAuth, health and non-HTML requests', async () => {
    for (const url of ['/api/v1/nope', '/api/web/nope', '/api', '/oauth/nope', '/healthz/x']) {
      const res = await t.app.inject({ method: 'GET', url, headers: HTML });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/application\/json/);
      expect(res.json().error, url).toMatch(/^Not found/);
    }
    const json = await t.app.inject({ method: 'GET', url: '/settings', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    expect(json.json().error).toMatch(/^Not found/);
    const missingAsset = await t.app.inject({ method: 'GET', url: '/assets/nope.js', headers: { accept: '*/*' } });
    expect(missingAsset.statusCode).toBe(404);
    const post = await t.app.inject({ method: 'POST', url: '/settings', headers: HTML, payload: {} });
    expect(post.statusCode).toBe(404);
    expect(post.json().error).toMatch(/^Not found/);
    // the APIs themselves are untouched
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json().status).toBe('ok');
  });

  it('never serves files outside web/dist', async () => {
    for (const url of ['/../package.json', '/%2e%2e/package.json', '/assets/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: '*/*' } });
      expect(res.body, url).not.toContain('"name": "metronome"');
    }
  });
});

describe('web app serving without a build', () => {
  it('answers a short HTML page saying to run npm run build', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'metronome-web-'));
    const app = Fastify({ logger: false });
    installErrorHandlers(app);
    await registerWeb(app, { distDir: path.join(empty, 'dist') });
    try {
      for (const url of ['/', '/settings']) {
        const res = await app.inject({ method: 'GET', url, headers: HTML });
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type']).toMatch(/text\/html/);
        expect(res.body).toContain('npm run build');
      }
      const api = await app.inject({ method: 'GET', url: '/api/v1/x', headers: HTML });
      expect(api.statusCode).toBe(404);
      expect(api.json().error).toMatch(/^Not found/);
    } finally {
      await app.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('builds into web/dist', () => {
    expect(fs.existsSync(path.join(WEB_DIST, 'index.html'))).toBe(true);
  });
});
