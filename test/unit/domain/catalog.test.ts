import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as linguist from 'linguist-languages';
import {
  EDITORS,
  filterByName,
  listEditors,
  loadProgramLanguages,
  metaFromEnv,
  paginate,
  programLanguagesFrom,
  type EditorEntry,
  type LinguistLanguage,
} from '../../../src/domain/catalog.js';
import { editorDisplayName } from '../../../src/domain/user-agent.js';

describe('editor catalog', () => {
  it('has unique ids and names, every field of the reference, and nothing invented', () => {
    expect(EDITORS.length).toBeGreaterThan(30);
    expect(new Set(EDITORS.map((e) => e.id)).size).toBe(EDITORS.length);
    expect(new Set(EDITORS.map((e) => e.name)).size).toBe(EDITORS.length);
    for (const e of EDITORS) {
      expect(Object.keys(e).sort()).toEqual(['color', 'hidden', 'history_url', 'id', 'name', 'released', 'repository', 'version', 'version_url', 'website']);
      expect(e.id).toMatch(/^[a-z0-9]+$/);
      expect(e.repository).toMatch(/^https:\/\/github\.com\/wakatime\/[\w.-]+$/);
      expect(e.website).toMatch(/^https:\/\//);
      // no colour dataset and no way to know the latest versions offline
      expect(e.color).toBeNull();
      expect(e.version).toBeNull();
      expect(e.version_url).toBeNull();
      if (e.history_url !== null) expect(e.history_url.startsWith(`${e.repository}/blob/HEAD/`)).toBe(true);
      expect(typeof e.released).toBe('boolean');
      expect(typeof e.hidden).toBe('boolean');
    }
  });

  it('names editors exactly as the user-agent parser does, so stats and catalog agree', () => {
    for (const e of EDITORS) {
      expect(editorDisplayName(e.id), e.id).toBe(e.name);
      expect(editorDisplayName(e.name), e.name).toBe(e.name);
    }
  });

  it('lists the main plugins with their repositories and marks discontinued editors hidden', () => {
    const byId = new Map(EDITORS.map((e) => [e.id, e]));
    expect(byId.get('vscode')).toMatchObject({ name: 'VS Code', repository: 'https://github.com/wakatime/vscode-wakatime', hidden: false, released: true });
    expect(byId.get('intellij')).toMatchObject({ name: 'IntelliJ IDEA', repository: 'https://github.com/wakatime/jetbrains-wakatime' });
    expect(byId.get('neovim')?.repository).toBe('https://github.com/wakatime/vim-wakatime');
    expect(byId.get('emacs')?.repository).toBe('https://github.com/wakatime/wakatime-mode');
    expect(byId.get('chrome')?.repository).toBe('https://github.com/wakatime/browser-wakatime');
    expect(byId.get('atom')?.hidden).toBe(true);
  });

  it('lists released plugins sorted by name, and unreleased ones only when asked', () => {
    const base: EditorEntry = { ...EDITORS[0]! };
    const catalog: EditorEntry[] = [
      { ...base, id: 'b', name: 'beta', released: true },
      { ...base, id: 'a', name: 'Alpha', released: true },
      { ...base, id: 'c', name: 'Gamma', released: false },
    ];
    expect(listEditors(catalog).map((e) => e.id)).toEqual(['a', 'b']);
    expect(listEditors(catalog, { unreleased: true }).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(catalog.map((e) => e.id)).toEqual(['b', 'a', 'c']); // input untouched
    const names = listEditors(EDITORS).map((e) => e.name.toLowerCase());
    expect(names).toEqual([...names].sort((x, y) => x.localeCompare(y, 'en')));
  });
});

describe('program languages', () => {
  it('comes from the linguist-languages package: every language, its name and colour', async () => {
    const all = Object.values(linguist) as LinguistLanguage[];
    const langs = await loadProgramLanguages();
    expect(langs).toHaveLength(all.length);
    expect(new Set(langs.map((l) => l.id)).size).toBe(langs.length);
    const ts = langs.find((l) => l.name === 'TypeScript');
    expect(ts).toEqual({ id: String(linguist.TypeScript.languageId), name: 'TypeScript', color: linguist.TypeScript.color, is_verified: true, created_at: null, modified_at: null });
    expect(langs.find((l) => l.name === 'Python')?.color).toBe(linguist.Python.color);
    // languages without a colour in linguist have none here either
    const colourless = all.filter((l) => !l.color).map((l) => l.name);
    expect(colourless.length).toBeGreaterThan(0);
    for (const name of colourless) expect(langs.find((l) => l.name === name)?.color).toBeNull();
    expect(await loadProgramLanguages()).toBe(langs); // loaded once
  });

  it('sorts by name case-insensitively, drops duplicates and bad colours', () => {
    const out = programLanguagesFrom([
      { name: 'zig', type: 'programming', languageId: 3, color: '#ec915c' },
      { name: 'Ada', type: 'programming', languageId: 1, color: 'red' },
      { name: 'zig', type: 'programming', languageId: 4 },
      { name: 'C', type: 'programming', languageId: 2 },
    ]);
    expect(out.map((l) => [l.id, l.name, l.color])).toEqual([
      ['1', 'Ada', null],
      ['2', 'C', null],
      ['3', 'zig', '#ec915c'],
    ]);
  });

  it('paginates without losing or repeating items (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 60 }), fc.integer({ min: 1, max: 25 }), (items, perPage) => {
        const first = paginate(items, 1, perPage);
        const pages = Array.from({ length: first.total_pages }, (_, i) => paginate(items, i + 1, perPage));
        expect(pages.flatMap((p) => p.data)).toEqual(items);
        expect(first.total).toBe(items.length);
        expect(first.total_pages).toBe(Math.max(1, Math.ceil(items.length / perPage)));
        expect(paginate(items, first.total_pages + 1, perPage).data).toEqual([]);
      }),
    );
  });

  it('puts everything on one page without per_page', () => {
    expect(paginate([1, 2, 3])).toEqual({ data: [1, 2, 3], total: 3, total_pages: 1, page: 1, per_page: 3 });
    expect(paginate([])).toEqual({ data: [], total: 0, total_pages: 1, page: 1, per_page: 1 });
  });

  it('filters by name, case-insensitively', () => {
    const items = [{ name: 'TypeScript' }, { name: 'JavaScript' }, { name: 'Go' }];
    expect(filterByName(items, 'script').map((i) => i.name)).toEqual(['TypeScript', 'JavaScript']);
    expect(filterByName(items, '  ')).toBe(items);
    expect(filterByName(items, undefined)).toBe(items);
  });
});

