import { useId, useState, type FormEvent } from 'react';
import type { AppState } from '../App.js';
import { api, fieldErrors, formError, useList, type ApiResult, type OAuthApp } from '../api.js';
import { Alert, ConfirmAction, CopyButton, FieldError, Page, SecretBox, TimeText } from '../components.js';

type AppWithSecret = OAuthApp & { client_secret: string | null };

function urisFromText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** Name and redirect URIs: the register form and the edit form. */
function AppFields({
  idBase,
  name,
  uris,
  setName,
  setUris,
  result,
}: {
  idBase: string;
  name: string;
  uris: string;
  setName(v: string): void;
  setUris(v: string): void;
  result: ApiResult<unknown> | null;
}) {
  const nameInvalid = fieldErrors(result?.errors, 'name').length > 0;
  const urisInvalid = fieldErrors(result?.errors, 'redirect_uris').length > 0;
  return (
    <>
      <div className="field">
        <label htmlFor={`${idBase}-name`}>App name</label>
        <input
          id={`${idBase}-name`}
          name="name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={nameInvalid || undefined}
          aria-describedby={nameInvalid ? `${idBase}-name-error` : undefined}
        />
        <FieldError id={`${idBase}-name-error`} errors={result?.errors} field="name" />
      </div>
      <div className="field">
        <label htmlFor={`${idBase}-uris`}>Redirect URIs</label>
        <textarea
          id={`${idBase}-uris`}
          name="redirect_uris"
          rows={3}
          required
          spellCheck={false}
          placeholder="https://example.com/callback"
          value={uris}
          onChange={(e) => setUris(e.target.value)}
          aria-invalid={urisInvalid || undefined}
          aria-describedby={`${idBase}-uris-hint${urisInvalid ? ` ${idBase}-uris-error` : ''}`}
        />
        <p className="hint" id={`${idBase}-uris-hint`}>
          One per line. After the user approves, Metronome sends them back to one of these addresses.
        </p>
        <FieldError id={`${idBase}-uris-error`} errors={result?.errors} field="redirect_uris" />
      </div>
    </>
  );
}

