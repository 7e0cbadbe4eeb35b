/**
 * The public leaders (GET /leaders): users who made their coding time public, ranked by the last 7
 * days from yesterday; filters by language, country and the hireable badge; pages. Anyone may look;
 * signed in, the page opens where you are and your row is marked.
 */
import { useId, useState, type FormEvent } from 'react';
import type { PageProps } from '../page-props.js';
import type { LeadersResponse } from '../../../src/wire/leaders.js';
import { Alert, Page, Table } from '../components.js';
import { errorMessage } from '../data.js';
import { useLeaders } from '../queries.js';
import { Link } from '../router.js';

type Entry = LeadersResponse['data'][number];

/** The leaders table, shared with the private leaderboard page. */
export function LeaderTable({ entries, currentUserId, caption }: { entries: Entry[]; currentUserId?: string | null; caption: string }) {
  if (entries.length === 0) return <p className="empty">Nobody here yet.</p>;
  return (
    <Table columns={['Rank', 'Developer', 'Total', 'Daily average', 'Languages']} testId="leaders-table" caption={<caption className="visually-hidden">{caption}</caption>}>
      {entries.map((e) => {
        const mine = currentUserId === e.user.id;
        return (
          <tr key={e.user.id} data-testid="leader-row" aria-current={mine ? 'true' : undefined} className={mine ? 'row-current' : undefined}>
            <td>{e.rank}</td>
            <th scope="row">
              <Link to={`/@${encodeURIComponent(e.user.username)}`}>{e.user.display_name}</Link>
              {e.user.display_name !== `@${e.user.username}` ? <span className="hint"> @{e.user.username}</span> : null}
              {e.user.city?.title ? <span className="hint"> · {e.user.city.title}</span> : null}
              {e.user.is_hireable ? <span className="hint"> · hireable</span> : null}
              {mine ? <span className="hint"> (you)</span> : null}
            </th>
            <td>{e.running_total.human_readable_total}</td>
            <td>{e.running_total.human_readable_daily_average}</td>
            <td>
              {e.running_total.languages.length
                ? e.running_total.languages
                    .slice(0, 3)
                    .map((l) => l.name)
                    .join(', ')
                : '—'}
            </td>
          </tr>
        );
      })}
    </Table>
  );
}

/** Previous / next page buttons. */
export function Pager({ page, totalPages, onPage }: { page: number; totalPages: number; onPage: (page: number) => void }) {
  if (totalPages <= 1 && page <= 1) return null;
  return (
    <nav className="actions" aria-label="Pages">
      <button type="button" className="button button-small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous page
      </button>
      <span role="status">
        Page {page} of {totalPages}
      </span>
      <button type="button" className="button button-small" disabled={page >= totalPages} onClick={() => onPage(page + 1)}>
        Next page
      </button>
    </nav>
  );
}

export function LeadersPage({ user }: PageProps) {
  const [draft, setDraft] = useState({ language: '', country_code: '', is_hireable: '' });
  const [filters, setFilters] = useState(draft);
  const [page, setPage] = useState<number | undefined>(undefined);
  const query = useLeaders({ ...filters, page });
  const ids = { language: useId(), country: useId(), hireable: useId() };
  const data = query.data;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters({ ...draft, country_code: draft.country_code.trim().toUpperCase(), language: draft.language.trim() });
    setPage(undefined);
  };

  return (
    <Page
      title="Leaders"
      intro="Developers who made their coding time public, ranked by the last 7 days from yesterday (15-minute timeout, the language Other left out). Updated at least every hour."
    >
      <section className="card" aria-label="Filters">
        <form className="form-row" onSubmit={apply}>
          <div className="field">
            <label htmlFor={ids.language}>Language</label>
            <input id={ids.language} value={draft.language} maxLength={200} placeholder="e.g. Python" onChange={(e) => setDraft({ ...draft, language: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={ids.country}>Country code</label>
            <input id={ids.country} className="input-short" value={draft.country_code} maxLength={2} placeholder="US" onChange={(e) => setDraft({ ...draft, country_code: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={ids.hireable}>Hireable</label>
            <select id={ids.hireable} value={draft.is_hireable} onChange={(e) => setDraft({ ...draft, is_hireable: e.target.value })}>
              <option value="">Anyone</option>
              <option value="true">Hireable only</option>
              <option value="false">Not hireable</option>
            </select>
          </div>
          <button type="submit" className="button button-primary">
            Show
          </button>
        </form>
      </section>

      <section className="card" aria-label="Ranking">
        {query.error ? <Alert kind="error">{errorMessage(query.error, 'Could not load the leaders.')}</Alert> : null}
        {data ? (
          <>
            {user ? (
              <p data-testid="current-rank">
                {data.current_user?.rank
                  ? `You are #${data.current_user.rank}${data.current_user.page && data.current_user.page !== data.page ? ` (page ${data.current_user.page})` : ''}.`
                  : user.logged_time_public
                    ? 'You are not on this list: no public coding time in this range (or not matching the filters) yet.'
                    : 'You are not on this list: your coding time is private (Settings → public profile).'}
              </p>
            ) : null}
            <p className="hint">
              {data.range.start_text} – {data.range.end_text}
              {data.modified_at ? ` · computed ${new Date(data.modified_at).toLocaleString()}` : ' · not computed yet'}
            </p>
            <LeaderTable entries={data.data} currentUserId={data.current_user?.user.id} caption="Leaders" />
            <Pager page={data.page} totalPages={data.total_pages} onPage={setPage} />
          </>
        ) : query.error ? null : (
          <p role="status">Loading…</p>
        )}
      </section>
    </Page>
  );
}
