/** The npm client `@nick22985/wakatime-api`, unmodified, against a listening server: only the base URL changes. */
import { WakaTimeApi } from '@nick22985/wakatime-api';
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

describeEachDatabase('@nick22985/wakatime-api', (t) => {
  it('reads the user, user agents, projects, summaries (Date parameters) and stats', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { user, apiKey } = await t.createUser();
    const base = DateTime.utc().startOf('day').minus({ days: 2 }).plus({ hours: 10 }).toSeconds();
    const res = await fetch(`${address}/api/v1/users/current/heartbeats.bulk`, {
      method: 'POST',
      headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) },
      body: JSON.stringify([
        { entity: '/p/api/a.rs', type: 'file', time: base, project: 'api', language: 'Rust', branch: 'main', is_write: true },
        { entity: '/p/api/a.rs', type: 'file', time: base + 300, project: 'api', language: 'Rust', branch: 'main' },
        { entity: '/p/api/b.rs', type: 'file', time: base + 420, project: 'api', language: 'Rust', branch: 'main' },
      ]),
    });
    expect(res.status).toBe(201);

    const client = new WakaTimeApi(apiKey, `${address}/api/v1/`);
    const me = (await client.getMe()) as unknown as { data: { id: string; username: string } };
    expect(me.data).toMatchObject({ id: user.uuid, username: user.username });

    const agents = (await client.getMyAgents()) as unknown as { data: { editor: string }[] };
    expect(agents.data.map((a) => a.editor)).toEqual(['VS Code']);

    // it sends ?query= (not the reference's ?q=): tolerated, all projects listed
    const projects = await client.getMyProjects('ap');
    expect(projects.data.map((p: { name: string }) => p.name)).toEqual(['api']);

    // Date objects travel as full ISO datetimes (2024-04-05T00:00:00.000Z)
    const day = DateTime.fromSeconds(base, { zone: 'UTC' }).startOf('day');
    const summaries = (await client.getMySummaries(day.toJSDate(), day.toJSDate())) as unknown as {
      data: { grand_total: { total_seconds: number }; languages: { name: string }[] }[];
      cumulative_total: { seconds: number };
    };
    expect(summaries.data).toHaveLength(1);
    expect(summaries.data[0]!.grand_total.total_seconds).toBe(420);
    expect(summaries.data[0]!.languages[0]!.name).toBe('Rust');
    expect(summaries.cumulative_total.seconds).toBe(420);

    const stats = await client.getMyStats('last_7_days' as never);
    expect(stats.data).toMatchObject({ range: 'last_7_days', total_seconds: 420, is_up_to_date: true });
    expect(stats.data.projects[0]).toMatchObject({ name: 'api', total_seconds: 420 });
  });
});
