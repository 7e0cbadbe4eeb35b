/**
 * Other settings than the user's own (here a timeout) are computed from raw heartbeats; over a
 * long stretch of activity that runs in the background: 202 with is_up_to_date false and
 * percent_calculated at once, then 200 with the exact answer (cached), recomputed after the
 * user's heartbeats change (the stale answer shown meanwhile, with 202). The size threshold is lowered so a small history counts as long.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

describeEachDatabase('a long raw computation', (t) => {
  it('answers 202 at once, completes in the background, is cached, and is dropped when heartbeats change', async () => {
    const { apiKey } = await t.createUser();
    const headers = t.auth(apiKey);
    // two sessions 60 days apart: 10 minutes each at a heartbeat a minute
    const day = (d: number) => Date.UTC(2024, 0, 1 + d, 10) / 1000;
    const session = (d: number) => Array.from({ length: 11 }, (_, i) => ({ entity: 'a.ts', time: day(d) + i * 60, language: 'Go', project: 'p' }));
    const post = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...headers }, payload: [...session(0), ...session(60)] });
    expect(post.statusCode).toBe(201);
    const time = t.app.ctx.services.time;
    time.rawSyncDays = 30;
    const url = '/api/v1/users/current/summaries?start=2024-01-01&end=2024-03-31&timeout=5';
    const wait = async () => {
      for (let i = 0; i < 200; i++) {
        const res = await t.app.inject({ method: 'GET', url, headers });
        if (res.statusCode === 200) return res;
        expect(res.statusCode).toBe(202);
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('the background computation never finished');
    };

    const first = await t.app.inject({ method: 'GET', url, headers });
    expect(first.statusCode).toBe(202);
    expect(first.json().is_up_to_date).toBe(false);
    expect(first.json().percent_calculated).toBeGreaterThanOrEqual(0);
    expect(first.json().percent_calculated).toBeLessThan(100);

    const done = await wait();
    expect(done.json().is_up_to_date).toBe(true);
    expect(done.json().percent_calculated).toBe(100);
    expect(done.json().cumulative_total.seconds).toBe(1200);
    // cached: answered at once, again
    const again = await t.app.inject({ method: 'GET', url, headers });
    expect(again.statusCode).toBe(200);
    expect(again.json().cumulative_total.seconds).toBe(1200);

    // a new heartbeat drops the cached answer: computed again, then it counts
    const more = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...headers }, payload: [{ entity: 'a.ts', time: day(60) + 660, language: 'Go', project: 'p' }] });
    expect(more.statusCode).toBe(201);
    const stale = await t.app.inject({ method: 'GET', url, headers });
    expect(stale.statusCode).toBe(202);
    // meanwhile the previous answer is shown, marked as not up to date
    expect(stale.json().is_up_to_date).toBe(false);
    expect(stale.json().cumulative_total.seconds).toBe(1200);
    expect((await wait()).json().cumulative_total.seconds).toBe(1260);

    // under the threshold it stays synchronous (the user's own settings never wait on a job)
    time.rawSyncDays = 120;
    const sync = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/summaries?start=2024-01-01&end=2024-03-31&timeout=6', headers });
    expect(sync.statusCode).toBe(200);
    expect(sync.json().cumulative_total.seconds).toBe(1260);
  });
});
