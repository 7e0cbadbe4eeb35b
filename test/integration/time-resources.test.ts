/**
 * Issue 8 item 4: the time routes declare their wire resources (src/wire/) as response schemas,
 * so /api/docs documents what they answer, and every filter as a query parameter.
 */
import { expect, it } from 'vitest';
import { FILTERS } from '../../src/domain/stats-query.js';
import { describeEachDatabase } from '../helpers/harness.js';

describeEachDatabase('time resources in /api/docs', (t) => {
  it('documents the response and the filters of every time route', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const routes: [string, string[]][] = [
      ['/api/v1/users/{user}/summaries', ['data', 'cumulative_total', 'daily_average', 'is_up_to_date', 'percent_calculated']],
      ['/api/v1/users/{user}/status_bar/today', ['cached_at', 'has_team_features', 'data']],
      ['/api/v1/users/{user}/stats', ['data']],
      ['/api/v1/users/{user}/stats/{range}', ['data']],
      ['/api/v1/users/{user}/insights/{insight_type}/{range}', ['data']],
      ['/api/v1/users/{user}/durations', ['data', 'start', 'end', 'timezone']],
      ['/api/v1/users/{user}/all_time_since_today', ['data']],
    ];
    for (const [path, fields] of routes) {
      const op = doc.paths[path]?.get;
      expect(op, path).toBeDefined();
      const schema = op.responses['200']?.content?.['application/json']?.schema;
      expect(schema, path).toBeDefined();
      expect(Object.keys(schema.properties), path).toEqual(expect.arrayContaining(fields));
      const params = (op.parameters as { name: string; in: string }[]).filter((p) => p.in === 'query').map((p) => p.name);
      expect(params, path).toEqual(expect.arrayContaining([...FILTERS]));
    }
    const stats = doc.paths['/api/v1/users/{user}/stats/{range}'].get.responses['200'].content['application/json'].schema.properties.data;
    expect(Object.keys(stats.properties)).toEqual(expect.arrayContaining(['total_seconds', 'best_day', 'languages', 'holidays', 'range', 'is_up_to_date', 'timeout', 'writes_only', 'username']));
    // hidden parts are null on the wire, and documented so
    expect(stats.properties.languages.nullable).toBe(true);
  });
});
