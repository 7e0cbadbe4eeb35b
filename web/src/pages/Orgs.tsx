/** Your organizations, the invitations addressed to you, a new organization; joining by a join link. */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { AppState } from '../page-props.js';
import { api, formError, type ApiResult } from '../api.js';
import { Alert, FieldError, Page, Table } from '../components.js';
import { errorMessage, invalidate } from '../data.js';
import { ME, useMyInvitations, useOrgs } from '../queries.js';
import { Link, useRouter } from '../router.js';

export function OrgsPage({ user }: AppState) {
  const orgs = useOrgs();
  const invitations = useMyInvitations();
  const { navigate } = useRouter();
  const [name, setName] = useState('');
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [isAdmin, setIsAdmin] = useState(false);
  const ids = { name: useId(), nameError: useId(), list: useId(), inv: useId(), create: useId() };

  useEffect(() => {
    void api('GET', '/api/v1/admin/settings', undefined, { quiet401: true }).then((r) => setIsAdmin(r.ok));
  }, []);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const res = await api<{ id: string }>('POST', `${ME}/orgs`, { name: name.trim(), timezone: user.timezone });
    setResult(res);
    if (res.ok && res.data) {
      await invalidate(`${ME}/orgs`);
      navigate(`/orgs/${res.data.id}`);
    }
  };

  const answer = async (id: string, accept: boolean, orgName: string) => {
    const res = accept ? await api('POST', `${ME}/org_invitations/${id}/accept`) : await api('DELETE', `${ME}/org_invitations/${id}`);
    if (!res.ok) setNotice(res.error ?? 'That did not work.');
    else setNotice(accept ? `You joined ${orgName}.` : `You declined the invitation to ${orgName}.`);
    await Promise.all([invalidate(`${ME}/org_invitations`), invalidate(`${ME}/orgs`)]);
  };

  return (
    <Page title="Organizations" intro="Teams see their coding time together on dashboards. Each member chooses whether a dashboard shows everything or only their totals.">
      <Alert kind="success">{notice}</Alert>
      {invitations.data && invitations.data.data.length > 0 ? (
        <section className="card" aria-labelledby={ids.inv}>
          <h2 id={ids.inv}>Invitations</h2>
          <ul className="plain">
            {invitations.data.data.map((inv) => (
              <li key={inv.id}>
                <strong>{inv.org.name}</strong> — {inv.invited_by} invited you as {inv.role}.{' '}
                <button type="button" className="button button-primary button-small" onClick={() => answer(inv.id, true, inv.org.name)}>
                  Accept
                </button>{' '}
                <button type="button" className="button button-small" onClick={() => answer(inv.id, false, inv.org.name)}>
                  Decline
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby={ids.list}>
        <h2 id={ids.list}>Your organizations</h2>
        {orgs.isPending ? <p className="loading">Loading…</p> : null}
        {orgs.error ? <Alert kind="error">{errorMessage(orgs.error, 'Could not load your organizations.')}</Alert> : null}
        {orgs.data && orgs.data.data.length === 0 ? <p className="empty">You are in no organization yet.</p> : null}
        {orgs.data && orgs.data.data.length > 0 ? (
          <Table columns={['Name', 'Your role', 'People', 'Time zone']}>
            {orgs.data.data.map((o) => (
              <tr key={o.id}>
                <td>
                  <Link to={`/orgs/${o.id}`}>{o.name}</Link>
                </td>
                <td>{o.role}</td>
                <td>{o.people_count_human_readable}</td>
                <td>{o.timezone}</td>
              </tr>
            ))}
          </Table>
        ) : null}
      </section>

      <section className="card" aria-labelledby={ids.create}>
        <h2 id={ids.create}>New organization</h2>
        <form className="form-row" onSubmit={create}>
          <Alert kind="error">{formError(result, ['name'])}</Alert>
          <div className="field">
            <label htmlFor={ids.name}>Name</label>
            <input id={ids.name} name="org-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} aria-describedby={result?.errors?.name ? ids.nameError : undefined} />
            <FieldError id={ids.nameError} errors={result?.errors} field="name" />
          </div>
          <button type="submit" className="button button-primary">
            Create organization
          </button>
        </form>
      </section>
      {isAdmin ? (
        <p>
          <Link to="/admin">Instance administration</Link>
        </p>
      ) : null}
    </Page>
  );
}

/** /orgs/join?token=…: joins the organization of a join link. */
export function JoinOrgPage(_props: AppState) {
  const { location, navigate } = useRouter();
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if (!token) {
      setError('This link has no token: ask for a new join link.');
      return;
    }
    void api<{ id: string }>('POST', `${ME}/org_joins`, { token }).then(async (res) => {
      if (res.ok && res.data) {
        await invalidate(`${ME}/orgs`);
        navigate(`/orgs/${res.data.id}`, { replace: true });
      } else setError(res.error ?? 'This join link does not work.');
    });
  }, [token, navigate]);
  return (
    <Page title="Join an organization" narrow>
      {error ? <Alert kind="error">{error}</Alert> : <p className="loading">Joining…</p>}
    </Page>
  );
}
