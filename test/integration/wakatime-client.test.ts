/** The npm client `wakatime-client`, unmodified, against a listening server: only the base URL changes. */
import { expect, it } from 'vitest';
import { WakaTimeClient } from 'wakatime-client';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

describeEachDatabase('wakatime-client', (t) => {
  it('reads the user, projects, heartbeats, machine names and user agents', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { user, apiKey } = await t.createUser();
    const base = Date.UTC(2024, 3, 5, 8) / 1000;
    const res = await fetch(`${address}/api/v1/users/current/heartbeats.bulk`, {
      method: 'POST',
      headers: { ...cliHeaders({ timezone: 'UTC', 'x-machine-name': 'laptop-1' }), ...t.auth(apiKey) },
      body: JSON.stringify([
        { entity: '/p/metronome/a.ts', type: 'file', time: base, project: 'metronome', language: 'TypeScript', branch: 'main' },
        { entity: '/p/other/b.py', type: 'file', time: base + 60, project: 'other', language: 'Python' },
      ]),
    });
    expect(res.status).toBe(201);

    const client = new WakaTimeClient(apiKey, `${address}/api/v1/`);
    const me = await client.getMe();
    expect(me.data).toMatchObject({ id: user.uuid, username: user.username, timezone: 'UTC', last_project: 'other' });

    const projects = await client.getMyProjects();
    expect(projects.data.map((p: { name: string }) => p.name).sort()).toEqual(['metronome', 'other']);
    expect(projects.data[0]).toHaveProperty('last_heartbeat_at');

    const heartbeats = await client.getMyHeartbeats('2024-04-05');
    expect(heartbeats.data).toHaveLength(2);
    expect(heartbeats).toMatchObject({ timezone: 'UTC', start: '2024-04-05T00:00:00Z', end: '2024-04-05T23:59:59Z' });

    const other = await client.getUser(user.username);
    expect(other.data.username).toBe(user.username);

    const agents = await client.getMyUserAgents();
    expect(agents.data).toHaveLength(1);
    expect(agents.data[0]).toMatchObject({ editor: 'VS Code', os: 'Linux', version: '24.4.0', is_browser_extension: false });

    // machine names: not in wakatime-client, same client conventions
    const machines = await fetch(`${address}/api/v1/users/current/machine_names`, { headers: t.auth(apiKey) }).then((r) => r.json());
    expect(machines.data).toHaveLength(1);
    expect(machines.data[0]).toMatchObject({ name: 'laptop-1', value: 'laptop-1', timezone: 'UTC', ip: '127.0.0.1' });
  });
});
