import { expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/storage/db.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { describeEachDatabase, testConfig } from '../helpers/harness.js';

describeEachDatabase('health', (t) => {
  it('answers 200 while the database answers, 503 JSON when it does not', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ok', database: t.dialect });

    const storage = openDatabase(t.databaseUrl);
    await migrateToLatest(storage);
    const app = await buildApp({ config: testConfig(t.databaseUrl), storage, logger: false });
    await storage.close();
    const down = await app.inject({ method: 'GET', url: '/healthz' });
    expect(down.statusCode).toBe(503);
    expect(down.json().error).toMatch(/database unavailable/);
    await app.close();
  });
});
