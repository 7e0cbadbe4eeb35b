/**
 * Private leaderboards: the list (create one, accept or decline invitations), one page per board
 * (its ranking with filters; for the owner: rename, time range, invite by username, the join link,
 * remove members, delete; for members: leave) and the join-link page.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { AppState } from '../page-props.js';
import type { Leaderboard } from '../../../src/wire/leaders.js';
import { api, formError, type ApiResult } from '../api.js';
import { Alert, ConfirmAction, CopyButton, FieldError, Page } from '../components.js';
import { errorMessage, invalidate } from '../data.js';
import { ME, useLeaderboard, useLeaderboardMembers, useLeaderboards } from '../queries.js';
import { Link, useRouter } from '../router.js';
import { LeaderTable, Pager } from './Leaders.js';

const BOARDS = `${ME}/leaderboards`;
const RANGE_TEXT: Record<string, string> = { last_7_days: 'Last 7 days', last_30_days: 'Last 30 days' };

export function LeaderboardsPage(_props: AppState) {
  const boards = useLeaderboards();
  const { navigate } = useRouter();
  const [name, setName] = useState('');
  const [range, setRange] = useState('last_7_days');
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { name: useId(), nameError: useId(), range: useId(), create: useId(), list: useId() };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const res = await api<Leaderboard>('POST', BOARDS, { name: name.trim(), time_range: range });
    setBusy(false);
    setResult(res);
    if (res.ok && res.data) {
      await invalidate(BOARDS);
      navigate(`/leaderboards/${encodeURIComponent(res.data.id)}`);
    }
  };

  const answer = async (board: Leaderboard, accept: boolean) => {
    const res = accept ? await api('POST', `${BOARDS}/join`, { board: board.id }) : await api('DELETE', `${BOARDS}/${encodeURIComponent(board.id)}/members/current`);
    setResult(res);
    await invalidate(BOARDS);
  };

  const list = boards.data?.data ?? null;
  const invitations = list?.filter((b) => b.status === 'invited') ?? [];
  const joined = list?.filter((b) => b.status !== 'invited') ?? [];
  return (
    <Page title="Private leaderboards" intro="Compare coding time with friends or a team. Members see each other's time and languages on the board; invite people by username or share the join link.">
      <section className="card" aria-labelledby={ids.create}>
        <h2 id={ids.create}>Create a leaderboard</h2>
        <form className="form-row" onSubmit={create}>
          <Alert kind="error">{result && !result.ok ? formError(result, ['name']) : undefined}</Alert>
          <div className="field">
            <label htmlFor={ids.name}>Name</label>
            <input
              id={ids.name}
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={result?.errors?.name ? true : undefined}
              aria-describedby={result?.errors?.name ? ids.nameError : undefined}
            />
            <FieldError id={ids.nameError} errors={result?.errors} field="name" />
          </div>
          <div className="field">
            <label htmlFor={ids.range}>Time range</label>
            <select id={ids.range} value={range} onChange={(e) => setRange(e.target.value)}>
              <option value="last_7_days">Last 7 days</option>
              <option value="last_30_days">Last 30 days</option>
            </select>
          </div>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </form>
      </section>

      {invitations.length ? (
        <section className="card" aria-label="Invitations">
          <h2>Invitations</h2>
          <ul className="plain">
            {invitations.map((b) => (
              <li key={b.id} data-testid="invitation">
                <strong>{b.name}</strong> ({b.members_count} members){' '}
                <button type="button" className="button button-small button-primary" onClick={() => answer(b, true)}>
                  Join
                </button>{' '}
                <button type="button" className="button button-small" onClick={() => answer(b, false)}>
                  Decline
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby={ids.list}>
        <h2 id={ids.list}>Your leaderboards</h2>
        {boards.error ? <Alert kind="error">{errorMessage(boards.error, 'Could not load your leaderboards.')}</Alert> : null}
        {list === null ? (
          boards.error ? null : <p role="status">Loading…</p>
        ) : joined.length === 0 ? (
          <p className="empty">No leaderboards yet. Create one above, or open a join link someone shared.</p>
        ) : (
          <ul className="plain">
            {joined.map((b) => (
              <li key={b.id} data-testid="leaderboard-item">
                <Link to={`/leaderboards/${encodeURIComponent(b.id)}`}>{b.name}</Link> · {RANGE_TEXT[b.time_range] ?? b.time_range} · {b.members_count}{' '}
                {b.members_count === 1 ? 'member' : 'members'}
                {b.status === 'owner' ? ' · you own it' : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}

export function LeaderboardPage({ params, user }: AppState) {
  const boardId = params.board ?? '';
  const { navigate } = useRouter();
  const [filters, setFilters] = useState({ language: '', country_code: '' });
  const [draft, setDraft] = useState(filters);
  const [page, setPage] = useState<number | undefined>(undefined);
  const ranking = useLeaderboard(boardId, { ...filters, page });
  const boards = useLeaderboards();
  const board = boards.data?.data.find((b) => b.id === boardId) ?? null;
  const isOwner = board?.status === 'owner';
  const members = useLeaderboardMembers(boardId);
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [invitee, setInvitee] = useState('');
  const [rename, setRename] = useState<{ name: string; time_range: string } | null>(null);
  const ids = { language: useId(), country: useId(), invite: useId(), inviteError: useId(), name: useId(), nameError: useId(), range: useId() };
  const boardPath = `${BOARDS}/${encodeURIComponent(boardId)}`;

  const refresh = async () => {
    await Promise.all([invalidate(BOARDS), invalidate(`${boardPath}/members`)]);
  };

  const invite = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const res = await api('POST', `${boardPath}/members`, { username: invitee.trim() });
    setResult(res);
    if (res.ok) {
      setNotice(`Invited ${invitee.trim()}: they join when they accept.`);
      setInvitee('');
      await refresh();
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!rename) return;
    const res = await api('PATCH', boardPath, { name: rename.name.trim(), time_range: rename.time_range });
    setResult(res);
    if (res.ok) {
      setRename(null);
      setNotice('Saved.');
      await Promise.all([refresh(), invalidate(boardPath)]);
    }
  };

  const remove = async (who: string) => {
    const res = await api('DELETE', `${boardPath}/members/${encodeURIComponent(who)}`);
    setResult(res);
    if (!res.ok) return;
    if (who === 'current') {
      await invalidate(BOARDS);
      navigate('/leaderboards');
    } else await Promise.all([refresh(), invalidate(boardPath)]);
  };

  const resetLink = async () => {
    const res = await api('PATCH', boardPath, { reset_join_code: true });
    setResult(res);
    if (res.ok) {
      setNotice('The old join link no longer works.');
      await refresh();
    }
  };

  const destroy = async () => {
    const res = await api('DELETE', boardPath);
    setResult(res);
    if (res.ok) {
      await invalidate(BOARDS);
      navigate('/leaderboards');
    }
  };

  const data = ranking.data;
  return (
    <Page title={board?.name ?? 'Leaderboard'} intro={board ? `${RANGE_TEXT[board.time_range] ?? board.time_range} from yesterday · ${board.members_count} members · 15-minute timeout, the language Other left out` : undefined}>
      <p>
        <Link to="/leaderboards">All your leaderboards</Link>
      </p>
      <Alert kind="success">{notice}</Alert>
      <Alert kind="error">{result && !result.ok ? formError(result, ['username', 'name']) : undefined}</Alert>

      <section className="card" aria-label="Ranking">
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters({ language: draft.language.trim(), country_code: draft.country_code.trim().toUpperCase() });
            setPage(undefined);
          }}
        >
          <div className="field">
            <label htmlFor={ids.language}>Language</label>
            <input id={ids.language} value={draft.language} maxLength={200} onChange={(e) => setDraft({ ...draft, language: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={ids.country}>Country code</label>
            <input id={ids.country} className="input-short" maxLength={2} value={draft.country_code} onChange={(e) => setDraft({ ...draft, country_code: e.target.value })} />
          </div>
          <button type="submit" className="button">
            Filter
          </button>
        </form>
        {ranking.error ? <Alert kind="error">{errorMessage(ranking.error, 'Could not load this leaderboard.')}</Alert> : null}
        {data ? (
          <>
            <p data-testid="current-rank">{data.current_user?.rank ? `You are #${data.current_user.rank}.` : 'You are not ranked here (no time in this range or filter, or no time zone set).'}</p>
            <p className="hint">
              {data.range.start_text} – {data.range.end_text}
              {data.computed_at ? ` · computed ${new Date(data.computed_at).toLocaleString()}` : ' · times not computed yet'}
            </p>
            <LeaderTable entries={data.data} currentUserId={user.id} caption="Members by coding time" />
            <Pager page={data.page} totalPages={data.total_pages} onPage={setPage} />
          </>
        ) : ranking.error ? null : (
          <p role="status">Loading…</p>
        )}
      </section>

      {isOwner && board ? (
        <section className="card" aria-label="Manage">
          <h2>Manage</h2>
          <p>
            Join link: <code data-testid="join-url">{board.join_url}</code> {board.join_url ? <CopyButton text={board.join_url} /> : null}{' '}
            <button type="button" className="button button-small" onClick={resetLink}>
              Reset link
            </button>
          </p>
          <form className="form-row" onSubmit={invite}>
            <div className="field">
              <label htmlFor={ids.invite}>Invite by username</label>
              <input
                id={ids.invite}
                required
                maxLength={320}
                value={invitee}
                onChange={(e) => setInvitee(e.target.value)}
                aria-invalid={result?.errors?.username ? true : undefined}
                aria-describedby={result?.errors?.username ? ids.inviteError : undefined}
              />
              <FieldError id={ids.inviteError} errors={result?.errors} field="username" />
            </div>
            <button type="submit" className="button button-primary">
              Invite
            </button>
          </form>
          {rename ? (
            <form className="form-row" onSubmit={save}>
              <div className="field">
                <label htmlFor={ids.name}>Name</label>
                <input id={ids.name} required maxLength={100} value={rename.name} onChange={(e) => setRename({ ...rename, name: e.target.value })} aria-describedby={ids.nameError} />
                <FieldError id={ids.nameError} errors={result?.errors} field="name" />
              </div>
              <div className="field">
                <label htmlFor={ids.range}>Time range</label>
                <select id={ids.range} value={rename.time_range} onChange={(e) => setRename({ ...rename, time_range: e.target.value })}>
                  <option value="last_7_days">Last 7 days</option>
                  <option value="last_30_days">Last 30 days</option>
                </select>
              </div>
              <button type="submit" className="button button-primary">
                Save
              </button>
              <button type="button" className="button" onClick={() => setRename(null)}>
                Cancel
              </button>
            </form>
          ) : (
            <p>
              <button type="button" className="button" onClick={() => setRename({ name: board.name, time_range: board.time_range })}>
                Rename or change range
              </button>
            </p>
          )}
          <ConfirmAction label="Delete leaderboard" confirmLabel="Delete it" question={`Delete "${board.name}" for every member?`} onConfirm={destroy} />
        </section>
      ) : null}

      <section className="card" aria-label="Members">
        <h2>Members</h2>
        {members.data ? (
          <ul className="plain">
            {members.data.data.map((m) => (
              <li key={m.user.id} data-testid="member">
                {m.user.display_name} <span className="hint">@{m.user.username}</span> {m.status === 'owner' ? '· owner' : m.status === 'invited' ? '· invited' : ''}{' '}
                {isOwner && m.status !== 'owner' ? (
                  <ConfirmAction label={m.status === 'invited' ? 'Cancel invitation' : 'Remove'} ariaLabel={`Remove ${m.user.username}`} confirmLabel="Remove" question={`Remove @${m.user.username}?`} onConfirm={() => remove(m.user.username)} />
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
        {board && !isOwner ? <ConfirmAction label="Leave leaderboard" confirmLabel="Leave" question={`Leave "${board.name}"?`} onConfirm={() => remove('current')} /> : null}
      </section>
    </Page>
  );
}

/** /leaderboards/join/:code — join with a shared link, then open the board. */
export function JoinLeaderboardPage({ params }: AppState) {
  const { navigate } = useRouter();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void (async () => {
      const res = await api<Leaderboard>('POST', `${BOARDS}/join`, { code: params.code ?? '' });
      if (res.ok && res.data) {
        await invalidate(BOARDS);
        navigate(`/leaderboards/${encodeURIComponent(res.data.id)}`, { replace: true });
      } else setError(res.error ?? 'This join link does not work.');
    })();
  }, [params.code, navigate]);
  return (
    <Page title="Join a leaderboard" narrow>
      {error ? <Alert kind="error">{error}</Alert> : <p role="status">Joining…</p>}
      <p>
        <Link to="/leaderboards">Your leaderboards</Link>
      </p>
    </Page>
  );
}
