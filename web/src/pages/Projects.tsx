/** Projects: a searchable list with each project's time in the chosen range and its last activity. */
import { useState } from 'react';
import type { AppState } from '../page-props.js';
import { Alert, Page, Table, TimeText } from '../components.js';
import { errorMessage } from '../data.js';
import { useProjects, useSummaries } from '../queries.js';
import { rangeParams, useRangeChoice } from '../range.js';
import { pathFor } from '../routes.js';
import { Link } from '../router.js';
import { humanText } from '../../../src/domain/format.js';
import { RangePicker } from '../charts/RangePicker.js';
import { sumItems } from '../charts/Breakdown.js';

export function ProjectsPage({ user }: AppState) {
  const [choice, setChoice] = useRangeChoice();
  const [q, setQ] = useState('');
  const projects = useProjects(q.trim() || undefined);
  const summaries = useSummaries(rangeParams(choice));
  const time = new Map(sumItems((summaries.data?.data ?? []).map((d) => d.projects)).map((i) => [i.name, i.total_seconds]));
  const list = [...(projects.data?.data ?? [])].sort((a, b) => (time.get(b.name) ?? 0) - (time.get(a.name) ?? 0) || (b.last_heartbeat_at ?? '').localeCompare(a.last_heartbeat_at ?? ''));
  return (
    <Page title="Projects">
      <div className="toolbar">
        <RangePicker value={choice} onChange={setChoice} />
        <label className="search">
          <span className="visually-hidden">Search projects</span>
          <input type="search" placeholder="Search projects" value={q} onChange={(e) => setQ(e.target.value)} maxLength={200} />
        </label>
      </div>
      {projects.error ? <Alert kind="error">{errorMessage(projects.error, 'Could not load your projects.')}</Alert> : null}
      <section className="card">
        {projects.data && list.length === 0 ? (
          <p className="empty">{q ? `No project matches “${q}”.` : 'No projects yet: they appear with your first heartbeats.'}</p>
        ) : (
          <Table columns={['Project', 'Time in range', 'Last activity']} testId="projects">
            {list.map((p) => (
              <tr key={p.id} data-project={p.name}>
                <td className="cell-wrap">
                  <Link to={pathFor('/projects/:name', { name: p.name })}>{p.name}</Link>
                </td>
                <td data-seconds={time.get(p.name) ?? 0}>{summaries.data ? humanText(time.get(p.name) ?? 0) : '…'}</td>
                <td>
                  <TimeText iso={p.last_heartbeat_at} timeZone={user.timezone} />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </Page>
  );
}
