import { describe, expect, it } from 'vitest';
import * as linguist from 'linguist-languages';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/storage/db.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { describeEachDatabase, freshDatabase, testConfig } from '../helpers/harness.js';

const EDITOR_FIELDS = ['id', 'name', 'color', 'website', 'repository', 'version', 'version_url', 'history_url', 'released', 'hidden'];
const LANGUAGE_FIELDS = ['id', 'name', 'color', 'is_verified', 'created_at', 'modified_at'];

describeEachDatabase('catalogs', (t) => {
  it('GET /editors answers without credentials, with every field of the reference', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/editors' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data.length).toBeGreaterThan(30);
    for (const e of body.data) expect(Object.keys(e).sort()).toEqual([...EDITOR_FIELDS].sort());
    expect(body.data.find((e: { id: string }) => e.id === 'vscode')).toEqual({
      id: 'vscode',
      name: 'VS Code',
      color: null,
      website: 'https://code.visualstudio.com/',
      repository: 'https://github.com/wakatime/vscode-wakatime',
      version: null,
      version_url: null,
      history_url: 'https://github.com/wakatime/vscode-wakatime/blob/HEAD/CHANGELOG.md',
      released: true,
      hidden: false,
    });
  });

  it('GET /editors takes unreleased (and tolerates unknown parameters), refuses a non-boolean', async () => {
    const plain = (await t.app.inject({ method: 'GET', url: '/api/v1/editors' })).json().data;
    const withUnreleased = await t.app.inject({ method: 'GET', url: '/api/v1/editors?unreleased=true&cache=false' });
    expect(withUnreleased.statusCode).toBe(200);
    expect(withUnreleased.json().data.length).toBeGreaterThanOrEqual(plain.length);
    for (const qs of ['unreleased=', 'unreleased=1', 'unreleased=0', 'unreleased=TRUE', 'unreleased=false']) {
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/editors?${qs}` })).statusCode, qs).toBe(200);
    }
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/editors?unreleased=perhaps' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toContain('unreleased');
  });

  it('GET /editors answers the same with credentials', async () => {
    const { apiKey } = await t.createUser();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/editors', headers: t.auth(apiKey) });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual((await t.app.inject({ method: 'GET', url: '/api/v1/editors' })).json().data);
  });

  it('GET /program_languages lists linguist languages with totals', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/program_languages' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const count = Object.keys(linguist).length;
    expect(body).toMatchObject({ total: count, total_pages: 1, page: 1 });
    expect(body.data).toHaveLength(count);
    for (const l of body.data) expect(Object.keys(l).sort()).toEqual([...LANGUAGE_FIELDS].sort());
    expect(body.data.find((l: { name: string }) => l.name === 'Rust')).toEqual({
      id: String(linguist.Rust.languageId),
      name: 'Rust',
      color: linguist.Rust.color,
      is_verified: true,
      created_at: null,
      modified_at: null,
    });
  });

  it('GET /program_languages paginates and filters', async () => {
    const all = (await t.app.inject({ method: 'GET', url: '/api/v1/program_languages' })).json();
    const p2 = (await t.app.inject({ method: 'GET', url: '/api/v1/program_languages?page=2&per_page=100' })).json();
    expect(p2).toMatchObject({ total: all.total, total_pages: Math.ceil(all.total / 100), page: 2, per_page: 100 });
    expect(p2.data).toEqual(all.data.slice(100, 200));
    const q = (await t.app.inject({ method: 'GET', url: '/api/v1/program_languages?q=typescript' })).json();
    expect(q.data.map((l: { name: string }) => l.name)).toContain('TypeScript');
    expect(q.data.every((l: { name: string }) => l.name.toLowerCase().includes('typescript'))).toBe(true);
    expect(q.total).toBe(q.data.length);
  });

  it('GET /program_languages treats empty page parameters as absent', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/program_languages?page=&per_page=&q=' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ page: 1, total_pages: 1 });
  });

  it.each(['page=0', 'page=abc', 'page=1.5', 'page=100001', 'per_page=0', 'per_page=-5', 'per_page=99999999999999999999'])('GET /program_languages?%s is a 400 naming the field', async (qs) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/program_languages?${qs}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toContain(qs.split('=')[0]);
  });

  it('GET /meta has empty IP lists and no modification time by default', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/meta' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      data: {
        ip_descriptions: { api: expect.any(String), website: expect.any(String), worker: expect.any(String) },
        ips: { api: [], website: [], worker: [] },
        last_modified_at: null,
      },
    });
  });
});

describeEachDatabase(
  'catalogs: /meta from configuration',
  (t) => {
    it('GET /meta publishes the configured addresses', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/meta' });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({
        ips: { api: ['203.0.113.7', '203.0.113.8'], website: ['2001:db8::/48'], worker: [] },
        last_modified_at: '2024-05-01T00:00:00Z',
      });
    });
  },
  { env: { META_API_IPS: '203.0.113.7, 203.0.113.8', META_WEBSITE_IPS: '2001:db8::/48', META_LAST_MODIFIED_AT: '2024-05-01T00:00:00Z' } },
);

describe('catalogs: /meta misconfiguration', () => {
  it('stops the app from starting with a message naming the variable', async () => {
    const fresh = await freshDatabase('sqlite');
    const storage = openDatabase(fresh.url, { sqliteSynchronous: 'NORMAL', poolSize: 1 });
    try {
      await migrateToLatest(storage);
      const config = testConfig(fresh.url, { META_WORKER_IPS: '10.0.0.1, not-an-address' });
      await expect(buildApp({ config, storage, logger: false }).then((app) => app.ready())).rejects.toThrow(/META_WORKER_IPS.*not-an-address/);
    } finally {
      await storage.close();
      await fresh.drop();
    }
  });
});
