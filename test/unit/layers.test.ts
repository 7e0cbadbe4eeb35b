/** The layers of docs/ARCHITECTURE.md, checked on the source: who may import what. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const files = (dir: string) => fs.readdirSync(path.join(src, dir)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`);
const importsOf = (file: string) => [...fs.readFileSync(path.join(src, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);

describe('layers', () => {
  it('the domain never imports storage, http, services or routes', () => {
    const bad = files('domain').flatMap((f) => importsOf(f).filter((i) => /^\.\.\/(storage|http|services|routes)\//.test(i)).map((i) => `${f}: ${i}`));
    expect(bad).toEqual([]);
  });

  it('wire resources import only TypeBox and the domain', () => {
    const bad = files('wire').flatMap((f) => importsOf(f).filter((i) => !i.startsWith('@sinclair/typebox') && !i.startsWith('../domain/') && !i.startsWith('./')).map((i) => `${f}: ${i}`));
    expect(bad).toEqual([]);
  });

  it('these routes reach data only through services', () => {
    const mine = ['users', 'heartbeats', 'projects', 'machine-names', 'user-agents', 'catalogs', 'health'].map((n) => `routes/${n}.ts`);
    const bad = mine.flatMap((f) => importsOf(f).filter((i) => i.startsWith('../storage/') || i === 'kysely').map((i) => `${f}: ${i}`));
    expect(bad).toEqual([]);
    expect(fs.existsSync(path.join(src, 'routes/records.ts'))).toBe(false);
  });

  it('these services never throw HTTP errors', () => {
    const mine = ['users', 'heartbeats', 'projects', 'machine-names', 'user-agents', 'health'].map((n) => `services/${n}.ts`);
    const bad = mine.flatMap((f) => importsOf(f).filter((i) => i.startsWith('../http/')).map((i) => `${f}: ${i}`));
    expect(bad).toEqual([]);
  });
});
