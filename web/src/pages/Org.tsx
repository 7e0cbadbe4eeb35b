/** An organization: its dashboards, its people and their roles, invitations and the join link. */
import { useId, useState, type FormEvent } from 'react';
import type { AppState } from '../page-props.js';
import { api, formError, useApiAction, type ApiResult } from '../api.js';
import { Alert, ConfirmAction, CopyButton, FieldError, Page, Table } from '../components.js';
import { errorMessage, invalidate, queryClient } from '../data.js';
import { ME, orgPath, useOrgDashboards, useOrgInvitations, useOrgMembers, useOrgs } from '../queries.js';
import { Link, useRouter } from '../router.js';

export function OrgPage({ user, params }: AppState) {
  const orgId = params.org!;
  const orgs = useOrgs();
  const org = orgs.data?.data.find((o) => o.id === orgId || o.name.toLowerCase() === orgId.toLowerCase());
  const admin = !!org?.can_current_user_add_people_to_org;
  const dashboards = useOrgDashboards(orgId);
  const members = useOrgMembers(orgId);
  const invitations = useOrgInvitations(orgId, admin);
  const { navigate } = useRouter();
  const [invite, setInvite] = useState('');
  const [inviteRole, setInviteRole] = useState('member');
  const [inviteResult, setInviteResult] = useState<ApiResult<unknown> | null>(null);
  const [dashName, setDashName] = useState('');
  const [dashAccess, setDashAccess] = useState('org');
  const [dashResult, setDashResult] = useState<ApiResult<unknown> | null>(null);
  const [joinLink, setJoinLink] = useState<string | null>(null);
  const ids = { dash: useId(), people: useId(), invite: useId(), inviteError: useId(), role: useId(), newDash: useId(), dashName: useId(), dashAccess: useId(), danger: useId() };
  const base = orgPath(orgId);
  // everything under this org (its dashboards' summaries too: a removed member leaves them) and the org list
  const refresh = () =>
    Promise.all([queryClient.invalidateQueries({ predicate: (q) => typeof q.queryKey[0] === 'string' && q.queryKey[0].startsWith(base) }), invalidate(`${ME}/orgs`)]);
  const { notice, setNotice, error, setError, act } = useApiAction(refresh);

  const sendInvite = async (event: FormEvent) => {
    event.preventDefault();
    const who = invite.trim();
    const res = await api('POST', `${base}/invitations`, who.includes('@') ? { email: who, role: inviteRole } : { username: who, role: inviteRole });
    setInviteResult(res);
    if (res.ok) {
      setNotice(`Invited ${who}.`);
      setInvite('');
      await refresh();
    }
  };

  const createDashboard = async (event: FormEvent) => {
    event.preventDefault();
    const res = await api<{ id: string }>('POST', `${base}/dashboards`, { name: dashName.trim(), access: dashAccess });
    setDashResult(res);
    if (res.ok && res.data) {
      await refresh();
      navigate(`/orgs/${orgId}/dashboards/${res.data.id}`);
    }
  };

  if (orgs.data && !org) return <Page title="Organization"><Alert kind="error">This organization does not exist, or you are not in it.</Alert></Page>;
  return (
    <Page title={org?.name ?? 'Organization'} intro={org ? `You are ${org.role === 'owner' ? 'the owner' : `a${org.role === 'admin' ? 'n' : ''} ${org.role}`} · ${org.people_count_human_readable} people · ${org.timezone}` : undefined}>
      <Alert kind="success">{notice}</Alert>
      <Alert kind="error">{error}</Alert>
      <section className="card" aria-labelledby={ids.dash}>
        <h2 id={ids.dash}>Dashboards</h2>
        {dashboards.error ? <Alert kind="error">{errorMessage(dashboards.error, 'Could not load the dashboards.')}</Alert> : null}
        {dashboards.data && dashboards.data.data.length === 0 ? <p className="empty">No dashboards yet.</p> : null}
        <ul className="plain">
          {dashboards.data?.data.map((d) => (
            <li key={d.id}>
              {d.can_current_user_view ? <Link to={`/orgs/${orgId}/dashboards/${d.id}`}>{d.full_name}</Link> : <strong>{d.full_name}</strong>} — {d.members_count_human_readable} members
              {d.access === 'members' ? ', members only' : ''}
              {d.is_current_user_member ? (d.is_current_user_view_only ? ' · you view it' : ` · you share ${d.current_user_share}`) : ''}{' '}
              {d.can_current_user_request_to_view ? (
                <button type="button" className="button button-small" onClick={() => act('POST', `${base}/dashboards/${d.id}/requests`, { kind: 'view' }, `Asked to view ${d.full_name}.`)}>
                  Request to view
                </button>
              ) : null}{' '}
              {d.can_current_user_request_to_join ? (
                <button type="button" className="button button-small" onClick={() => act('POST', `${base}/dashboards/${d.id}/requests`, { kind: 'join' }, `Asked to join ${d.full_name}.`)}>
                  Request to join
                </button>
              ) : null}
            </li>
          ))}
        </ul>
        {org?.can_current_user_create_dashboards ? (
          <form className="form-row" onSubmit={createDashboard} aria-labelledby={ids.newDash}>
            <h3 id={ids.newDash} className="small-heading">New dashboard</h3>
            <Alert kind="error">{formError(dashResult, ['name', 'access'])}</Alert>
            <div className="field">
              <label htmlFor={ids.dashName}>Name</label>
              <input id={ids.dashName} name="dashboard-name" required maxLength={100} value={dashName} onChange={(e) => setDashName(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={ids.dashAccess}>Who may view it</label>
              <select id={ids.dashAccess} value={dashAccess} onChange={(e) => setDashAccess(e.target.value)}>
                <option value="org">everyone in the organization</option>
                <option value="members">its members (others ask)</option>
              </select>
            </div>
            <button type="submit" className="button button-primary">
              Create dashboard
            </button>
          </form>
        ) : null}
      </section>

      <section className="card" aria-labelledby={ids.people}>
        <h2 id={ids.people}>People</h2>
        <Table columns={['Member', 'Role', 'E-mail']} actions>
          {members.data?.data.map((m) => (
            <tr key={m.id}>
              <td>{m.full_name ? `${m.full_name} (@${m.username})` : `@${m.username}`}</td>
              <td>
                {org?.role === 'owner' && m.role !== 'owner' ? (
                  <select aria-label={`Role of ${m.username}`} value={m.role} onChange={(e) => act('PATCH', `${base}/members/${m.id}`, { role: e.target.value }, `${m.username} is now ${e.target.value}.`)}>
                    <option value="admin">admin</option>
                    <option value="member">member</option>
                  </select>
                ) : (
                  m.role
                )}
              </td>
              <td>{m.email ?? '—'}</td>
              <td className="cell-actions">
                {m.role !== 'owner' && m.id !== user.id && (org?.role === 'owner' || (admin && m.role === 'member')) ? (
                  <ConfirmAction label="Remove" ariaLabel={`Remove ${m.username}`} confirmLabel="Remove" question={`Remove ${m.username} from ${org?.name}?`} onConfirm={() => act('DELETE', `${base}/members/${m.id}`, undefined, `Removed ${m.username}.`).then(() => undefined)} />
                ) : null}
              </td>
            </tr>
          ))}
        </Table>
        {admin ? (
          <form className="form-row" onSubmit={sendInvite}>
            <Alert kind="error">{formError(inviteResult, ['username', 'email', 'role'])}</Alert>
            <div className="field">
              <label htmlFor={ids.invite}>Invite by username or e-mail</label>
              <input id={ids.invite} name="invite" required maxLength={320} value={invite} onChange={(e) => setInvite(e.target.value)} />
              <FieldError id={ids.inviteError} errors={inviteResult?.errors} field={invite.includes('@') ? 'email' : 'username'} />
            </div>
            {org?.role === 'owner' ? (
              <div className="field">
                <label htmlFor={ids.role}>Role</label>
                <select id={ids.role} value={inviteRole} onChange={(e) => setInviteRole(e.target.value)}>
                  <option value="member">member</option>
                  <option value="admin">admin</option>
                </select>
              </div>
            ) : null}
            <button type="submit" className="button button-primary">
              Invite
            </button>
          </form>
        ) : null}
        {admin && invitations.data && invitations.data.data.length > 0 ? (
          <>
            <h3 className="small-heading">Pending invitations</h3>
            <ul className="plain">
              {invitations.data.data.map((i) => (
                <li key={i.id}>
                  {i.username ?? i.email} as {i.role}{' '}
                  <button type="button" className="button button-small" onClick={() => act('DELETE', `${base}/invitations/${i.id}`, undefined, 'Invitation revoked.')}>
                    Revoke
                  </button>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {admin ? (
          <p>
            <button type="button" className="button button-small" onClick={async () => {
              const res = await api<{ url: string }>('POST', `${base}/join_link`);
              if (res.ok && res.data) setJoinLink(res.data.url);
              else setError(res.error ?? 'Could not make a join link.');
            }}>
              New join link
            </button>{' '}
            {joinLink ? (
              <span className="with-copy">
                <code>{joinLink}</code> <CopyButton text={joinLink} /> (shown once; a new link replaces it)
              </span>
            ) : null}
          </p>
        ) : null}
      </section>

      <section className="card" aria-labelledby={ids.danger}>
        <h2 id={ids.danger}>Leave or delete</h2>
        {org?.role !== 'owner' ? (
          <ConfirmAction label="Leave organization" confirmLabel="Leave" question={`Leave ${org?.name}?`} onConfirm={async () => {
            const res = await act('DELETE', `${base}/members/current`, undefined, 'You left.');
            if (res.ok) navigate('/orgs');
          }} />
        ) : (
          <ConfirmAction label="Delete organization" confirmLabel="Delete" question={`Delete ${org?.name} and its dashboards?`} onConfirm={async () => {
            const res = await act('DELETE', base, undefined, 'Deleted.');
            if (res.ok) navigate('/orgs');
          }} />
        )}
      </section>
    </Page>
  );
}
