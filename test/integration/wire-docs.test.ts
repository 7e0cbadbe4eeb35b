/** The wire resources are the response schemas of their routes: /api/docs documents them. */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';

describeEachDatabase('wire resources in the API docs', (t) => {
  it('document the responses of the user, heartbeat, project, machine, user agent, catalog and health routes', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const ok = (path: string, method = 'get', status = '200') => doc.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']?.schema;
    for (const path of ['/api/v1/users/{user}', '/api/v1/users/{user}/heartbeats', '/api/v1/users/{user}/projects', '/api/v1/users/{user}/machine_names', '/api/v1/users/{user}/user_agents', '/api/v1/editors', '/api/v1/program_languages', '/api/v1/meta', '/healthz']) {
      expect(ok(path), path).toBeDefined();
    }
    expect(ok('/api/v1/users/current', 'patch')).toBeDefined();
    expect(ok('/api/v1/users/{user}/heartbeats.bulk', 'post', '201')).toBeDefined();
    expect(ok('/api/v1/users/{user}/heartbeats', 'post', '202')).toBeDefined();
    expect(JSON.stringify(ok('/api/v1/users/{user}/projects'))).toContain('human_readable_last_heartbeat_at');
  });
});