function AppCard({ app, timeZone, onChanged, onDeleted, onSecret }: { app: OAuthApp; timeZone: string; onChanged(a: OAuthApp): void; onDeleted(a: OAuthApp): void; onSecret(a: AppWithSecret): void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(app.name);
  const [uris, setUris] = useState(app.redirect_uris.join('\n'));
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const [busy, setBusy] = useState(false);
  const idBase = useId();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const res = await api<OAuthApp>('PATCH', `/api/v1/users/current/oauth_apps/${encodeURIComponent(app.id)}`, { name: name.trim(), redirect_uris: urisFromText(uris) });
    setBusy(false);
    setResult(res);
    if (res.ok && res.data) {
      setEditing(false);
      onChanged(res.data);
    }
  };
  const rotate = async () => {
    setBusy(true);
    const res = await api<AppWithSecret>('POST', `/api/v1/users/current/oauth_apps/${encodeURIComponent(app.id)}/secret`);
    setBusy(false);
    setResult(res.ok ? null : res);
    if (res.ok && res.data) onSecret(res.data);
  };
  const remove = async () => {
    setBusy(true);
    const res = await api('DELETE', `/api/v1/users/current/oauth_apps/${encodeURIComponent(app.id)}`);
    setBusy(false);
    if (res.ok) onDeleted(app);
    else setResult(res);
  };

  return (
    <article className="card app" aria-labelledby={`${idBase}-title`} data-testid="oauth-app">
      <h3 id={`${idBase}-title`}>{app.name}</h3>
      <Alert kind="error">{formError(result, editing ? ['name', 'redirect_uris'] : [])}</Alert>
      {editing ? (
        <form className="form" onSubmit={save}>
          <AppFields idBase={idBase} name={name} uris={uris} setName={setName} setUris={setUris} result={result} />
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              Save changes
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setEditing(false);
                setName(app.name);
                setUris(app.redirect_uris.join('\n'));
                setResult(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <dl className="facts">
            <div className="fact-wide">
              <dt>Client ID</dt>
              <dd className="with-copy">
                <code data-testid="client-id">{app.client_id}</code>
                <CopyButton text={app.client_id} />
              </dd>
            </div>
            <div className="fact-wide">
              <dt>Redirect URIs</dt>
              <dd>
                <ul className="plain">
                  {app.redirect_uris.map((u) => (
                    <li key={u}>
                      <code>{u}</code>
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
            <div>
              <dt>Type</dt>
              <dd>{app.is_public ? 'Public (no secret; uses PKCE)' : 'Confidential (has a client secret)'}</dd>
            </div>
            <div>
              <dt>Registered</dt>
              <dd>
                <TimeText iso={app.created_at} timeZone={timeZone} />
              </dd>
            </div>
            {app.is_public ? null : (
              <div>
                <dt>Secret last rotated</dt>
                <dd>
                  <TimeText iso={app.secret_rotated_at} timeZone={timeZone} never="Not since it was registered" />
                </dd>
              </div>
            )}
          </dl>
          <div className="actions">
            <button type="button" className="button button-small" onClick={() => setEditing(true)} aria-label={`Edit ${app.name}`}>
              Edit
            </button>
            {app.is_public ? null : (
              <ConfirmAction
                label="Rotate secret"
                ariaLabel={`Rotate the secret of ${app.name}`}
                confirmLabel="Rotate secret"
                question="The current secret stops working at once."
                onConfirm={rotate}
                busy={busy}
              />
            )}
            <ConfirmAction
              label="Delete"
              ariaLabel={`Delete ${app.name}`}
              confirmLabel="Delete app"
              question={`Delete "${app.name}"? Every token it holds is revoked.`}
              onConfirm={remove}
              busy={busy}
            />
          </div>
        </>
      )}
    </article>
  );
}

export function OAuthAppsPage({ session, user }: AppState) {
  const { items: apps, setItems: setApps, error: listError, reload: load } = useList<OAuthApp>('/api/v1/users/current/oauth_apps', 'Could not load your OAuth apps.');
  const [name, setName] = useState('');
  const [uris, setUris] = useState('');
  const [isPublic, setIsPublic] = useState(false);
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<{ app: AppWithSecret; rotated: boolean } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const idBase = useId();


  const register = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    const res = await api<AppWithSecret>('POST', '/api/v1/users/current/oauth_apps', { name: name.trim(), redirect_uris: urisFromText(uris), is_public: isPublic });
    setBusy(false);
    setResult(res.ok ? null : res);
    if (res.ok && res.data) {
      setSecret({ app: res.data, rotated: false });
      setName('');
      setUris('');
      setIsPublic(false);
      await load();
    }
  };

  return (
    <Page title="OAuth apps" intro="Register an app to let other people connect it to their Metronome account with OAuth 2.0.">
      {secret ? (
        secret.app.client_secret ? (
          <SecretBox label={`${secret.rotated ? 'New client secret' : 'Client secret'} for "${secret.app.name}"`} value={secret.app.client_secret}>
            <p>
              Client ID: <code>{secret.app.client_id}</code>
            </p>
            <button type="button" className="button button-small" onClick={() => setSecret(null)}>
              I have copied it
            </button>
          </SecretBox>
        ) : (
          <Alert kind="success">
            Registered "{secret.app.name}", a public app: it has no secret. Its client ID is <code>{secret.app.client_id}</code>.
          </Alert>
        )
      ) : null}

      <section className="card" aria-labelledby={`${idBase}-register`}>
        <h2 id={`${idBase}-register`}>Register an app</h2>
        <form className="form" onSubmit={register}>
          <Alert kind="error">{formError(result, ['name', 'redirect_uris', 'is_public'])}</Alert>
          <AppFields idBase={`${idBase}-new`} name={name} uris={uris} setName={setName} setUris={setUris} result={result} />
          <div className="check">
            <input id={`${idBase}-public`} name="is_public" type="checkbox" checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)} aria-describedby={`${idBase}-public-hint`} />
            <label htmlFor={`${idBase}-public`}>Public client</label>
            <p className="hint" id={`${idBase}-public-hint`}>
              For apps that cannot keep a secret (desktop, mobile, single-page apps): no client secret, PKCE required.
            </p>
            <FieldError id={`${idBase}-public-error`} errors={result?.errors} field="is_public" />
          </div>
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Registering…' : 'Register app'}
            </button>
          </div>
        </form>
      </section>

      <section aria-labelledby={`${idBase}-list`}>
        <h2 id={`${idBase}-list`} className="section-heading">
          Your apps
        </h2>
        <Alert kind="success">{notice}</Alert>
        <Alert kind="error">{listError}</Alert>
        {apps === null ? (
          listError ? null : <p role="status">Loading…</p>
        ) : apps.length === 0 ? (
          <p className="empty">No apps registered yet.</p>
        ) : (
          apps.map((app) => (
            <AppCard
              key={app.id}
              app={app}
              timeZone={user.timezone}
              onChanged={(a) => setApps((list) => list?.map((x) => (x.id === a.id ? a : x)) ?? null)}
              onSecret={(a) => {
                setSecret({ app: a, rotated: true });
                const { client_secret: _secret, ...shown } = a;
                setApps((list) => list?.map((x) => (x.id === a.id ? shown : x)) ?? null);
                window.scrollTo(0, 0);
              }}
              onDeleted={(a) => {
                if (secret?.app.id === a.id) setSecret(null);
                setNotice(`Deleted "${a.name}".`);
                setApps((list) => list?.filter((x) => x.id !== a.id) ?? null);
              }}
            />
          ))
        )}
      </section>

      <section className="card" aria-labelledby={`${idBase}-endpoints`}>
        <h2 id={`${idBase}-endpoints`}>Endpoints</h2>
        <dl className="facts">
          <div className="fact-wide">
            <dt>Authorize</dt>
            <dd>
              <code>{session.base_url}/oauth/authorize</code>
            </dd>
          </div>
          <div className="fact-wide">
            <dt>Token</dt>
            <dd>
              <code>{session.base_url}/oauth/token</code>
            </dd>
          </div>
          <div className="fact-wide">
            <dt>Revoke</dt>
            <dd>
              <code>{session.base_url}/oauth/revoke</code>
            </dd>
          </div>
        </dl>
      </section>
    </Page>
  );
}
