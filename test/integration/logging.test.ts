/** Credentials never reach the logs, at any level: query secrets, Authorization and Cookie headers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { redactUrl } from '../../src/http/logging.js';
import { createAccount } from '../../src/services/accounts.js';
import { openDatabase, type Storage } from '../../src/storage/db.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { freshDatabase, testConfig, uniqueName } from '../helpers/harness.js';

describe('redactUrl', () => {
  it('blanks the values of credential parameters and keeps the rest', () => {
    expect(redactUrl('/api/v1/users/current?api_key=waka_123&start=2024-01-01')).toBe('/api/v1/users/current?api_key=[REDACTED]&start=2024-01-01');
    expect(redactUrl('/x?range=today&ACCESS_TOKEN=abc&token=def&code=ghi&client_secret=jkl&refresh_token=mno#f')).toBe(
      '/x?range=today&ACCESS_TOKEN=[REDACTED]&token=[REDACTED]&code=[REDACTED]&client_secret=[REDACTED]&refresh_token=[REDACTED]#f',
    );
    // names that merely contain a secret's name are kept
    expect(redactUrl('/x?country_code=DE&api_key_name=x')).toBe('/x?country_code=DE&api_key_name=x');
    expect(redactUrl('/plain/path')).toBe('/plain/path');
  });
});

describe('logs at LOG_LEVEL=debug', () => {
  const lines: string[] = [];
  let app: App;
  let storage: Storage;
  let drop: () => Promise<void>;
  let apiKey: string;

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    drop = db.drop;
    storage = openDatabase(db.url, { sqliteSynchronous: 'NORMAL' });
    await migrateToLatest(storage);
    app = await buildApp({ config: testConfig(db.url), storage, logger: { level: 'debug', stream: { write: (line: string) => lines.push(line) } } });
    app.get('/test-boom', { schema: { hide: true } }, async () => {
      throw new Error('exploded while handling /test-boom?token=tok_in_message&x=1');
    });
    await app.ready();
    ({ apiKey } = await createAccount(storage, { username: uniqueName('log') }));
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
    await drop?.();
  });

  it('never shows a credential, in any line', async () => {
    const secrets = [apiKey, 'waka_tok_notreal123', 'refresh_abc', 'code_xyz', 'sec_123', 'tok_in_message', 'Basic c2VjcmV0', 'metronome_session=sess_42'];
    const ok = await app.inject({ method: 'GET', url: `/api/v1/users/current?api_key=${apiKey}` });
    expect(ok.statusCode).toBe(200);
    await app.inject({ method: 'GET', url: '/api/v1/users/current?access_token=waka_tok_notreal123' });
    await app.inject({ method: 'GET', url: '/oauth/authorize?client_id=x&code=code_xyz&client_secret=sec_123&refresh_token=refresh_abc' });
    await app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { authorization: 'Basic c2VjcmV0', cookie: 'metronome_session=sess_42' } });
    const boom = await app.inject({ method: 'GET', url: `/test-boom?api_key=${apiKey}&token=tok_in_message` });
    expect(boom.statusCode).toBe(500);
    // a line that carries headers has them censored
    app.log.info({ headers: { authorization: 'Basic c2VjcmV0', cookie: 'metronome_session=sess_42', accept: 'text/html' } }, 'headers');

    const all = lines.join('');
    // the requests were logged (so the check below means something) ...
    expect(all).toContain('/api/v1/users/current?api_key=[REDACTED]');
    expect(all).toContain('access_token=[REDACTED]');
    expect(all).toMatch(/"level":50.*test-boom\?api_key=\[REDACTED\]&token=\[REDACTED\]/);
    expect(all).toContain('"accept":"text/html"');
    // ... and no secret appears anywhere
    for (const secret of secrets) expect(all, secret).not.toContain(secret);
  });
});
