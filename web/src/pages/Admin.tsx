/** Administration of the instance: users with last activity and heartbeat counts, sign-up, disabling. */
import { useId, useState } from 'react';
import type { AppState } from '../page-props.js';
import { useApiAction } from '../api.js';
import { Alert, Page, Table, TimeText } from '../components.js';
import { errorMessage, getJson, invalidate, withParams } from '../data.js';
import { useQuery } from '@tanstack/react-query';

interface AdminUser { id: string; username: string; email: string | null; full_name: string | null; created_at: string; last_heartbeat_at: string | null; last_plugin_name: string | null; heartbeats_count: number; is_admin: boolean; is_disabled: boolean }
const USERS = '/api/v1/admin/users';
const SETTINGS = '/api/v1/admin/settings';

export function AdminPage({ user }: AppState) {
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const users = useQuery({ queryKey: [USERS, { q, page }], queryFn: ({ signal }) => getJson<{ data: AdminUser[]; total: number; total_pages: number }>(withParams(USERS, { q, page }), { signal }) });
  const settings = useQuery({ queryKey: [SETTINGS], queryFn: ({ signal }) => getJson<{ data: { allow_signup: boolean; allow_signup_source: string } }>(SETTINGS, { signal }) });
  const ids = { search: useId(), users: useId(), signup: useId() };
  const { notice, error, act } = useApiAction(() => invalidate(USERS));
  if (users.error) return <Page title="Administration"><Alert kind="error">{errorMessage(users.error, 'Only administrators of this instance may see this page.')}</Alert></Page>;
  const signup = settings.data?.data;
  return (
    <Page title="Administration" intro="Everyone on this instance, and who may sign up.">
      <Alert kind="success">{notice}</Alert>
      <Alert kind="error">{error}</Alert>
      <section className="card" aria-labelledby={ids.signup}>
        <h2 id={ids.signup}>Sign-up</h2>
        {signup ? (
          <p>
            Sign-up is <strong>{signup.allow_signup ? 'open' : 'closed'}</strong> ({signup.allow_signup_source === 'runtime' ? 'set here' : 'from ALLOW_SIGNUP'}).{' '}
            <button type="button" className="button button-small" onClick={() => act('PATCH', SETTINGS, { allow_signup: !signup.allow_signup }, signup.allow_signup ? 'Sign-up closed.' : 'Sign-up open.', () => invalidate(SETTINGS))}>
              {signup.allow_signup ? 'Close sign-up' : 'Open sign-up'}
            </button>
          </p>
        ) : null}
      </section>
      <section className="card" aria-labelledby={ids.users}>
        <h2 id={ids.users}>Users{users.data ? ` (${users.data.total})` : ''}</h2>
        <div className="field">
          <label htmlFor={ids.search}>Search by username or e-mail</label>
          <input id={ids.search} value={q} maxLength={100} onChange={(e) => { setQ(e.target.value); setPage(1); }} />
        </div>
        <Table columns={['User', 'Last activity', 'Heartbeats', 'Status']} actions>
          {users.data?.data.map((u) => (
            <tr key={u.id}>
              <td>@{u.username}{u.email ? ` · ${u.email}` : ''}{u.is_admin ? ' · admin' : ''}</td>
              <td><TimeText iso={u.last_heartbeat_at} never="Never" />{u.last_plugin_name ? ` (${u.last_plugin_name})` : ''}</td>
              <td>{u.heartbeats_count.toLocaleString('en-US')}</td>
              <td>{u.is_disabled ? 'disabled' : 'active'}</td>
              <td className="cell-actions">
                {u.id !== user.id ? (
                  <button type="button" className={`button button-small${u.is_disabled ? '' : ' button-danger-outline'}`} aria-label={`${u.is_disabled ? 'Enable' : 'Disable'} ${u.username}`} onClick={() => act('PATCH', `${USERS}/${u.id}`, { is_disabled: !u.is_disabled }, `${u.username} is ${u.is_disabled ? 'enabled' : 'disabled'}.`)}>
                    {u.is_disabled ? 'Enable' : 'Disable'}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </Table>
        {users.data && users.data.total_pages > 1 ? (
          <p>
            <button type="button" className="button button-small" disabled={page <= 1} onClick={() => setPage(page - 1)}>Previous</button>{' '}
            Page {page} of {users.data.total_pages}{' '}
            <button type="button" className="button button-small" disabled={page >= users.data.total_pages} onClick={() => setPage(page + 1)}>Next</button>
          </p>
        ) : null}
      </section>
    </Page>
  );
}
