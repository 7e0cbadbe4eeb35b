/**
 * A team dashboard: the team's total, a daily chart stacked by member, the team's projects and
 * languages, the members table (today, this range, daily average, top language) — each member as
 * they share — and a member's own summary page. Admins add members and answer requests here.
 */
import { useId, useState, type FormEvent } from 'react';
import type { TeamSummary } from '../../../src/wire/org.js';
import type { AppState } from '../page-props.js';
import { api, formError, useApiAction, type ApiResult } from '../api.js';
import { Alert, Page, Table } from '../components.js';
import { errorMessage, invalidate } from '../data.js';
import { dashboardPath, useOrgDashboard, useDashboardMembers, useDashboardRequests, useMemberSummaries, useTeamSummary } from '../queries.js';
import { Link } from '../router.js';

const RANGES = ['Today', 'Yesterday', 'Last 7 Days', 'Last 14 Days', 'Last 30 Days', 'This Week', 'Last Week', 'This Month', 'Last Month'];
const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function hours(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h ? `${h} h ${m} min` : `${m} min`;
}

/** Days as bars, each stacked by the most active members (the rest as one grey band). */
function TeamChart({ summary }: { summary: TeamSummary['data'] }) {
  const stacked = summary.members.filter((m) => m.days);
  const series = [...stacked.map((m, i) => ({ name: m.full_name ?? m.username, color: COLORS[i % COLORS.length]!, values: m.days! })), { name: 'Everyone else', color: '#d0d0d0', values: summary.daily_others }];
  const max = Math.max(1, ...summary.daily_totals);
  const w = 640;
  const h = 200;
  const bw = w / Math.max(1, summary.dates.length);
  return (
    <figure>
      <svg viewBox={`0 0 ${w} ${h + 20}`} width="100%" role="img" aria-label={`Team time per day, ${summary.dates[0]} to ${summary.dates.at(-1)}`}>
        {summary.dates.map((date, d) => {
          let y = h;
          return (
            <g key={date}>
              {series.map((s) => {
                const v = s.values[d] ?? 0;
                const bh = (v / max) * h;
                y -= bh;
                return v > 0 ? (
                  <rect key={s.name} x={d * bw + 1} y={y} width={Math.max(1, bw - 2)} height={bh} fill={s.color}>
                    <title>{`${date} · ${s.name}: ${hours(v)}`}</title>
                  </rect>
                ) : null;
              })}
              {summary.dates.length <= 14 ? (
                <text x={d * bw + bw / 2} y={h + 14} fontSize="10" textAnchor="middle">
                  {date.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {series
          .filter((s) => s.values.some((v) => v > 0))
          .map((s) => (
            <span key={s.name} style={{ marginRight: '1em' }}>
              <span aria-hidden="true" style={{ display: 'inline-block', width: 10, height: 10, background: s.color, marginRight: 4 }} />
              {s.name}
            </span>
          ))}
      </figcaption>
    </figure>
  );
}

function Items({ title, items }: { title: string; items: { name: string; total_seconds: number; percent: number }[] | null }) {
  return (
    <div>
      <h3 className="small-heading">{title}</h3>
      {items === null ? <p className="hint">Not shared.</p> : items.length === 0 ? <p className="empty">Nothing yet.</p> : null}
      <ul className="plain">
        {items?.slice(0, 10).map((i) => (
          <li key={i.name}>
            {i.name}: {hours(i.total_seconds)} ({i.percent}%)
          </li>
        ))}
      </ul>
    </div>
  );
}

export function TeamDashboardPage({ user, params }: AppState) {
  const org = params.org!;
  const dashId = params.dashboard!;
  const [range, setRange] = useState('Last 7 Days');
  const dashboard = useOrgDashboard(org, dashId);
  const d = dashboard.data?.data;
  const summary = useTeamSummary(org, dashId, range, !!d?.can_current_user_view);
  const members = useDashboardMembers(org, dashId);
  const requests = useDashboardRequests(org, dashId);
  const [add, setAdd] = useState('');
  const [addResult, setAddResult] = useState<ApiResult<unknown> | null>(null);
  const ids = { range: useId(), total: useId(), members: useId(), manage: useId(), add: useId(), mine: useId() };
  const base = dashboardPath(org, dashId);
  const me = members.data?.data.find((m) => m.id === user.id);
  // a query's key starts with its exact path: refresh each of this dashboard's
  const refresh = () => Promise.all(['', '/summary', '/members', '/requests'].map((p) => invalidate(`${base}${p}`)));
  const { notice, setNotice, error, act } = useApiAction(refresh);
  const addMember = async (event: FormEvent) => {
    event.preventDefault();
    const res = await api('POST', `${base}/members`, { username: add.trim() });
    setAddResult(res);
    if (res.ok) {
      setNotice(`Added ${add.trim()}.`);
      setAdd('');
      await refresh();
    }
  };

  if (dashboard.error) return <Page title="Dashboard"><Alert kind="error">{errorMessage(dashboard.error, 'Could not load this dashboard.')}</Alert></Page>;
  const s = summary.data?.data;
  return (
    <Page title={d?.full_name ?? 'Dashboard'} intro={d ? <><Link to={`/orgs/${org}`}>Back to the organization</Link> · {d.members_count_human_readable} members · {d.timezone}</> : undefined}>
      <Alert kind="success">{notice}</Alert>
      <Alert kind="error">{error}</Alert>
      {d && !d.can_current_user_view ? <Alert kind="info">You may not view this dashboard yet: ask to view it from the organization page.</Alert> : null}
      {d?.can_current_user_view ? (
        <section className="card" aria-labelledby={ids.total}>
          <div className="form-row">
            <h2 id={ids.total}>Team total: {s ? s.grand_total.text : '…'}</h2>
            <div className="field">
              <label htmlFor={ids.range}>Range</label>
              <select id={ids.range} value={range} onChange={(e) => setRange(e.target.value)}>
                {RANGES.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </div>
          </div>
          {summary.error ? <Alert kind="error">{errorMessage(summary.error, 'Could not load the team summary.')}</Alert> : null}
          {s && !s.is_up_to_date ? <Alert kind="info">Still being computed ({s.percent_calculated}%): the numbers will grow.</Alert> : null}
          {s ? <TeamChart summary={s} /> : <p className="loading">Loading…</p>}
          {s ? (
            <div className="grid">
              <Items title="Projects" items={s.projects} />
              <Items title="Languages" items={s.languages} />
            </div>
          ) : null}
          {s ? (
            <Table columns={['Member', 'Today', range, 'Daily average', 'Top language']} labelledBy={ids.members} caption={<caption id={ids.members}>Members</caption>}>
              {[...s.members].sort((a, b) => b.total_seconds - a.total_seconds).map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link to={`/orgs/${org}/dashboards/${dashId}/members/${m.username}`}>{m.full_name ?? `@${m.username}`}</Link>
                    {m.share === 'totals' ? <span className="hint"> (totals only)</span> : null}
                  </td>
                  <td>{hours(m.today_seconds)}</td>
                  <td>{hours(m.total_seconds)}</td>
                  <td>{hours(m.daily_average_seconds)}</td>
                  <td>{m.top_language ?? '—'}</td>
                </tr>
              ))}
            </Table>
          ) : null}
        </section>
      ) : null}

      {me && !me.is_view_only ? (
        <section className="card" aria-labelledby={ids.mine}>
          <h2 id={ids.mine}>What you share here</h2>
          <p>
            You share <strong>{me.share === 'everything' ? 'everything (projects, languages, editors…; never machine names)' : 'only your totals'}</strong>.{' '}
            <button type="button" className="button button-small" onClick={() => act('PATCH', `${base}/members/current`, { share: me.share === 'everything' ? 'totals' : 'everything' }, 'Saved.')}>
              {me.share === 'everything' ? 'Share only totals' : 'Share everything'}
            </button>{' '}
            <button type="button" className="button button-small" onClick={() => act('DELETE', `${base}/members/current`, undefined, 'You left this dashboard.')}>
              Leave dashboard
            </button>
          </p>
        </section>
      ) : null}

      {d?.can_current_user_add_members ? (
        <section className="card" aria-labelledby={ids.manage}>
          <h2 id={ids.manage}>Manage members</h2>
          <form className="form-row" onSubmit={addMember}>
            <Alert kind="error">{formError(addResult, ['username'])}</Alert>
            <div className="field">
              <label htmlFor={ids.add}>Add an organization member (username)</label>
              <input id={ids.add} name="add-member" required maxLength={200} value={add} onChange={(e) => setAdd(e.target.value)} />
            </div>
            <button type="submit" className="button button-primary">
              Add to dashboard
            </button>
          </form>
          <ul className="plain">
            {members.data?.data.map((m) => (
              <li key={m.id}>
                @{m.username} {m.is_view_only ? '(views only)' : ''}{' '}
                <button type="button" className="button button-small" aria-label={`Remove ${m.username} from the dashboard`} onClick={() => act('DELETE', `${base}/members/${m.id}`, undefined, `Removed ${m.username}.`)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          {requests.data && requests.data.data.length > 0 ? (
            <>
              <h3 className="small-heading">Requests</h3>
              <ul className="plain">
                {requests.data.data.map((r) => (
                  <li key={r.id}>
                    @{r.username} asks to {r.kind}{' '}
                    <button type="button" className="button button-primary button-small" onClick={() => act('POST', `${base}/requests/${r.id}/approve`, undefined, `Approved ${r.username}.`)}>
                      Approve
                    </button>{' '}
                    <button type="button" className="button button-small" onClick={() => act('DELETE', `${base}/requests/${r.id}`, undefined, `Denied ${r.username}.`)}>
                      Deny
                    </button>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}
    </Page>
  );
}

export function TeamMemberPage({ params }: AppState) {
  const { org, dashboard, member } = params as { org: string; dashboard: string; member: string };
  const [range, setRange] = useState('Last 7 Days');
  const q = useMemberSummaries(org, dashboard, member, range);
  const rangeId = useId();
  const data = q.data;
  const dims = (key: 'projects' | 'languages' | 'editors' | 'operating_systems' | 'categories') => {
    if (!data) return null;
    const sums = new Map<string, number>();
    for (const day of data.data) {
      const list = day[key];
      if (list === null) return null;
      for (const i of list) sums.set(i.name, (sums.get(i.name) ?? 0) + i.total_seconds);
    }
    const total = [...sums.values()].reduce((a, b) => a + b, 0);
    return [...sums].sort((a, b) => b[1] - a[1]).map(([name, s]) => ({ name, total_seconds: s, percent: total ? Math.round((s / total) * 1000) / 10 : 0 }));
  };
  return (
    <Page title={`@${member}`} intro={<Link to={`/orgs/${org}/dashboards/${dashboard}`}>Back to the dashboard</Link>}>
      {q.error ? <Alert kind="error">{errorMessage(q.error, 'Could not load this member.')}</Alert> : null}
      <section className="card">
        <div className="field">
          <label htmlFor={rangeId}>Range</label>
          <select id={rangeId} value={range} onChange={(e) => setRange(e.target.value)}>
            {RANGES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
        {data ? (
          <>
            <h2>Total: {data.cumulative_total.text}</h2>
            <p>
              Daily average {data.daily_average.text_including_other_language} · {data.default_personal_privacy === 'visible' ? 'shares everything' : 'shares only totals'}
            </p>
            <ul className="plain">
              {data.data.map((day) => (
                <li key={day.range.date}>
                  {day.range.text}: {day.grand_total.text}
                </li>
              ))}
            </ul>
            <div className="grid">
              <Items title="Projects" items={dims('projects')} />
              <Items title="Languages" items={dims('languages')} />
              <Items title="Editors" items={dims('editors')} />
              <Items title="Operating systems" items={dims('operating_systems')} />
            </div>
          </>
        ) : (
          <p className="loading">Loading…</p>
        )}
      </section>
    </Page>
  );
}