describe('meta', () => {
  it('defaults to empty lists and no modification time', () => {
    expect(metaFromEnv({})).toEqual({
      ip_descriptions: { api: expect.any(String), website: expect.any(String), worker: expect.any(String) },
      ips: { api: [], website: [], worker: [] },
      last_modified_at: null,
    });
    expect(metaFromEnv({ META_API_IPS: '', META_WEBSITE_IPS: '  ' }).ips).toEqual({ api: [], website: [], worker: [] });
  });

  it('reads comma-separated addresses and ranges, IPv4 and IPv6, without duplicates', () => {
    const meta = metaFromEnv({
      META_API_IPS: '203.0.113.10, 203.0.113.11,203.0.113.10',
      META_WEBSITE_IPS: '2001:db8::1,198.51.100.0/24',
      META_WORKER_IPS: '2001:db8::/32',
      META_LAST_MODIFIED_AT: '2024-03-01T12:00:00+01:00',
    });
    expect(meta.ips).toEqual({ api: ['203.0.113.10', '203.0.113.11'], website: ['2001:db8::1', '198.51.100.0/24'], worker: ['2001:db8::/32'] });
    expect(meta.last_modified_at).toBe('2024-03-01T11:00:00Z');
    expect(metaFromEnv({ META_LAST_MODIFIED_AT: '2024-03-01' }).last_modified_at).toBe('2024-03-01T00:00:00Z');
  });

  it.each([
    ['META_API_IPS', 'not-an-ip'],
    ['META_WEBSITE_IPS', '1.2.3.4,999.1.1.1'],
    ['META_WORKER_IPS', '10.0.0.0/33'],
    ['META_WORKER_IPS', '2001:db8::/129'],
    ['META_API_IPS', '10.0.0.1/8/8'],
    ['META_LAST_MODIFIED_AT', 'yesterday-ish'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => metaFromEnv({ [name]: value })).toThrow(name);
  });
});
