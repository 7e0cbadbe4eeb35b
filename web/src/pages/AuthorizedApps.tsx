import { useState } from 'react';
import type { AppState } from '../App.js';
import { api, useList, type AuthorizedApp } from '../api.js';
import { Alert, ConfirmAction, Page, TimeText } from '../components.js';
import { BASE_ACCESS, describeScope } from '../../../src/domain/scopes.js';

export function AuthorizedAppsPage({ user }: AppState) {
  const { items: grants, setItems: setGrants, error, setError } = useList<AuthorizedApp>('/api/v1/users/current/authorized_apps', 'Could not load your authorized apps.');
  const [notice, setNotice] = useState<string | null>(null);


  const revoke = async (grant: AuthorizedApp) => {
    setNotice(null);
    const res = await api('DELETE', `/api/v1/users/current/authorized_apps/${encodeURIComponent(grant.id)}`);
    if (!res.ok) {
      setError(res.error ?? 'Could not revoke the access.');
      return;
    }
    setNotice(`"${grant.app.name}" can no longer use your account.`);
    setGrants((list) => list?.filter((g) => g.id !== grant.id) ?? null);
  };

  return (
    <Page title="Authorized apps" intro="Apps you allowed to use your Metronome account. Revoking one ends its access at once.">
      <Alert kind="success">{notice}</Alert>
      <Alert kind="error">{error}</Alert>
      {grants === null ? (
        error ? null : <p role="status">Loading…</p>
      ) : grants.length === 0 ? (
        <p className="empty">You have not authorized any app.</p>
      ) : (
        grants.map((grant) => (
          <article className="card app" key={grant.id} aria-labelledby={`grant-${grant.id}`} data-testid="authorized-app">
            <h2 id={`grant-${grant.id}`}>{grant.app.name}</h2>
            <p className="hint">
              Client ID <code>{grant.app.client_id}</code>
            </p>
            <h3 className="small-heading">It can</h3>
            <ul className="scopes">
              <li>{BASE_ACCESS}</li>
              {grant.scopes.map((scope) => (
                <li key={scope} title={scope}>
                  {describeScope(scope)}
                </li>
              ))}
            </ul>
            <dl className="facts">
              <div>
                <dt>Authorized</dt>
                <dd>
                  <TimeText iso={grant.created_at} timeZone={user.timezone} />
                </dd>
              </div>
              <div>
                <dt>Last used</dt>
                <dd>
                  <TimeText iso={grant.last_used_at} timeZone={user.timezone} />
                </dd>
              </div>
              <div>
                <dt>Active tokens</dt>
                <dd>{grant.active_tokens}</dd>
              </div>
            </dl>
            <div className="actions">
              <ConfirmAction
                label="Revoke access"
                ariaLabel={`Revoke access for ${grant.app.name}`}
                confirmLabel="Revoke access"
                question={`Revoke "${grant.app.name}"? Its tokens stop working at once.`}
                onConfirm={() => revoke(grant)}
              />
            </div>
          </article>
        ))
      )}
    </Page>
  );
}
